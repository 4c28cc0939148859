/**
 * Golden-byte tests of the UDF worker's row coders and literal decoder against flink-python's own
 * Java serializers (PythonTypeUtils.toInternalSerializer / PythonBridgeUtils.pickleValue), in both
 * directions. Needs only the JVM, not a cluster.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toJavaJson } from '../src/gateway/java-json';
import { callSync } from '../src/gateway/jvm';
import { TypesFacade } from '../src/gateway/facade';
import { decodeValue, encodeValue, type LogicalTypeTree } from '../src/api/values';
import { ByteReader, ByteWriter } from '../src/worker/coders/bytes';
import { rowDecoder, rowEncoder } from '../src/worker/coders/row-coder';
import { decodeConstant } from '../src/worker/coders/pickle';
import { decodeUntyped, encodeUntyped } from '../src/worker/coders/untyped';
import { serialize as v8Serialize } from 'node:v8';
import { isDeepStrictEqual } from 'node:util';

const GOLDEN = 'dev.tsflink.udf.CoderGolden';

const FIELDS =
  'b BOOLEAN, ti TINYINT, si SMALLINT, i INT, bi BIGINT, f FLOAT, d DOUBLE, dec DECIMAL(10, 3), s STRING, ' +
  'c CHAR(3), vc VARCHAR(10), bin BINARY(2), vb BYTES, dt DATE, tm TIME(3), ts TIMESTAMP(3), ts6 TIMESTAMP(6), ' +
  'ltz TIMESTAMP_LTZ(3), ltz9 TIMESTAMP_LTZ(9), arr ARRAY<INT>, arrs ARRAY<STRING>, m MAP<STRING, BIGINT>, ' +
  'r ROW<x INT, y STRING>, nested ARRAY<ROW<k STRING, v ARRAY<DOUBLE>>>, mr MAP<INT, ROW<z BOOLEAN>>';
/** The field list as a ROW type, with every name quoted (some are SQL keywords). */
const ROW_TYPE = `ROW<${FIELDS.split(/, (?=\w+ [A-Z])/).map((f) => f.replace(/^(\w+) /, '`$1` ')).join(', ')}>`;

const full: Record<string, unknown> = {
  b: true,
  ti: -7,
  si: 12345,
  i: -2147483648,
  bi: 9007199254740993n,
  f: 1.5,
  d: -0.1,
  dec: '1234567.891',
  s: 'grüße ✓ ok 🐿️',
  c: 'abc',
  vc: '',
  bin: Uint8Array.of(0, 255),
  vb: Uint8Array.of(1, 2, 3, 4, 5),
  dt: new Date('2024-02-29T00:00:00Z'),
  tm: '23:59:58.123',
  ts: new Date('1969-07-20T20:17:40.123Z'),
  ts6: new Date('2038-01-19T03:14:08.001Z'),
  ltz: new Date('2024-01-02T03:04:05.678Z'),
  ltz9: new Date('1970-01-01T00:00:00.999Z'),
  arr: [1, null, -3],
  arrs: ['a', 'bb', null],
  m: new Map<string, bigint | null>([
    ['one', 1n],
    ['none', null],
  ]),
  r: { x: 42, y: null },
  nested: [{ k: 'p', v: [0.5, null] }, null],
  mr: new Map([[7, { z: false }]]),
};
const nulls: Record<string, unknown> = Object.fromEntries(Object.keys(full).map((k) => [k, null]));
const edge: Record<string, unknown> = {
  ...nulls,
  ti: 127,
  si: -32768,
  bi: -9223372036854775808n,
  d: Number.MAX_VALUE,
  dec: '-0.001',
  s: 'x'.repeat(300),
  dt: new Date('1900-01-01T00:00:00Z'),
  tm: '00:00:00.001',
  arr: [],
  m: new Map(),
};

