/**
 * Flink's row wire format for Python UDFs (flink-python's PythonTypeUtils.toInternalSerializer):
 * a row is a bit mask (2 RowKind bits, then one null bit per field, most significant bit first)
 * followed by the non-null fields; primitives are big-endian, strings/bytes/decimals are int-length
 * prefixed, DATE/TIME are ints (days, millis of day), TIMESTAMP(_LTZ) a long of millis plus an int
 * of nanos of the milli when the precision is > 3, ARRAY an int size then (present flag, element)
 * pairs, MAP an int size then (key, null flag, value) triples.
 */
import type { LogicalTypeTree } from '../../api/values';
import { decodeUntyped, encodeUntyped } from './untyped';
import { ByteReader, ByteWriter } from './bytes';
import {
  dateFromDays,
  daysFromValue,
  describe,
  millisFromInstant,
  millisFromTime,
  millisFromTimestamp,
  timeFromMillis,
} from './sql-values';

export type Decoder = (r: ByteReader) => unknown;

/** An encoding error, with the index of the top-level field that failed. */
export type FieldError = TypeError & { fieldIndex?: number };
export type Encoder = (w: ByteWriter, v: unknown) => void;

function typeErr(t: LogicalTypeTree, v: unknown): TypeError {
  return new TypeError(`cannot use ${describe(v)} as a value of type ${t.sql}`);
}

export function decoderFor(t: LogicalTypeTree): Decoder {
  switch (t.root) {
    case 'NULL': // only ever null, so never read (an accumulator's data view field)
      return () => null;
    case 'CHAR':
    case 'VARCHAR':
    case 'DECIMAL': // as its plain string
      return (r) => r.utf8(r.i32());
    case 'BOOLEAN':
      return (r) => r.u8() !== 0;
    case 'TINYINT':
      return (r) => r.i8();
    case 'SMALLINT':
      return (r) => r.i16();
    case 'INTEGER':
      return (r) => r.i32();
    case 'BIGINT':
      return (r) => r.i64();
    case 'FLOAT':
      return (r) => r.f32();
    case 'DOUBLE':
      return (r) => r.f64();
    case 'DATE':
      return (r) => dateFromDays(r.i32());
    case 'TIME_WITHOUT_TIME_ZONE':
      return (r) => timeFromMillis(r.i32());
    case 'TIMESTAMP_WITHOUT_TIME_ZONE':
    case 'TIMESTAMP_WITH_LOCAL_TIME_ZONE':
      if ((t.precision ?? 6) <= 3) return (r) => new Date(r.i64Number());
      return (r) => {
        const d = new Date(r.i64Number());
        r.i32(); // nanos within the milli: beyond what a Date holds
        return d;
      };
    case 'BINARY':
    case 'VARBINARY':
      return (r) => r.bytes(r.i32());
    case 'PICKLED': // the DataStream API's untyped values (PyFlink's pickled bytes): JSON or V8 (untyped.ts)
      return (r) => decodeUntyped(r.bytes(r.i32()));
    case 'ARRAY': {
      const el = decoderFor(t.element!);
      return (r) => {
        const n = r.i32();
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = r.u8() ? el(r) : null;
        return out;
      };
    }
    case 'MAP': {
      const k = decoderFor(t.key!);
      const v = decoderFor(t.value!);
      return (r) => {
        const n = r.i32();
        const out = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const key = k(r);
          out.set(key, r.u8() ? null : v(r));
        }
        return out;
      };
    }
    case 'TUPLE': {
      // Flink's TupleSerializer: the fields one after another, no null mask
      const fields = t.fields!.map((f) => decoderFor(f.type));
      return (r) => fields.map((d) => d(r));
    }
    case 'ROW': {
      const fields = rowDecoder(t);
      const names = t.fields!.map((f) => f.name);
      if (t.rowKind) {
        // DataStream rows: the RowKind through a prototype's getKind() (no own property: the object's
        // keys stay its fields), as TableResult's rows have it; a LONG field is a number where exact,
        // as a LONG record is (Types.LONG() is a TypeInformation<number>)
        const longs = t.fields!.map((f) => f.type.root === 'BIGINT');
        return (r) => {
          const { kind, values } = fields(r);
          const obj: Record<string, unknown> = Object.create(ROW_KIND_PROTOS[kind]);
          for (let i = 0; i < names.length; i++) {
            const v = values[i];
            obj[names[i]] = longs[i] && typeof v === 'bigint' && v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
          }
          return obj;
        };
      }
      return (r) => {
        const values = fields(r).values;
        const obj: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) obj[names[i]] = values[i];
        return obj;
      };
    }
    default:
      throw new TypeError(`TypeScript UDFs do not support values of type ${t.sql}`);
  }
}

