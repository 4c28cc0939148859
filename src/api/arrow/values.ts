/**
 * Arrow columns ⇄ plain values for the conversions fromArrow has to do when an Arrow column's type
 * is not exactly the Arrow layout Flink reads (an Int32 column into BIGINT, microseconds into
 * TIMESTAMP(3), a dictionary-encoded string column, ...). Temporal and decimal values are read from
 * the raw buffers, so no precision is lost on the way.
 */
import * as arrow from 'apache-arrow';

/** A DECIMAL value: unscaled digits and scale. */
export class DecimalValue {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  toString(): string {
    const neg = this.unscaled < 0n;
    const digits = (neg ? -this.unscaled : this.unscaled).toString().padStart(this.scale + 1, '0');
    const int = digits.slice(0, digits.length - this.scale);
    const frac = this.scale > 0 ? '.' + digits.slice(digits.length - this.scale) : '';
    return (neg ? '-' : '') + int + frac;
  }
}

/** A point in time (TIMESTAMP: wall clock as UTC; TIMESTAMP_LTZ: epoch) in nanoseconds. */
export class InstantValue {
  constructor(readonly epochNanos: bigint) {}
}

/** A time of day in nanoseconds. */
export class TimeValue {
  constructor(readonly nanos: bigint) {}
}

/** A DATE as days since 1970-01-01. */
export class DayValue {
  constructor(readonly days: number) {}
}

/** A struct value with its field names (matched by name, else by position). */
export class StructValue {
  constructor(
    readonly names: readonly string[],
    readonly values: readonly Value[],
  ) {}
}

export class MapValue {
  constructor(readonly entries: readonly (readonly [Value, Value])[]) {}
}

export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | DecimalValue
  | InstantValue
  | TimeValue
  | DayValue
  | StructValue
  | MapValue
  | Value[];

const NANOS_PER_UNIT: Record<number, bigint> = {
  [arrow.TimeUnit.SECOND]: 1_000_000_000n,
  [arrow.TimeUnit.MILLISECOND]: 1_000_000n,
  [arrow.TimeUnit.MICROSECOND]: 1_000n,
  [arrow.TimeUnit.NANOSECOND]: 1n,
};

function decimalAt(words: Uint32Array, i: number, bitWidth: number): bigint {
  const n = bitWidth / 32;
  let v = 0n;
  for (let w = n - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * n + w]);
  return BigInt.asIntN(bitWidth, v);
}

/** Reads a whole column into plain values. */
export function readColumn(vector: arrow.Vector): Value[] {
  const out: Value[] = new Array(vector.length);
  let at = 0;
  for (const data of vector.data) {
    const values = readData(data);
    for (let i = 0; i < values.length; i++) out[at++] = values[i];
  }
  return out;
}

function readData(data: arrow.Data): Value[] {
  const type = data.type as arrow.DataType;
  const n = data.length;
  const out: Value[] = new Array(n);
  const valid = (i: number): boolean => data.nullCount === 0 || data.getValid(i);
  if (arrow.DataType.isTimestamp(type) || arrow.DataType.isTime(type)) {
    const scale = NANOS_PER_UNIT[(type as arrow.Timestamp | arrow.Time).unit];
    const raw = data.values as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) {
      if (!valid(i)) out[i] = null;
      else {
        const nanos = BigInt(raw[i]) * scale;
        out[i] = arrow.DataType.isTimestamp(type) ? new InstantValue(nanos) : new TimeValue(nanos);
      }
    }
    return out;
  }
  if (arrow.DataType.isDecimal(type)) {
    const words = data.values as unknown as Uint32Array;
    for (let i = 0; i < n; i++) out[i] = valid(i) ? new DecimalValue(decimalAt(words, i, type.bitWidth), type.scale) : null;
    return out;
  }
  if (arrow.DataType.isDate(type)) {
    const vector = arrow.makeVector(data);
    for (let i = 0; i < n; i++) {
      const ms = vector.get(i) as number | Date | null;
      out[i] = ms === null ? null : new DayValue(Math.floor(Number(ms) / 86_400_000));
    }
    return out;
  }
  if (arrow.DataType.isStruct(type)) {
    const names = type.children.map((f) => f.name);
    const children = data.children.map((c) => readData(c));
    for (let i = 0; i < n; i++) out[i] = valid(i) ? new StructValue(names, children.map((c) => c[i])) : null;
    return out;
  }
  if (arrow.DataType.isList(type) || arrow.DataType.isFixedSizeList(type) || arrow.DataType.isMap(type)) {
    const child = readData(data.children[0]);
    const fixed = arrow.DataType.isFixedSizeList(type) ? type.listSize : 0;
    const offsets = data.valueOffsets as ArrayLike<number | bigint> | undefined;
    for (let i = 0; i < n; i++) {
      if (!valid(i)) {
        out[i] = null;
        continue;
      }
      const base = fixed && child.length !== n * fixed ? data.offset : 0;
      const [from, to] = fixed ? [(base + i) * fixed, (base + i + 1) * fixed] : [Number(offsets![i]), Number(offsets![i + 1])];
      const items = child.slice(from, to);
      out[i] = arrow.DataType.isMap(type)
        ? new MapValue(items.map((e) => [(e as StructValue).values[0], (e as StructValue).values[1]] as const))
        : items;
    }
    return out;
  }
  if (arrow.DataType.isDictionary(type)) {
    const dictionary = readColumn(data.dictionary!);
    const indices = data.values as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) out[i] = valid(i) ? dictionary[Number(indices[i])] : null;
    return out;
  }
  const vector = arrow.makeVector(data);
  for (let i = 0; i < n; i++) {
    const v = vector.get(i) as Value | undefined;
    out[i] = v === undefined ? null : v;
  }
  return out;
}