describe('row coders match flink-python serializers byte for byte', () => {
  const tree = JSON.parse(TypesFacade.describeSql(ROW_TYPE)) as LogicalTypeTree;
  const names = tree.fields!.map((f) => f.name);
  const rows = [full, nulls, edge];
  const javaBytes = JSON.parse(
    callSync<string>(GOLDEN, 'serialize', ROW_TYPE, toJavaJson(rows.map((r) => encodeValue(r, tree)))),
  ) as string[];

  it('TypeScript encodes exactly the bytes Java writes', () => {
    const encode = rowEncoder(tree);
    rows.forEach((row, i) => {
      const w = new ByteWriter(16);
      encode(
        w,
        names.map((n) => row[n]),
      );
      expect(w.take().toString('base64'), `row ${i}`).toBe(javaBytes[i]);
    });
  });

  it('TypeScript decodes the bytes Java writes', () => {
    const decode = rowDecoder(tree);
    rows.forEach((row, i) => {
      const r = new ByteReader(Buffer.from(javaBytes[i], 'base64'));
      const decoded = decode(r);
      expect(r.remaining()).toBe(0);
      expect(decoded.kind).toBe(0);
      expect(Object.fromEntries(names.map((n, j) => [n, decoded.values[j]]))).toEqual(row);
    });
  });

  it('Java reads back what TypeScript writes, with the row kind', () => {
    const encode = rowEncoder(tree);
    const ours = rows.map((row, kind) => {
      const w = new ByteWriter();
      encode(
        w,
        names.map((n) => row[n]),
        kind,
      );
      return w.take().toString('base64');
    });
    const back = JSON.parse(callSync<string>(GOLDEN, 'deserialize', ROW_TYPE, toJavaJson(ours))) as {
      kind: number;
      fields: unknown[];
    }[];
    back.forEach((r, i) => {
      expect(r.kind).toBe(i);
      expect(decodeValue(r.fields as never, tree)).toEqual(rows[i]);
    });
  });

  it('rejects values of the wrong type with a message naming the field', () => {
    const encode = rowEncoder(tree);
    const bad = { ...full, i: 'seven' };
    expect(() =>
      encode(
        new ByteWriter(),
        names.map((n) => bad[n]),
      ),
    ).toThrow(/field 'i': cannot use "seven" as a value of type INT/);
    expect(() => encode(new ByteWriter(), names.map((n) => (n === 'i' ? NaN : full[n])))).toThrow(/field 'i': cannot use number NaN as a value of type INT/);
  });

  it('rejects a value of another JS type or out of range for every scalar type, never converting it', () => {
    const encode = rowEncoder(tree);
    const cases: [field: string, value: unknown, message: RegExp][] = [
      ['b', 'true', /cannot use "true" as a value of type BOOLEAN/],
      ['b', 1, /cannot use number 1 as a value of type BOOLEAN/],
      ['ti', 128, /cannot use number 128 as a value of type TINYINT/],
      ['ti', -129, /TINYINT/],
      ['si', 32768, /cannot use number 32768 as a value of type SMALLINT/],
      ['i', '42', /cannot use "42" as a value of type INT/],
      ['i', 2 ** 31, /INT/],
      ['i', 1.5, /cannot use number 1.5 as a value of type INT/],
      ['bi', '9', /BIGINT/],
      ['f', '1.5', /FLOAT/],
      ['d', '1.5', /cannot use "1.5" as a value of type DOUBLE/],
      ['d', true, /DOUBLE/],
      ['dec', 'abc', /DECIMAL\(10, 3\)/],
      ['s', 42, /cannot use number 42 as a value of type VARCHAR\(2147483647\)/],
      ['s', { x: 1 }, /VARCHAR/],
    ];
    for (const [field, value, message] of cases) {
      const row = names.map((n) => (n === field ? value : full[n]));
      expect(() => encode(new ByteWriter(), row), `${field} = ${String(value)}`).toThrow(new RegExp(`field '${field}': .*${message.source}`));
    }
  });

  it('rejects null and undefined for a NOT NULL field, and takes them for a nullable one', () => {
    const int = (nullable: boolean): LogicalTypeTree => ({ root: 'INTEGER', nullable, sql: nullable ? 'INT' : 'INT NOT NULL' });
    const encode = rowEncoder({
      root: 'ROW',
      nullable: false,
      sql: 'ROW<`a` INT NOT NULL, `b` INT>',
      fields: [
        { name: 'a', type: int(false) },
        { name: 'b', type: int(true) },
      ],
    });
    expect(() => encode(new ByteWriter(), [1, null])).not.toThrow();
    expect(() => encode(new ByteWriter(), [undefined, 1])).toThrow(/field 'a': cannot use undefined as a value of type INT NOT NULL/);
    expect(() => encode(new ByteWriter(), [null, 1])).toThrow(/field 'a': cannot use null as a value of type INT NOT NULL/);
  });
});

describe('SQL literal arguments (pickled by the planner) decode to TSFlink values', () => {
  const cases: [string, unknown, unknown][] = [
    ['null', null, null],
    ['byte', -5, -5],
    ['short', 300, 300],
    ['int', 70000, 70000],
    ['int', -1, -1],
    ['long', '9007199254740993', 9007199254740993n],
    ['long', '-12', -12],
    ['float', 1.25, 1.25],
    ['double', -2.5e300, -2.5e300],
    ['decimal', '12.340', '12.340'],
    ['boolean', true, true],
    ['boolean', false, false],
    ['string', 'héllo ✓', 'héllo ✓'],
    ['string', '', ''],
    ['date', 19782, new Date('2024-02-29T00:00:00Z')],
    ['time', 45296789, '12:34:56.789'],
    ['timestamp', '1700000000123', new Date(1700000000123)],
  ];
  it.each(cases)('%s %j', (kind, value, expected) => {
    const bytes = Buffer.from(callSync<string>(GOLDEN, 'pickle', kind, toJavaJson(value)), 'base64');
    const decoded = decodeConstant(bytes);
    if (kind === 'decimal') expect(String((decoded as { text: string }).text)).toBe(expected);
    else if (typeof expected === 'bigint') expect(BigInt(decoded as bigint)).toBe(expected);
    else expect(decoded).toEqual(expected);
  });
});

