/**
 * What vectorized functions return, made into Arrow data of the exact type Flink's Arrow reader
 * expects: a Vector of that layout or a matching typed array is used as it is; anything else
 * (another Arrow type, a plain array, a typed array of another width) is converted value by value,
 * failing with the function's name, the row and the value.
 */
import * as arrow from 'apache-arrow';
import { buildData } from '../../api/arrow/build';
import { readColumn, type Value } from '../../api/arrow/values';

/** A wrong result of a vectorized function; the message names the function. */
export class VectorizedResultError extends Error {
  override readonly name = 'VectorizedResultError';
}

/** Whether Arrow data of type `a` has exactly the layout Flink reads for `b`. */
export function sameLayout(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const k of ['bitWidth', 'isSigned', 'precision', 'scale', 'unit', 'byteWidth', 'listSize']) if (x[k] !== y[k]) return false;
  if (b.typeId === arrow.Type.Timestamp && (a as arrow.Timestamp).timezone) return false;
  const ac = a.children ?? [];
  const bc = b.children ?? [];
  return ac.length === bc.length && ac.every((f, i) => f.name === bc[i].name && sameLayout(f.type, bc[i].type));
}

type TypedArray = Exclude<ArrayBufferView, DataView>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof arrow.Vector) return `an Arrow ${v.type} vector`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v}`;
}

const RESULT = '\u0000result';

function converted(field: arrow.Field, values: readonly Value[], what: string): arrow.Data {
  try {
    return buildData(field.type, values, field.nullable, { column: RESULT, row: (i) => i });
  } catch (e) {
    const why = (e as Error).message.replace(`column '${RESULT}', `, '').replace(`column '${RESULT}`, `column '`);
    throw new VectorizedResultError(`${what} a column that does not match its result type: ${why}`);
  }
}

/**
 * Arrow data of `field`'s type from a vectorized scalar function's result for a batch of `n` rows.
 * `what` names the function in errors ("TypeScript vectorized UDF 'f' returned ...").
 */
export function columnOf(result: unknown, field: arrow.Field, n: number, what: string): arrow.Data {
  let length: number;
  if (result instanceof arrow.Vector) length = result.length;
  else if (Array.isArray(result) || (ArrayBuffer.isView(result) && !(result instanceof DataView))) length = (result as ArrayLike<unknown>).length;
  else {
    throw new VectorizedResultError(
      `${what} ${describe(result)}, not a column: a vectorized UDF returns an apache-arrow Vector, a typed array or an array with one value per input row`,
    );
  }
  if (length !== n) throw new VectorizedResultError(`${what} ${length} values for a batch of ${n} rows (a vectorized UDF returns one value per input row)`);
  const target = field.type;
  if (result instanceof arrow.Vector) {
    if (sameLayout(result.type, target) && result.data.length === 1 && (field.nullable || result.nullCount === 0)) return result.data[0];
    return converted(field, readColumn(result), what);
  }
  if (ArrayBuffer.isView(result)) {
    const typed = result as TypedArray;
    const ArrayType = (target as arrow.DataType & { ArrayType?: unknown }).ArrayType;
    const plain = target.typeId === arrow.Type.Int || target.typeId === arrow.Type.Float;
    if (plain && typed.constructor === ArrayType) {
      return arrow.makeData({ type: target as arrow.Float64, length: n, nullCount: 0, data: typed as Float64Array });
    }
    return converted(field, Array.from(typed as unknown as ArrayLike<Value>), what);
  }
  return converted(field, result as Value[], what);
}

/** One-row Arrow data of `field`'s type holding a vectorized aggregate's result. */
export function singleValue(result: unknown, field: arrow.Field, what: string): arrow.Data {
  return valuesOf([result], field, what);
}

/** Arrow data of `field`'s type holding one result value per row (over windows). */
export function valuesOf(results: readonly unknown[], field: arrow.Field, what: string): arrow.Data {
  for (const r of results) {
    if (r instanceof arrow.Vector || (ArrayBuffer.isView(r) && !(r instanceof Uint8Array))) {
      throw new VectorizedResultError(`${what} ${describe(r)}: a vectorized aggregate returns one value for its group, not a column`);
    }
  }
  return converted(field, results as Value[], what);
}

/** A constant argument as a column of `n` equal values (a literal in the call). */
export function constantColumn(value: unknown, field: arrow.Field, n: number): arrow.Vector {
  return arrow.makeVector(buildData(field.type, new Array<Value>(n).fill(value as Value), true, { column: field.name, row: (i) => i }));
}