const ROW_KIND_NAMES = ['+I', '-U', '+U', '-D'] as const;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const ROW_KIND_PROTOS = ROW_KIND_NAMES.map((k) => Object.freeze(Object.create(Object.prototype, { getKind: { value: () => k, enumerable: false } })) as object);

/** The RowKind byte of a row object with getKind() (a table's row, passed on or copied with it); +I otherwise. */
function kindOf(v: object): number {
  const getKind = (v as { getKind?: unknown }).getKind;
  if (typeof getKind !== 'function') return 0;
  const kind: unknown = getKind.call(v);
  const i = ROW_KIND_NAMES.indexOf(kind as (typeof ROW_KIND_NAMES)[number]);
  if (i < 0) throw new TypeError(`a row's getKind() returned ${JSON.stringify(kind)}: a RowKind is '+I', '-U', '+U' or '-D'`);
  return i;
}

export interface DecodedRow {
  kind: number;
  values: unknown[];
}

/** Decodes a row (mask + fields) into its kind and field values. */
export function rowDecoder(t: LogicalTypeTree): (r: ByteReader) => DecodedRow {
  const fields = t.fields!.map((f) => decoderFor(f.type));
  const n = fields.length;
  const maskBytes = Math.ceil((n + 2) / 8);
  return (r) => {
    const maskStart = r.pos;
    r.pos += maskBytes;
    if (r.pos > r.end) throw new RangeError('truncated row mask');
    const buf = r.buf;
    // mask bit 0 (the MSB) is RowKind bit 0x01, mask bit 1 is 0x02
    const head = buf[maskStart];
    const kind = ((head >> 7) & 1) | ((head >> 5) & 2);
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const bit = i + 2;
      values[i] = buf[maskStart + (bit >> 3)] & (0x80 >> (bit & 7)) ? null : fields[i](r);
    }
    return { kind, values };
  };
}

export function encoderFor(t: LogicalTypeTree): Encoder {
  switch (t.root) {
    case 'NULL':
      return (_w, v) => {
        throw typeErr(t, v);
      };
    case 'CHAR':
    case 'VARCHAR':
      return (w, v) => {
        if (typeof v !== 'string') throw typeErr(t, v);
        w.lengthPrefixedUtf8(v);
      };
    case 'BOOLEAN':
      return (w, v) => {
        if (typeof v !== 'boolean') throw typeErr(t, v);
        w.u8(v ? 1 : 0);
      };
    case 'TINYINT':
      return integer(t, -128, 127, (w, v) => w.i8(v));
    case 'SMALLINT':
      return integer(t, -32768, 32767, (w, v) => w.i16(v));
    case 'INTEGER':
      return integer(t, -2147483648, 2147483647, (w, v) => w.i32(v));
    case 'BIGINT':
      return (w, v) => {
        if (typeof v === 'bigint' && BigInt.asIntN(64, v) === v) w.i64(v);
        else if (typeof v === 'number' && Number.isSafeInteger(v)) w.i64Number(v);
        else throw typeErr(t, v);
      };
    case 'FLOAT':
      return (w, v) => {
        if (typeof v !== 'number') throw typeErr(t, v);
        w.f32(v);
      };
    case 'DOUBLE':
      return (w, v) => {
        if (typeof v !== 'number') throw typeErr(t, v);
        w.f64(v);
      };
    case 'DECIMAL':
      return (w, v) => {
        if (typeof v === 'number' && Number.isFinite(v)) w.lengthPrefixedUtf8(String(v));
        else if (typeof v === 'bigint') w.lengthPrefixedUtf8(v.toString());
        else if (typeof v === 'string' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) w.lengthPrefixedUtf8(v);
        else throw typeErr(t, v);
      };
    case 'DATE':
      return (w, v) => w.i32(daysFromValue(v));
    case 'TIME_WITHOUT_TIME_ZONE':
      return (w, v) => w.i32(millisFromTime(v));
    case 'TIMESTAMP_WITHOUT_TIME_ZONE':
    case 'TIMESTAMP_WITH_LOCAL_TIME_ZONE': {
      const millis = t.root === 'TIMESTAMP_WITH_LOCAL_TIME_ZONE' ? millisFromInstant : millisFromTimestamp;
      if ((t.precision ?? 6) <= 3) return (w, v) => w.i64Number(millis(v));
      return (w, v) => {
        w.i64Number(millis(v));
        w.i32(0);
      };
    }
    case 'PICKLED':
      return (w, v) => {
        let b: Buffer;
        try {
          b = encodeUntyped(v);
        } catch (e) {
          throw new TypeError(`cannot serialize ${describe(v)}: ${(e as Error).message}`);
        }
        w.i32(b.length);
        w.raw(b);
      };
    case 'BINARY':
    case 'VARBINARY':
      return (w, v) => {
        if (!(v instanceof Uint8Array)) throw typeErr(t, v);
        w.i32(v.length);
        w.raw(v);
      };
    case 'ARRAY': {
      const el = encoderFor(t.element!);
      return (w, v) => {
        if (!Array.isArray(v)) throw typeErr(t, v);
        w.i32(v.length);
        for (const x of v) {
          if (x === null || x === undefined) w.u8(0);
          else {
            w.u8(1);
            el(w, x);
          }
        }
      };
    }
    case 'MAP': {
      const k = encoderFor(t.key!);
      const val = encoderFor(t.value!);
      return (w, v) => {
        const entries = v instanceof Map ? [...v.entries()] : v !== null && typeof v === 'object' ? Object.entries(v) : null;
        if (!entries) throw typeErr(t, v);
        w.i32(entries.length);
        for (const [key, x] of entries) {
          if (key === null || key === undefined) throw new TypeError(`a key of ${t.sql} is null`);
          k(w, key);
          if (x === null || x === undefined) w.u8(1);
          else {
            w.u8(0);
            val(w, x);
          }
        }
      };
    }
    case 'TUPLE': {
      const fields = t.fields!.map((f) => encoderFor(f.type));
      return (w, v) => {
        if (!Array.isArray(v) || v.length !== fields.length) throw typeErr(t, v);
        fields.forEach((e, i) => e(w, v[i]));
      };
    }
    case 'ROW': {
      const enc = rowEncoder(t);
      const names = t.fields!.map((f) => f.name);
      return (w, v) => {
        if (Array.isArray(v)) return enc(w, v);
        if (v === null || typeof v !== 'object') throw typeErr(t, v);
        enc(w, objectFieldValues(v as Record<string, unknown>, names, t.sql), t.rowKind ? kindOf(v) : 0);
      };
    }
    default:
      throw new TypeError(`TypeScript UDFs do not support values of type ${t.sql}`);
  }
}

