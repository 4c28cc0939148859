/**
 * The columns test/arrow-golden.test.ts sends through flink-python's Arrow writer and reader, and
 * an oracle that turns a value's JSON wire form (what dev.tsflink.udf.ArrowGolden takes and gives)
 * into the exact value the worker must read (src/api/arrow/values.ts), written independently of
 * the worker's own conversions.
 */
import type { LogicalTypeTree } from '../src/api/values';
import { DayValue, DecimalValue, InstantValue, MapValue, StructValue, TimeValue, type Value } from '../src/api/arrow/values';

/** TSFlink's JSON wire form of a value (src/api/values.ts encodeValue), as Java's toJson writes it back. */
export type Wire = null | boolean | number | string | Wire[];

/** A column: name, Flink SQL type, and one wire value per test row (ROWS of them). */
export type Column = readonly [name: string, sql: string, values: readonly Wire[]];

const b64 = (...bytes: number[]): string => Buffer.from(bytes).toString('base64');

/**
 * Every type flink-python's Arrow path carries (ArrowUtils.toArrowSchema), each with a NULL in row 2
 * unless NOT NULL, extremes of its range, and nesting in ARRAY / MAP / ROW. Wire values are in the
 * form Java's toJson writes (LocalDateTime/Instant/LocalTime toString, plain decimals at full scale),
 * so what Java reads back compares equal to them. TIME is milliseconds inside Flink (an int), so
 * TIME(6)/TIME(9) values have no sub-millisecond digits.
 */
