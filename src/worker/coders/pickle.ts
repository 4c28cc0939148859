/**
 * SQL literal arguments of a UDF call arrive as the planner makes them for PyFlink
 * (CommonPythonUtil.convertLiteralToPython → PythonBridgeUtils.pickleValue): one type byte
 * (0 value as is, 1 DATE as epoch days, 2 TIME as millis of day, 3 TIMESTAMP as epoch millis)
 * followed by a Pyrolite pickle (protocol 2) of a Java null/Byte/Short/Integer/Long/Float/Double/
 * BigDecimal/Boolean/String. This is a decoder for exactly that subset of the pickle format.
 */
import { dateFromDays, timeFromMillis } from './sql-values';

/** A pickled java.math.BigDecimal: Python's decimal.Decimal(str). */
export class PickledDecimal {
  constructor(readonly text: string) {}
}

const MARK = Symbol('mark');

export function unpickle(bytes: Uint8Array): unknown {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const u8 = () => buf[pos++];
  const take = (n: number) => {
    const s = buf.subarray(pos, pos + n);
    pos += n;
    return s;
  };
  const line = () => {
    const end = buf.indexOf(0x0a, pos);
    const s = buf.toString('latin1', pos, end);
    pos = end + 1;
    return s;
  };
  const popMark = () => {
    const i = stack.lastIndexOf(MARK);
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  while (pos < buf.length) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        pos++;
        break;
      case 0x95: // FRAME
        pos += 8;
        break;
      case 0x2e: // STOP
        return stack.pop();
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(buf.readInt32LE(pos));
        pos += 4;
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(buf.readUInt16LE(pos));
        pos += 2;
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement
        const n = u8();
        stack.push(littleEndianSigned(take(n)));
        break;
      }
      case 0x8b: {
        // LONG4
        const n = buf.readInt32LE(pos);
        pos += 4;
        stack.push(littleEndianSigned(take(n)));
        break;
      }
      case 0x49: {
        // INT (text; Pyrolite writes Java longs this way)
        const text = line();
        stack.push(text === '01' ? true : text === '00' ? false : integerFromText(text));
        break;
      }
      case 0x4c: // LONG (text, trailing 'L')
        stack.push(integerFromText(line().replace(/L$/, '')));
        break;
      case 0x46: // FLOAT (text)
        stack.push(Number(line()));
        break;
      case 0x47: // BINFLOAT (big-endian double)
        stack.push(buf.readDoubleBE(pos));
        pos += 8;
        break;
      case 0x58: {
        // BINUNICODE
        const n = buf.readUInt32LE(pos);
        pos += 4;
        stack.push(take(n).toString('utf8'));
        break;
      }
      case 0x8c: {
        // SHORT_BINUNICODE
        const n = u8();
        stack.push(take(n).toString('utf8'));
        break;
      }
      case 0x54: {
        // BINSTRING
        const n = buf.readInt32LE(pos);
        pos += 4;
        stack.push(take(n).toString('latin1'));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(take(u8()).toString('latin1'));
        break;
      case 0x63: // GLOBAL module\nname\n
        stack.push({ global: `${line()}.${line()}` });
        break;
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([stack.pop()]);
        break;
      case 0x86: {
        const b = stack.pop();
        stack.push([stack.pop(), b]);
        break;
      }
      case 0x87: {
        const c = stack.pop();
        const b = stack.pop();
        stack.push([stack.pop(), b, c]);
        break;
      }
      case 0x52: {
        // REDUCE
        const args = stack.pop() as unknown[];
        const fn = stack.pop() as { global?: string };
        if (fn?.global === 'decimal.Decimal') stack.push(new PickledDecimal(String(args[0])));
        else throw new Error(`unsupported pickled call ${fn?.global ?? '?'} in a SQL literal`);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), stack[stack.length - 1]);
        break;
      case 0x72: // LONG_BINPUT
        memo.set(buf.readUInt32LE(pos), stack[stack.length - 1]);
        pos += 4;
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, stack[stack.length - 1]);
        break;
      case 0x68: // BINGET
        stack.push(memo.get(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memo.get(buf.readUInt32LE(pos)));
        pos += 4;
        break;
      default:
        throw new Error(`unsupported pickle opcode 0x${op.toString(16)} in a SQL literal`);
    }
  }
  throw new Error('pickle without STOP');
}

/** A Python int as a number when exact, else a bigint. */
function narrowInteger(v: bigint): number | bigint {
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

function integerFromText(text: string): number | bigint {
  return narrowInteger(BigInt(text));
}

function littleEndianSigned(b: Buffer): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b[b.length - 1] & 0x80) v -= 1n << BigInt(b.length * 8);
  return narrowInteger(v);
}

/** A literal argument: the decoded value as Flink's Java literal saw it, by its type byte. */
export function decodeConstant(bytes: Uint8Array): unknown {
  const value = unpickle(bytes.subarray(1));
  if (value === null) return null;
  switch (bytes[0]) {
    case 1:
      return dateFromDays(Number(value));
    case 2:
      return timeFromMillis(Number(value));
    case 3:
      return new Date(Number(value));
    default:
      return value;
  }
}
