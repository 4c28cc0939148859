/**
 * Builds Arrow data of an exact target type (the layout Flink's Arrow reader expects) from plain
 * values, converting where the meaning is preserved (wider integers, time units, rescaled decimals)
 * and failing with the column, row and value otherwise.
 */
import * as arrow from 'apache-arrow';
import { DayValue, DecimalValue, InstantValue, MapValue, StructValue, TimeValue, type Value } from './values';

/** A value that cannot become the target type; `where` names the column and row. */
export class ArrowConversionError extends TypeError {
  override readonly name = 'ArrowConversionError';
}

const NANOS: Record<number, bigint> = {
  [arrow.TimeUnit.SECOND]: 1_000_000_000n,
  [arrow.TimeUnit.MILLISECOND]: 1_000_000n,
  [arrow.TimeUnit.MICROSECOND]: 1_000n,
  [arrow.TimeUnit.NANOSECOND]: 1n,
};
const NANOS_PER_DAY = 86_400_000_000_000n;
const encoder = new TextEncoder();

function shown(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof DecimalValue) return v.toString();
  if (v instanceof InstantValue) return `${v.epochNanos}ns since epoch`;
  if (v instanceof TimeValue) return `${v.nanos}ns of day`;
  if (v instanceof DayValue) return `day ${v.days}`;
  if (v instanceof Uint8Array) return `bytes[${v.length}]`;
  if (v instanceof StructValue) return 'a struct';
  if (v instanceof MapValue || v instanceof Map) return 'a map';
  if (Array.isArray(v)) return 'a list';
  return String(v);
}

/** Where a value sits, for error messages: column path and row. */
export interface Place {
  column: string;
  row(i: number): number;
}

function fail(place: Place, i: number, v: unknown, target: arrow.DataType, why = ''): never {
  throw new ArrowConversionError(
    `column '${place.column}', row ${place.row(i)}: cannot convert ${shown(v)} to Arrow ${target}${why ? ` (${why})` : ''}`,
  );
}

function bitmap(values: readonly Value[], nullable: boolean, place: Place, nullParents?: readonly boolean[]): [Uint8Array, number] {
  const bits = new Uint8Array((values.length + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) {
      if (!nullable && !nullParents?.[i]) throw new ArrowConversionError(`column '${place.column}', row ${place.row(i)}: null in a NOT NULL column`);
      nulls++;
    } else bits[i >> 3] |= 1 << (i & 7);
  }
  return [bits, nulls];
}

function toBigInt(v: Value, place: Place, i: number, t: arrow.DataType): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return fail(place, i, v, t);
}

function parseDecimal(text: string): DecimalValue | undefined {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:e([-+]?\d+))?$/i.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  let unscaled = BigInt((m[2] || '0') + frac);
  let scale = frac.length - Number(m[4] ?? 0);
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return new DecimalValue(m[1] === '-' ? -unscaled : unscaled, scale);
}

function toDecimal(v: Value, t: arrow.Decimal, place: Place, i: number): bigint {
  let d: DecimalValue | undefined;
  if (v instanceof DecimalValue) d = v;
  else if (typeof v === 'bigint') d = new DecimalValue(v, 0);
  else if (typeof v === 'number' && Number.isFinite(v)) d = parseDecimal(String(v));
  else if (typeof v === 'string') d = parseDecimal(v);
  if (!d) return fail(place, i, v, t);
  let unscaled = d.unscaled;
  if (d.scale <= t.scale) unscaled *= 10n ** BigInt(t.scale - d.scale);
  else {
    // Fewer fraction digits: round half up, as Flink's CAST to DECIMAL does.
    const div = 10n ** BigInt(d.scale - t.scale);
    const q = unscaled / div;
    const r = unscaled % div;
    unscaled = 2n * (r < 0n ? -r : r) >= div ? q + (unscaled < 0n ? -1n : 1n) : q;
  }
  if ((unscaled < 0n ? -unscaled : unscaled).toString().length > t.precision) fail(place, i, v, t, `more than ${t.precision} digits`);
  return unscaled;
}

function toEpochNanos(v: Value, place: Place, i: number, t: arrow.DataType): bigint {
  if (v instanceof InstantValue) return v.epochNanos;
  if (v instanceof DayValue) return BigInt(v.days) * NANOS_PER_DAY;
  if (v instanceof Date && !Number.isNaN(v.getTime())) return BigInt(v.getTime()) * 1_000_000n;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v) * 1_000_000n;
  return fail(place, i, v, t);
}