describe('ByteReader / ByteWriter', () => {
  it('round-trips BIGINTs on both sides of the safe-integer range, as Java writes them', () => {
    const values = [0n, -1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 0x1234_5678_9abc_def0n];
    for (const v of values) {
      const w = new ByteWriter();
      w.i64(v);
      const bytes = w.take();
      const java = Buffer.alloc(8);
      java.writeBigInt64BE(v);
      expect(bytes).toEqual(java);
      expect(new ByteReader(bytes).i64()).toBe(v);
    }
  });

  it('writes strings as Java does: int byte length + UTF-8, short ASCII ones included', () => {
    const strings = ['', 'a', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(63) + 'é', 'abc✓', '🐿️ ok'];
    for (const s of strings) {
      const w = new ByteWriter(8); // grows on the way
      w.lengthPrefixedUtf8(s);
      const bytes = w.take();
      const utf8 = Buffer.from(s, 'utf8');
      expect(bytes.readInt32BE(0)).toBe(utf8.length);
      expect(bytes.subarray(4)).toEqual(utf8);
      const r = new ByteReader(bytes);
      expect(r.utf8(r.i32())).toBe(s);
    }
  });
});

describe('protocol definitions', () => {
  it('protos/flink/flink-fn-execution.proto matches the descriptor compiled into flink-python', async () => {
    const protobuf = await import('protobufjs');
    const root = new protobuf.Root().loadSync(path.join(__dirname, '..', 'protos', 'flink', 'flink-fn-execution.proto'), { keepCase: true });
    root.resolveAll();
    const ours: string[] = [];
    const walk = (ns: protobuf.NamespaceBase) => {
      for (const o of ns.nestedArray) {
        if (o instanceof protobuf.Type) {
          for (const f of o.fieldsArray) {
            const kind = f.resolvedType ? (f.resolvedType instanceof protobuf.Enum ? 'ENUM' : 'MESSAGE') : f.type.toUpperCase();
            ours.push(`${o.fullName.slice(1)}.${f.name}=${f.id}:${f.repeated ? 'repeated ' : ''}${kind}`);
          }
          walk(o);
        } else if (o instanceof protobuf.Enum) {
          for (const [k, v] of Object.entries(o.values)) ours.push(`${o.fullName.slice(1)}.${k}=${v}`);
        } else if (o instanceof protobuf.Namespace) walk(o);
      }
    };
    walk(root);
    const java = JSON.parse(callSync<string>(GOLDEN, 'flinkFnApiFields')) as string[];
    expect(ours.sort()).toEqual(java);
    expect(java.length).toBeGreaterThan(200);
  });
});

describe("the DataStream API's untyped values (Types.PICKLED_BYTE_ARRAY)", () => {
  const cycle: Record<string, unknown> = { name: 'loop' };
  cycle.self = cycle;

  it('take JSON where it keeps them exactly, V8 otherwise; every value comes back as it went', () => {
    const jsonSafe: unknown[] = [0, 1.5, -7, 'apple', '', true, null, [1, 'two', [3]], { user: 'ann', qty: 3, tags: ['a'], geo: { lat: 52.5 } }];
    for (const v of jsonSafe) {
      const b = encodeUntyped(v);
      expect(b.toString('utf8')).toBe(JSON.stringify(v));
      expect(decodeUntyped(b)).toEqual(v);
    }
    // what JSON would change or drop: V8 (whose bytes start with its version byte 0xFF)
    const v8Only: unknown[] = [-0, NaN, Infinity, undefined, 10n, new Date(5), new Map([[1, 'x']]), new Set(['s']), Uint8Array.of(1, 2), [1, , 3], [undefined], { a: undefined }, { n: 2n ** 70n }, cycle];
    for (const v of v8Only) {
      const b = encodeUntyped(v);
      expect(b[0]).toBe(0xff);
      const back = decodeUntyped(b);
      if (v === cycle) expect((back as typeof cycle).self).toBe(back);
      else expect(Object.is(back, v) || isDeepStrictEqual(back, v)).toBe(true);
    }
    // bytes written before JSON was used (V8 only: state in an older savepoint) still decode
    expect(decodeUntyped(v8Serialize({ user: 'ann', qty: 3 }))).toEqual({ user: 'ann', qty: 3 });
    // equal values, equal bytes: untyped keys are compared as bytes
    expect(encodeUntyped({ k: 'a', n: 1 }).equals(encodeUntyped({ k: 'a', n: 1.0 }))).toBe(true);
    // what neither holds fails as before, in V8's words
    expect(() => encodeUntyped({ toJSON: () => 1 })).toThrow(/could not be cloned/);
    expect(() => encodeUntyped(() => 1)).toThrow(/could not be cloned/);
  });
});
