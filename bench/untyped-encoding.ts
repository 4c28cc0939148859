/**
 * bench/untyped-encoding: the encoding of the DataStream API's untyped records (PyFlink pickles
 * them): V8's serialization, JSON, and what TSFlink's worker does (src/worker/coders/untyped.ts:
 * JSON where it is exact, else V8). The Java side only moves and compares the bytes, so what differs is
 * the worker's cost to encode and decode each record and the bytes each takes on the wire. Each
 * variant runs in a process of its own, over the same records; one table.
 *
 *   npm run bench:untyped-encoding [-- --records N]
 */
import { deserialize as v8Deserialize, serialize as v8Serialize } from 'node:v8';
import { decodeUntyped, encodeUntyped } from '../src/worker/coders/untyped';
import { runVariantChild, reportVariant } from './lib/child';
import { formatTable, machineLoad, median } from './lib/report';

const MARKER = 'UNTYPED_ENCODING_RESULT ';
const ROUNDS = 9;

type Codec = { encode(v: unknown): Uint8Array; decode(b: Uint8Array): unknown };

const CODECS: Record<string, Codec> = {
  v8: { encode: (v) => v8Serialize(v), decode: (b) => v8Deserialize(b) },
  json: {
    encode: (v) => Buffer.from(JSON.stringify(v), 'utf8'),
    decode: (b) => JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')),
  },
  // what the worker does (src/worker/coders/untyped.ts): JSON where it keeps the value exactly, else V8
  'json, else v8 (TSFlink)': { encode: encodeUntyped, decode: decodeUntyped },
};

/** Record shapes a DataStream job passes around; the last is not JSON's (plain JSON cannot take it). */
const SHAPES: Record<string, (i: number) => unknown> = {
  'order {user, product, qty}': (i) => ({ user: `user${i % 1000}`, product: ['apple', 'pear', 'kiwi'][i % 3], qty: i % 17 }),
  'number': (i) => i * 1.5,
  'word (string)': (i) => `word${i % 5000}`,
  'event {key, ts, tags[], geo{}}': (i) => ({ key: i % 1000, ts: 1_700_000_000_000 + i, tags: ['a', 'b', `t${i % 7}`], geo: { lat: 52.52 + (i % 100) / 1e4, lon: 13.4 } }),
  'payment {id: bigint, at: Date}': (i) => ({ id: BigInt(i) * 1_000_003n, at: new Date(1_700_000_000_000 + i), amount: i % 100 }),
};

interface Outcome {
  /** per shape: records encoded and decoded per second, and bytes per record */
  shapes: Record<string, { perSecond: number; bytes: number; cannot?: boolean }>;
}

function measure(codec: Codec, records: number): Outcome {
  const shapes: Outcome['shapes'] = {};
  for (const [name, make] of Object.entries(SHAPES)) {
    const values = Array.from({ length: records }, (_, i) => make(i));
    try {
      codec.encode(values[0]);
    } catch {
      shapes[name] = { perSecond: 0, bytes: 0, cannot: true }; // this codec cannot take the shape
      continue;
    }
    const rates: number[] = [];
    let bytes = 0;
    for (let round = 0; round < ROUNDS + 1; round++) {
      const t0 = process.hrtime.bigint();
      let size = 0;
      for (const v of values) {
        const b = codec.encode(v);
        size += b.byteLength;
        codec.decode(b);
      }
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (round > 0) rates.push(records / s); // the first round warms the JIT up
      bytes = size / records;
    }
    shapes[name] = { perSecond: median(rates), bytes };
  }
  return { shapes };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const records = Number(args[args.indexOf('--records') + 1] || 200_000) || 200_000;
  const child = args.indexOf('--variant');
  if (child >= 0) {
    const codec = CODECS[args[child + 1]];
    await reportVariant<Outcome>(MARKER, async () => measure(codec, records));
  }
  console.log(`untyped record encoding, ${records} records per shape, median of ${ROUNDS} rounds; load ${machineLoad()}`);
  const results = Object.fromEntries(
    Object.keys(CODECS).map((name) => [name, runVariantChild<Outcome>(process.argv[1], ['--variant', name, '--records', String(records)], MARKER, name)]),
  );
  const rows: string[][] = [];
  for (const shape of Object.keys(SHAPES)) {
    for (const [name, r] of Object.entries(results)) {
      if ('unavailable' in r) {
        rows.push([shape, name, r.unavailable, '']);
        continue;
      }
      const s = r.shapes[shape];
      rows.push([shape, name, s.cannot ? 'cannot' : Math.round(s.perSecond).toLocaleString('en-US'), s.cannot ? '' : s.bytes.toFixed(1)]);
    }
  }
  console.log(formatTable(['record', 'encoding', 'encode+decode /s', 'bytes'], rows));
}

void main();