function toTimeNanos(v: Value, place: Place, i: number, t: arrow.DataType): bigint {
  if (v instanceof TimeValue) return v.nanos;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v) * 1_000_000n;
  if (typeof v === 'string') {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(v);
    if (m) {
      const secs = BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0));
      return secs * 1_000_000_000n + BigInt((m[4] ?? '').padEnd(9, '0'));
    }
  }
  return fail(place, i, v, t);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function toDays(v: Value, place: Place, i: number, t: arrow.DataType): number {
  if (v instanceof DayValue) return v.days;
  return Number(floorDiv(toEpochNanos(v, place, i, t), NANOS_PER_DAY));
}

function plainStruct(v: Value): StructValue | undefined {
  if (v instanceof StructValue) return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map)) {
    const entries = Object.entries(typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (v as unknown as { toJSON(): object }).toJSON() : v);
    return new StructValue(entries.map(([k]) => k), entries.map(([, x]) => x as Value));
  }
  return undefined;
}

function mapEntries(v: Value): readonly (readonly [Value, Value])[] | undefined {
  if (v instanceof MapValue) return v.entries;
  if ((v as unknown) instanceof Map) return [...(v as unknown as Map<Value, Value>).entries()];
  return undefined;
}

function listItems(v: Value): readonly Value[] | undefined {
  if (Array.isArray(v)) return v;
  if ((v as unknown) instanceof arrow.Vector) return [...(v as unknown as arrow.Vector)] as Value[];
  return undefined;
}

/** The place of list elements: errors name the row of the list an element belongs to. */
function elementsPlace(place: Place, suffix: string, offsets: Int32Array): Place {
  return {
    column: place.column + suffix,
    row(child: number): number {
      let lo = 0;
      let hi = offsets.length - 2;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (offsets[mid] <= child) lo = mid;
        else hi = mid - 1;
      }
      return place.row(lo);
    },
  };
}

function offsetsOf(lists: readonly (readonly unknown[] | null)[]): Int32Array {
  const offsets = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) offsets[i + 1] = offsets[i] + (lists[i]?.length ?? 0);
  return offsets;
}

/**
 * Arrow data of exactly `type` holding `values`. `nullParents` marks the rows of a struct's field
 * whose struct is null: their (meaningless) values may be null even in a NOT NULL field.
 */