/**
 * A row's field values from an object, by field name; a missing field is null. An object with none
 * of the fields but other keys is a mistake (a misspelt or wrong field name), not a row of nulls.
 */
export function objectFieldValues(obj: Record<string, unknown>, names: readonly string[], rowSql: string): unknown[] {
  const values = names.map((n) => obj[n]);
  if (values.every((x) => x === undefined)) {
    const keys = Object.keys(obj);
    if (keys.length > 0) throw new TypeError(`an object with none of the fields of ${rowSql} (it has ${keys.map((k) => `'${k}'`).join(', ')})`);
  }
  return values;
}

function integer(t: LogicalTypeTree, min: number, max: number, write: (w: ByteWriter, v: number) => void): Encoder {
  return (w, v) => {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw typeErr(t, v);
    write(w, n);
  };
}

/** Encodes a row from its field values (mask with kind — 0 +I, 1 -U, 2 +U, 3 -D — then non-null fields). */
export function rowEncoder(t: LogicalTypeTree): (w: ByteWriter, values: readonly unknown[], kind?: number) => void {
  const fields = t.fields!.map((f) => ({ name: f.name, type: f.type, enc: encoderFor(f.type) }));
  const n = fields.length;
  const maskBytes = Math.ceil((n + 2) / 8);
  return (w, values, kind = 0) => {
    if (values.length !== n) throw new TypeError(`a row of ${t.sql} needs ${n} value(s), got ${values.length}`);
    w.ensure(maskBytes);
    const maskStart = w.pos;
    const buf = w.buf;
    buf[maskStart] = ((kind & 1) << 7) | ((kind & 2) << 5);
    for (let i = 1; i < maskBytes; i++) buf[maskStart + i] = 0; // Buffer.fill costs more for a byte or two
    w.pos += maskBytes;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      try {
        if (v === null || v === undefined) {
          if (!fields[i].type.nullable) throw typeErr(fields[i].type, v);
          const bit = i + 2;
          w.buf[maskStart + (bit >> 3)] |= 0x80 >> (bit & 7);
        } else {
          fields[i].enc(w, v);
        }
      } catch (e) {
        if (e instanceof TypeError && (e as FieldError).fieldIndex === undefined) {
          if (n > 1) e.message = `field '${fields[i].name}': ${e.message}`;
          (e as FieldError).fieldIndex = i;
        }
        throw e;
      }
    }
  };
}
