/**
 * bench/untyped-encoding: the encoding of the DataStream API's untyped records (PyFlink pickles
 * them; TSFlink's worker V8-serializes them, src/worker/coders/row-coder.ts 'PICKLED') against
 * JSON, the other candidate. The Java side only moves and compares the bytes, so what differs is
 * the worker's cost to encode and decode each record and the bytes each takes on the wire. Each
 * variant runs in a process of its own, over the same records; one table.
 *
 *   npm run bench:untyped-encoding [-- --records N]
 */
import { deserialize as v8Deserialize, serialize as v8Serialize } from 'node:v8';
import { runVariantChild, reportVariant } from './lib/child';
import { formatTable, machineLoad, median } from './lib/report';

const MARKER = 'UNTYPED_ENCODING_RESULT ';
const ROUNDS = 5;

type Codec = { encode(v: unknown): Uint8Array; decode(b: Uint8Array): unknown };

const CODECS: Record<string, Codec> = {
  v8: { encode: (v) => v8Serialize(v), decode: (b) => v8Deserialize(b) },
  json: {
    encode: (v) => Buffer.from(JSON.stringify(v), 'utf8'),
    decode: (b) => JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')),
  },
};

/** Record shapes a DataStream job passes around (JSON-safe, so that both codecs can take them). */
const SHAPES: Record<string, (i: number) => unknown> = {
  'order {user, product, qty}': (i) => ({ user: `user${i % 1000}`, product: ['apple', 'pear', 'kiwi'][i % 3], qty: i % 17 }),
  'number': (i) => i * 1.5,
  'word (string)': (i) => `word${i % 5000}`,
  'event {key, ts, tags[], geo{}}': (i) => ({ key: i % 1000, ts: 1_700_000_000_000 + i, tags: ['a', 'b', `t${i % 7}`], geo: { lat: 52.52 + (i % 100) / 1e4, lon: 13.4 } }),
};

interface Outcome {
  /** per shape: records encoded and decoded per second, and bytes per record */
  shapes: Record<string, { perSecond: number; bytes: number }>;
}

function measure(codec: Codec, records: number): Outcome {
  const shapes: Outcome['shapes'] = {};
  for (const [name, make] of Object.entries(SHAPES)) {
    const values = Array.from({ length: records }, (_, i) => make(i));
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
      rows.push([shape, name, Math.round(s.perSecond).toLocaleString('en-US'), s.bytes.toFixed(1)]);
    }
  }
  console.log(formatTable(['record', 'encoding', 'encode+decode /s', 'bytes'], rows));
}

void main();
