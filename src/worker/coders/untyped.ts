/**
 * The bytes of the DataStream API's untyped values (Types.PICKLED_BYTE_ARRAY, PyFlink's pickled
 * objects): JSON where JSON keeps the value exactly, V8's serialization otherwise (bigint, Date,
 * Map, Set, typed arrays, undefined, NaN, -0, sparse arrays, cycles, class instances). Measured by
 * `npm run bench:untyped-encoding`: JSON encodes and decodes typical records 2-4× faster than V8
 * (docs/datastream.md § Types). The two need no tag: V8's bytes start with its version byte 0xFF,
 * which UTF-8 JSON never does, so bytes written by either (state from an older savepoint, all V8)
 * decode. Flink only moves and compares these bytes (untyped keys are compared as bytes: equal
 * values give equal bytes).
 */
import { deserialize as v8Deserialize, serialize as v8Serialize } from 'node:v8';

const V8_VERSION_TAG = 0xff;
/** Set by the replacer when JSON would change a value (no exception: unwinding through JSON.stringify costs more than finishing it). */
let inexact = false;

/** JSON.stringify's replacer noting any value JSON would change: `this[key]` is the raw value (before toJSON). */
function exactInJson(this: Record<string, unknown>, key: string, value: unknown): unknown {
  if (inexact) return undefined; // V8 will take the value: skip the rest
  const raw = this[key];
  switch (typeof raw) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(raw) || Object.is(raw, -0)) inexact = true;
      return value;
    case 'object': {
      if (raw === null) return value;
      // a toJSON method would stand in for the object (V8 refuses the function, as it should)
      if (typeof (raw as { toJSON?: unknown }).toJSON === 'function') {
        inexact = true;
        return null;
      }
      if (Array.isArray(raw)) return value;
      const proto = Object.getPrototypeOf(raw) as unknown;
      if (proto === Object.prototype || proto === null) return value;
      inexact = true;
      return null;
    }
    default: // undefined, bigint, function, symbol
      inexact = true;
      return null;
  }
}

/** The value's bytes; a value neither JSON nor V8 can hold (a function, a symbol) throws V8's error. */
export function encodeUntyped(v: unknown): Buffer {
  inexact = false;
  let json: string | undefined;
  try {
    json = JSON.stringify(v, exactInJson);
  } catch {
    inexact = true; // a cycle: V8 keeps it
  }
  // (an array's holes reach the replacer as undefined, so they take V8 too)
  return inexact || json === undefined ? v8Serialize(v) : Buffer.from(json, 'utf8');
}

export function decodeUntyped(b: Uint8Array): unknown {
  if (b[0] === V8_VERSION_TAG) return v8Deserialize(b);
  return JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'));
}