export const COLUMNS: readonly Column[] = [
  ['b', 'BOOLEAN', [true, false, null, true]],
  ['ti', 'TINYINT', [-7, 127, null, -128]],
  ['si', 'SMALLINT', [12345, -32768, null, 32767]],
  ['i', 'INT', [-2147483648, 2147483647, null, 0]],
  ['i_nn', 'INT NOT NULL', [1, -1, 0, 42]],
  ['bi', 'BIGINT', ['9007199254740993', '-9223372036854775808', null, '9223372036854775807']],
  ['f', 'FLOAT', [1.5, 0.1, null, '-Infinity']],
  ['d', 'DOUBLE', [-0.1, 1.7976931348623157e308, null, 'NaN']],
  ['dec', 'DECIMAL(10, 3)', ['1234567.891', '-0.001', null, '0.000']],
  ['dec0', 'DECIMAL(5, 0)', ['99999', '-99999', null, '0']],
  ['dec38', 'DECIMAL(38, 18)', ['12345678901234567890.123456789012345678', '-99999999999999999999.999999999999999999', null, '0.000000000000000001']],
  ['s', 'STRING', ['grüße ✓ 🐿️', '', null, 'x'.repeat(300)]],
  ['c', 'CHAR(3)', ['abc', 'a  ', null, '✓✓✓']],
  ['vc', 'VARCHAR(10)', ['hello', '', null, '0123456789']],
  ['s_nn', 'STRING NOT NULL', ['a', '', 'b', 'c']],
  ['bin', 'BINARY(2)', [b64(0, 255), b64(0, 0), null, b64(128, 1)]],
  ['vb', 'BYTES', [b64(1, 2, 3, 4, 5), b64(), null, b64(0)]],
  ['vb3', 'VARBINARY(3)', [b64(255, 254, 253), b64(7), null, b64()]],
  ['dt', 'DATE', ['2024-02-29', '1900-01-01', null, '1970-01-01']],
  ['tm0', 'TIME(0)', ['23:59:58', '00:00', null, '12:00:01']],
  ['tm3', 'TIME(3)', ['23:59:58.123', '00:00:00.001', null, '12:34:56.700']],
  ['tm6', 'TIME(6)', ['01:02:03.456', '23:59:59.999', null, '00:00']],
  ['tm9', 'TIME(9)', ['01:02:03.456', '23:59:59.999', null, '00:00']],
  ['ts0', 'TIMESTAMP(0)', ['1969-07-20T20:17:40', '2038-01-19T03:14:08', null, '1970-01-01T00:00']],
  ['ts3', 'TIMESTAMP(3)', ['1969-07-20T20:17:40.123', '2038-01-19T03:14:08.001', null, '1900-01-01T00:00']],
  ['ts6', 'TIMESTAMP(6)', ['2038-01-19T03:14:08.000001', '1969-07-20T20:17:40.123', null, '2024-01-02T03:04:05.678901']],
  ['ts9', 'TIMESTAMP(9)', ['2024-01-02T03:04:05.123456789', '1969-07-20T20:17:40.123', null, '2262-04-11T23:47:16.854775807']],
  ['ltz0', 'TIMESTAMP_LTZ(0)', ['2024-01-02T03:04:05Z', '1969-07-20T20:17:40Z', null, '1970-01-01T00:00:00Z']],
  ['ltz3', 'TIMESTAMP_LTZ(3)', ['2024-01-02T03:04:05.678Z', '1969-07-20T20:17:40.123Z', null, '1970-01-01T00:00:00.999Z']],
  ['ltz6', 'TIMESTAMP_LTZ(6)', ['2024-01-02T03:04:05.678901Z', '1969-07-20T20:17:40.123Z', null, '2038-01-19T03:14:08.000001Z']],
  ['ltz9', 'TIMESTAMP_LTZ(9)', ['2024-01-02T03:04:05.678901234Z', '1969-07-20T20:17:40.123Z', null, '1970-01-01T00:00:00.000000001Z']],
  ['arr', 'ARRAY<INT>', [[1, null, -3], [], null, [7]]],
  ['arr_nn', 'ARRAY<STRING NOT NULL> NOT NULL', [['a', 'bb'], [], [''], ['✓']]],
  ['arr_ts9', 'ARRAY<TIMESTAMP(9)>', [['2024-01-02T03:04:05.123456789', null], [], null, ['1970-01-01T00:00']]],
  ['arr_dec', 'ARRAY<DECIMAL(38, 18)>', [['-1.000000000000000001', null], [], null, ['0.000000000000000000']]],
  ['arr_arr', 'ARRAY<ARRAY<BIGINT>>', [[['1', null], null, []], [[]], null, [['-9223372036854775808']]]],
  ['arr_map', 'ARRAY<MAP<STRING NOT NULL, INT>>', [[[['a', 1], ['b', null]], null], [[]], null, [[['z', 0]]]]],
  ['m', 'MAP<STRING NOT NULL, BIGINT>', [[['one', '1'], ['none', null]], [], null, [['k', '-5']]]],
  ['m_row', 'MAP<INT NOT NULL, ROW<z BOOLEAN, t TIME(3)>>', [[[7, [false, '01:02:03.004']], [8, null]], [], null, [[-1, [null, null]]]]],
  ['m_arr', 'MAP<DATE NOT NULL, ARRAY<DOUBLE>>', [[['2024-02-29', [0.5, null]]], [], null, [['1970-01-01', []]]]],
  ['r', 'ROW<x INT, y STRING>', [[42, null], [null, ''], null, [0, 'z']]],
  ['r_nn', 'ROW<x INT NOT NULL, t TIMESTAMP(6)>', [[1, '2024-01-02T03:04:05.678901'], [-1, null], null, [0, '1970-01-01T00:00']]],
  ['r_deep', 'ROW<inner ROW<a DATE, b TIMESTAMP_LTZ(9)>, l ARRAY<DECIMAL(5, 2)>, bin BINARY(3)>', [[['2024-02-29', '2024-01-02T03:04:05.678901234Z'], ['1.50', null], b64(1, 2, 3)], [null, [], null], null, [[null, null], null, b64(0, 0, 0)]]],
  ['nested', 'ARRAY<ROW<k STRING, v ARRAY<DOUBLE>>>', [[['p', [0.5, null]], null], [], null, [[null, null]]]],
  ['n', 'NULL', [null, null, null, null]],
];

/** How many rows each column has. */
export const ROWS = 4;