export function buildData(type: arrow.DataType, values: readonly Value[], nullable: boolean, place: Place, nullParents?: readonly boolean[]): arrow.Data {
  const n = values.length;
  const [nullBitmap, nullCount] = bitmap(values, nullable, place, nullParents);
  const props = { type, length: n, nullCount, nullBitmap } as const;
  const each = <T>(f: (v: Value, i: number) => T, fill: T): T[] => values.map((v, i) => (v === null || v === undefined ? fill : f(v, i)));
  switch (type.typeId) {
    case arrow.Type.Null:
      if (nullCount !== n) fail(place, values.findIndex((v) => v !== null), values.find((v) => v !== null), type);
      return arrow.makeData({ type: type as arrow.Null, length: n });
    case arrow.Type.Bool: {
      const bits = new Uint8Array((n + 7) >> 3);
      values.forEach((v, i) => {
        if (v === null || v === undefined) return;
        if (typeof v !== 'boolean') fail(place, i, v, type);
        if (v) bits[i >> 3] |= 1 << (i & 7);
      });
      return arrow.makeData({ ...props, type: type as arrow.Bool, data: bits });
    }
    case arrow.Type.Int: {
      const t = type as arrow.Int;
      const min = t.isSigned ? -(1n << BigInt(t.bitWidth - 1)) : 0n;
      const max = t.isSigned ? (1n << BigInt(t.bitWidth - 1)) - 1n : (1n << BigInt(t.bitWidth)) - 1n;
      const ints = each((v, i) => {
        const b = toBigInt(v, place, i, t);
        if (b < min || b > max) fail(place, i, v, t, 'out of range');
        return b;
      }, 0n);
      const data = t.bitWidth === 64 ? new (t.isSigned ? BigInt64Array : BigUint64Array)(ints) : new t.ArrayType(ints.map(Number) as never);
      return arrow.makeData({ ...props, type: t, data: data as never });
    }
    case arrow.Type.Float: {
      const t = type as arrow.Float;
      const nums = each((v, i) => {
        if (typeof v === 'number') return v;
        if (typeof v === 'bigint' || v instanceof DecimalValue) return Number(v.toString());
        return fail(place, i, v, t);
      }, 0);
      return arrow.makeData({ ...props, type: t, data: new (t.precision === arrow.Precision.SINGLE ? Float32Array : Float64Array)(nums) as never });
    }
    case arrow.Type.Decimal: {
      const t = type as arrow.Decimal;
      const words = new Uint32Array(n * (t.bitWidth / 32));
      values.forEach((v, i) => {
        if (v === null || v === undefined) return;
        let u = BigInt.asUintN(t.bitWidth, toDecimal(v, t, place, i));
        for (let w = 0; w < t.bitWidth / 32; w++, u >>= 32n) words[i * (t.bitWidth / 32) + w] = Number(u & 0xffffffffn);
      });
      return arrow.makeData({ ...props, type: t, data: words });
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const isText = type.typeId === arrow.Type.Utf8;
      const parts = each((v, i) => {
        if (isText ? typeof v !== 'string' : !(v instanceof Uint8Array)) fail(place, i, v, type);
        return isText ? encoder.encode(v as string) : (v as Uint8Array);
      }, new Uint8Array(0));
      const valueOffsets = offsetsOf(parts as unknown as Uint8Array[] as unknown as unknown[][]);
      const bytes = new Uint8Array(valueOffsets[n]);
      parts.forEach((p, i) => bytes.set(p, valueOffsets[i]));
      return arrow.makeData({ ...props, type: type as arrow.Utf8, data: bytes, valueOffsets });
    }
    case arrow.Type.FixedSizeBinary: {
      const t = type as arrow.FixedSizeBinary;
      const bytes = new Uint8Array(n * t.byteWidth);
      values.forEach((v, i) => {
        if (v === null || v === undefined) return;
        if (!(v instanceof Uint8Array) || v.length !== t.byteWidth) fail(place, i, v, t, `needs exactly ${t.byteWidth} bytes`);
        bytes.set(v as Uint8Array, i * t.byteWidth);
      });
      return arrow.makeData({ ...props, type: t, data: bytes });
    }
    case arrow.Type.Date: {
      const t = type as arrow.Date_;
      const days = each((v, i) => toDays(v, place, i, t), 0);
      const data = t.unit === arrow.DateUnit.DAY ? Int32Array.from(days) : BigInt64Array.from(days.map((d) => BigInt(d) * 86_400_000n));
      return arrow.makeData({ ...props, type: t, data: data as never });
    }
    case arrow.Type.Time: {
      const t = type as arrow.Time;
      const raw = each((v, i) => toTimeNanos(v, place, i, t) / NANOS[t.unit], 0n);
      const data = t.bitWidth === 64 ? BigInt64Array.from(raw) : Int32Array.from(raw.map(Number));
      return arrow.makeData({ ...props, type: t, data: data as never });
    }
    case arrow.Type.Timestamp: {
      const t = type as arrow.Timestamp;
      const raw = each((v, i) => floorDiv(toEpochNanos(v, place, i, t), NANOS[t.unit]), 0n);
      return arrow.makeData({ ...props, type: t, data: BigInt64Array.from(raw) });
    }
    case arrow.Type.List: {
      const t = type as arrow.List;
      const lists = each((v, i) => listItems(v) ?? fail(place, i, v, t), [] as readonly Value[]);
      const valueOffsets = offsetsOf(lists);
      const child = buildData(t.children[0].type, lists.flat() as Value[], t.children[0].nullable, elementsPlace(place, '[]', valueOffsets));
      return arrow.makeData({ ...props, type: t, valueOffsets, child });
    }
    case arrow.Type.Map: {
      const t = type as arrow.Map_;
      const maps = each((v, i) => mapEntries(v) ?? fail(place, i, v, t), [] as readonly (readonly [Value, Value])[]);
      const entries = t.children[0];
      const entryStruct = entries.type as arrow.Struct;
      const flat = maps.flat();
      const keyField = entryStruct.children[0];
      const valueField = entryStruct.children[1];
      const valueOffsets = offsetsOf(maps);
      const keys = buildData(keyField.type, flat.map((e) => e[0]), keyField.nullable, elementsPlace(place, '.key', valueOffsets));
      const vals = buildData(valueField.type, flat.map((e) => e[1]), valueField.nullable, elementsPlace(place, '.value', valueOffsets));
      const child = arrow.makeData({ type: entryStruct, length: flat.length, nullCount: 0, children: [keys, vals] });
      return arrow.makeData({ ...props, type: t, valueOffsets, child });
    }
    case arrow.Type.Struct: {
      const t = type as arrow.Struct;
      const structs = each((v, i) => plainStruct(v) ?? fail(place, i, v, t), undefined);
      const missing = structs.map((s) => s === undefined);
      const children = t.children.map((f, j) => {
        const fieldValues = structs.map((s) => {
          if (!s) return null;
          const byName = s.names.indexOf(f.name);
          return s.values[byName >= 0 ? byName : j] ?? null;
        });
        return buildData(f.type, fieldValues, f.nullable, { column: `${place.column}.${f.name}`, row: place.row }, missing);
      });
      return arrow.makeData({ ...props, type: t, children });
    }
    default:
      throw new ArrowConversionError(`column '${place.column}': Flink reads no Arrow ${type}`);
  }
}
