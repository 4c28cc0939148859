/**
 * Arrow interop throughput, TSFlink vs PyFlink on the same Flink 2.3.0, in one run:
 *   fromArrow + aggregate   vs  from_pandas + aggregate
 *   toArrow of a datagen query  vs  to_pandas   (and TSFlink's row-by-row collect() for reference)
 * Run: node --import ./node_modules/tsx/dist/loader.mjs bench/arrow/run.ts [rows...]
 * (the PyFlink side needs bench/lib/pyflink-venv.sh; it is skipped when that venv is missing).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { EnvironmentSettings, Session, TableEnvironment } from '../../src/index';

process.env.TSFLINK_QUIET ??= '1';
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(100_000, 1_000_000);

async function bestOf(n: number, f: () => Promise<void>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await f();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function pyflink(): { fromPandas: Record<string, number>; toPandas: Record<string, number> } | undefined {
  const python = path.join(__dirname, '..', '..', '.venv', 'pyflink', 'bin', 'python');
  if (!fs.existsSync(python)) return undefined;
  const out = execFileSync(python, [path.join(__dirname, 'pyflink_arrow.py'), ...sizes.map(String)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  const tEnv = await TableEnvironment.create(EnvironmentSettings.inBatchMode());
  tEnv.getConfig().set('parallelism.default', 1);
  const ts: { rows: number; fromArrow: number; toArrow: number; collect: number }[] = [];
  for (const rows of sizes) {
    const table = arrow.tableFromArrays({
      i: Int32Array.from({ length: rows }, (_, i) => i),
      v: Float64Array.from({ length: rows }, (_, i) => i * 0.5),
      s: Array.from({ length: rows }, (_, i) => `row-${i}`),
    });
    const fromArrow = await bestOf(3, async () => {
      tEnv.createTemporaryView('bench_in', tEnv.fromArrow(table));
      const [r] = await (await tEnv.executeSql('SELECT COUNT(*) AS n, SUM(v) AS total FROM bench_in')).toArray();
      tEnv.dropTemporaryView('bench_in');
      if (r.n !== BigInt(rows)) throw new Error(`counted ${r.n}`);
    });
    await tEnv.executeSql(`CREATE TEMPORARY TABLE IF NOT EXISTS gen_${rows} (i INT, v DOUBLE, s STRING) WITH (
      'connector' = 'datagen', 'number-of-rows' = '${rows}',
      'fields.i.kind' = 'sequence', 'fields.i.start' = '1', 'fields.i.end' = '${rows}', 'fields.s.length' = '10',
      'rows-per-second' = '1000000000')`); // datagen otherwise throttles to 10000 rows/s
    const toArrow = await bestOf(3, async () => {
      const t = await tEnv.from(`gen_${rows}`).toArrow();
      if (t.numRows !== rows) throw new Error(`got ${t.numRows}`);
    });
    const collect = await bestOf(1, async () => {
      let n = 0;
      for await (const _ of (await tEnv.from(`gen_${rows}`).execute()).collect()) n++;
      if (n !== rows) throw new Error(`got ${n}`);
    });
    ts.push({ rows, fromArrow, toArrow, collect });
  }
  await (await Session.running())?.close();
  const py = pyflink();
  const fmt = (ms: number | undefined, rows: number): string =>
    ms === undefined ? 'n/a' : `${ms.toFixed(0)} ms (${((rows / ms) * 1000 / 1e6).toFixed(2)} M rows/s)`;
  const lines = [
    '| rows | TSFlink fromArrow + agg | PyFlink from_pandas + agg | TSFlink toArrow | PyFlink to_pandas | TSFlink collect() |',
    '|---:|---:|---:|---:|---:|---:|',
    ...ts.map(
      (t) =>
        `| ${t.rows} | ${fmt(t.fromArrow, t.rows)} | ${fmt(py?.fromPandas[t.rows], t.rows)} | ${fmt(t.toArrow, t.rows)} | ${fmt(py?.toPandas[t.rows], t.rows)} | ${fmt(t.collect, t.rows)} |`,
    ),
  ];
  console.log(lines.join('\n'));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