/** The columns as one Flink ROW type, every name quoted. */
export function rowTypeSql(columns: readonly Column[]): string {
  return `ROW<${columns.map(([name, sql]) => `\`${name}\` ${sql}`).join(', ')}>`;
}

/** Row-major wire rows of the columns. */
export function wireRows(columns: readonly Column[]): Wire[][] {
  const n = columns[0][2].length;
  return Array.from({ length: n }, (_, i) => columns.map(([, , values]) => values[i]));
}

const NANOS_PER_MS = 1_000_000n;

/** Nanoseconds since the epoch of an ISO local date-time (taken as UTC) with up to 9 fraction digits. */
function epochNanos(iso: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?Z?$/.exec(iso);
  if (!m) throw new Error(`not a timestamp: ${iso}`);
  const wholeSeconds = Date.parse(`${m[1]}Z`);
  return BigInt(wholeSeconds) * NANOS_PER_MS + BigInt((m[2] ?? '').padEnd(9, '0'));
}

function timeNanos(text: string): bigint {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(text);
  if (!m) throw new Error(`not a time: ${text}`);
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
  return BigInt(seconds) * 1_000_000_000n + BigInt((m[4] ?? '').padEnd(9, '0'));
}

function decimal(text: string, scale: number): DecimalValue {
  const [int, frac = ''] = text.split('.');
  if (frac.length !== scale) throw new Error(`${text} is not written at scale ${scale}`);
  return new DecimalValue(BigInt(int + frac), scale);
}

/** The value the worker must read (readColumn) for a wire value of type `t`. */
export function expectedValue(wire: Wire, t: LogicalTypeTree): Value {
  if (wire === null) return null;
  switch (t.root) {
    case 'BIGINT':
      return BigInt(wire as string);
    case 'FLOAT':
      return Math.fround(Number(wire));
    case 'DOUBLE':
      return Number(wire);
    case 'DECIMAL':
      return decimal(wire as string, t.scale ?? 0);
    case 'BINARY':
    case 'VARBINARY':
      return new Uint8Array(Buffer.from(wire as string, 'base64'));
    case 'DATE':
      return new DayValue(Date.parse(`${wire as string}T00:00:00Z`) / 86_400_000);
    case 'TIME_WITHOUT_TIME_ZONE':
      return new TimeValue(timeNanos(wire as string));
    case 'TIMESTAMP_WITHOUT_TIME_ZONE':
    case 'TIMESTAMP_WITH_LOCAL_TIME_ZONE':
      return new InstantValue(epochNanos(wire as string));
    case 'ARRAY':
      return (wire as Wire[]).map((e) => expectedValue(e, t.element!));
    case 'MAP':
      return new MapValue((wire as Wire[][]).map(([k, v]) => [expectedValue(k, t.key!), expectedValue(v, t.value!)] as const));
    case 'ROW':
      return new StructValue(
        t.fields!.map((f) => f.name),
        t.fields!.map((f, i) => expectedValue((wire as Wire[])[i], f.type)),
      );
    default:
      return wire as Value;
  }
}

/**
 * A value as a vectorized UDF would naturally return it (docs/vectorized.md: TSFlink's value
 * mapping): Date for DATE and whole-millisecond timestamps, strings for DECIMAL and TIME, Map for
 * MAP, plain objects for ROW. Values a Date cannot hold (sub-millisecond digits) stay exact.
 */
export function plainJs(v: Value): unknown {
  if (v instanceof InstantValue) return v.epochNanos % NANOS_PER_MS === 0n ? new Date(Number(v.epochNanos / NANOS_PER_MS)) : v;
  if (v instanceof DayValue) return new Date(v.days * 86_400_000);
  if (v instanceof DecimalValue) return v.toString();
  if (v instanceof TimeValue) {
    const ms = Number(v.nanos / NANOS_PER_MS);
    const pad = (x: number, w = 2): string => String(x).padStart(w, '0');
    return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
  }
  if (v instanceof StructValue) return Object.fromEntries(v.names.map((n, i) => [n, plainJs(v.values[i])]));
  if (v instanceof MapValue) return new Map(v.entries.map(([k, x]) => [plainJs(k), plainJs(x)]));
  if (Array.isArray(v)) return v.map(plainJs);
  return v;
}
