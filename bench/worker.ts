/**
 * bench/worker: the Node worker's own cost per row for a scalar UDF: decoding Flink's row format,
 * calling the function and encoding its result, without Flink or gRPC (bench/udf.ts measures the
 * whole job). Diagnostic: where bench:udf's worker time goes when tuning the coders.
 *
 *   node --import ./node_modules/tsx/dist/loader.mjs bench/worker.ts
 */
import type { LogicalTypeTree } from '../src/api/values';
import { shipValueSync } from '../src/api/udf/ship/index';
import { ByteReader, ByteWriter } from '../src/worker/coders/bytes';
import { rowEncoder } from '../src/worker/coders/row-coder';
import { operationFor } from '../src/worker/operations/operation';
import '../src/worker/operations/scalar';
import { formatTable, median } from './lib/report';

const ROWS = 10_000;
const type = (root: string): LogicalTypeTree => ({ root, sql: root, nullable: true }) as LogicalTypeTree;
const row = (...fields: LogicalTypeTree[]): LogicalTypeTree =>
  ({ root: 'ROW', sql: 'ROW', nullable: false, fields: fields.map((t, i) => ({ name: `f${i}`, type: t })) }) as LogicalTypeTree;

interface Case {
  name: string;
  fn: (...args: never[]) => unknown;
  inputs: LogicalTypeTree[];
  result: LogicalTypeTree;
  args: (i: number) => unknown[];
}

const cases: Case[] = [
  {
    name: 'toEuro(BIGINT) → DOUBLE (bench:udf)',
    fn: (price: bigint | null) => (price === null ? null : Number(price) * 0.908),
    inputs: [type('BIGINT')],
    result: type('DOUBLE'),
    args: (i) => [BigInt(1 + ((i * 7919) % 10_000_000))],
  },
  {
    name: 'upper(STRING) → STRING',
    fn: (s: string | null) => s?.toUpperCase() ?? null,
    inputs: [type('VARCHAR')],
    result: type('VARCHAR'),
    args: (i) => [`channel-${i % 100}`],
  },
  {
    name: 'f(INT, DOUBLE, STRING) → BIGINT',
    fn: (a: number, b: number, c: string) => BigInt(a) + BigInt(Math.round(b)) + BigInt(c.length),
    inputs: [type('INTEGER'), type('DOUBLE'), type('VARCHAR')],
    result: type('BIGINT'),
    args: (i) => [i, i * 0.5, 'abc'],
  },
];

async function nsPerRow(c: Case): Promise<number> {
  const descriptor = { tsflink: 1, kind: 'scalar', name: 'f', form: 'function', code: shipValueSync(c.fn, 'f'), inputTypes: c.inputs, resultType: c.result };
  const op = operationFor('flink:transform:scalar_function:v1')!.factory({
    transformId: 'bench',
    udfs: { udfs: [{ payload: Buffer.from(JSON.stringify(descriptor)), inputs: c.inputs.map((_, i) => ({ inputOffset: i })) }] } as never,
    inputType: row(...c.inputs),
    outputType: row(c.result),
    inputFormat: 'row',
    functionContext: {} as never,
    outputReady: () => undefined,
    keyedState: () => {
      throw new Error('a scalar function has no keyed state');
    },
    cacheToken: () => '',
    chained: [],
    sideOutputs: new Map(),
  });
  await op.open();
  const encode = rowEncoder(row(...c.inputs));
  const w = new ByteWriter();
  for (let i = 0; i < ROWS; i++) {
    const start = w.beginPrefixed();
    encode(w, c.args(i));
    w.endPrefixed(start);
  }
  const input = w.take();
  const out = new ByteWriter();
  const samples: number[] = [];
  for (let round = 0; round < 12; round++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < 50; k++) {
      op.process(new ByteReader(input), out);
      out.take();
    }
    if (round >= 2) samples.push(Number(process.hrtime.bigint() - t0) / (50 * ROWS));
  }
  await op.close();
  return median(samples);
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const c of cases) rows.push([c.name, (await nsPerRow(c)).toFixed(1)]);
  console.log(formatTable(['scalar UDF', 'ns / row'], rows));
  console.log(`${ROWS}-row chunks, median of 10 rounds after 2 warm-up rounds; Node ${process.version}.`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
