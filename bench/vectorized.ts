/**
 * bench/vectorized: bench/udf's Nexmark-q1-style projection with `toEuro(price)` four ways, same
 * Flink 2.3.0, same machine, one run, each variant in a process (and JVM) of its own:
 * (r) a row-at-a-time TypeScript UDF, (v) the same as a vectorized TypeScript UDF (Arrow batches,
 * flink-python's ArrowPythonScalarFunctionOperator), (j) Flink's Java ScalarFunction, (p) PyFlink's
 * pandas UDF (the same Arrow operator, pandas.Series in and out; .venv/pyflink).
 *
 *   npm run bench:vectorized                      (= node --import ./node_modules/tsx/dist/loader.mjs bench/vectorized.ts)
 *   options: --seconds N (measured, default 20), --warmup N (default 5), --only r,v,j,p, --quick (2 + 5 s),
 *            --batch N (bundle.size and arrow.batch.size for (r), (v) and (p), default 1000)
 *
 *   SELECT auction, bidder, latency_probe(gen_ns, toEuro(price)) AS price, date_time, extra FROM bids
 *
 * The source, sink and probe are bench/udf's (BidSourceFactory, LatencyProbe): rows/s = rows the
 * probe counted after the warm-up / time between the first and last of them. By default Flink's
 * python.fn-execution options for (r) and (v): bundles of 1000 rows, Arrow batches of 1000 rows.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as arrow from 'apache-arrow';
import type { BundleTimingLine } from '../src/worker/bundle-timing';
import { benchArgs } from './lib/args';
import { benchServicesJar } from './lib/bench-jar';
import { INSERT, JAVA_TO_EURO_DDL, PROBE_DDL, SINK_DDL, bidsDdl, probeFile, rateOf, readProbe, runThenCancel, useProbe } from './lib/bids';
import { reportVariant, runVariantChild } from './lib/child';
import { pyflinkPython, runPyflinkToEuro } from './lib/pyflink';
import { formatTable, machineLoad, ratioAgainst, type ProbeStats as ProbeCounts } from './lib/report';

process.env.TSFLINK_QUIET ??= '1';
// (r)'s and (v)'s workers report where each bundle's time goes (src/worker/bundle-timing.ts)
// (one directory for the run: the children inherit it and the parent removes it)
const TIMING_DIR = (process.env.TSFLINK_BENCH_VECTORIZED_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-bench-vectorized-')));

const { args, quick, opt } = benchArgs();
const SECONDS = Number(opt('--seconds') ?? (quick ? 5 : 20));
const WARMUP = Number(opt('--warmup') ?? (quick ? 2 : 5));
const ONLY = new Set((opt('--only') ?? 'r,v,j,p').split(','));
/** --batch N: bundles and Arrow batches of N rows for (r), (v) and (p) (default Flink's 1000). */
const BATCH = opt('--batch') ?? '1000';
const OPTIONS: Record<string, string> = {
  'python.fn-execution.bundle.size': BATCH,
  'python.fn-execution.bundle.time': '1000',
  'python.fn-execution.arrow.batch.size': BATCH,
};

interface ProbeStats extends ProbeCounts {
  /** Worker time / (runner + worker time) per bundle, over the measured part ((r) and (v)). */
  workerShare?: number;
}

function workerShareSince(file: string, epochMs: number): number | undefined {
  if (!fs.existsSync(file)) return undefined;
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as BundleTimingLine)
    .filter((l) => l.time >= epochMs && l.bundles > 0);
  const runner = lines.reduce((s, l) => s + l.runnerMicros * l.bundles, 0);
  const worker = lines.reduce((s, l) => s + l.workerMicros * l.bundles, 0);
  return runner + worker > 0 ? worker / (runner + worker) : undefined;
}
type Outcome = ProbeStats | { unavailable: string };

/** One variant, run in this (child) process. */
async function variant(key: string): Promise<ProbeStats> {
  const { DataTypes, EnvironmentSettings, TableEnvironment, udf } = await import('../src/index');
  // read by the worker, which the session starts with this process's environment
  process.env.TSFLINK_WORKER_BUNDLE_TIMING = timingFile(key);
  const env = await TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { slots: 1, parallelism: 1, classpath: [benchServicesJar()] });
  const file = probeFile('vectorized', key);
  await useProbe(file, WARMUP);
  for (const [k, v] of Object.entries(OPTIONS)) env.getConfig().set(k, v);
  await env.executeSql(bidsDdl());
  await env.executeSql(SINK_DDL);
  await env.executeSql(PROBE_DDL);
  if (key === 'r') {
    env.createTemporarySystemFunction(
      'toEuro',
      udf((price: bigint | null) => (price === null ? null : Number(price) * 0.908), { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.DOUBLE() }),
    );
  } else if (key === 'v') {
    env.createTemporarySystemFunction(
      'toEuro',
      udf(
        (price: arrow.Vector) => {
          // the source has no NULL prices, so the result needs no null bitmap: a plain Float64Array
          const p = price.toArray() as BigInt64Array;
          const out = new Float64Array(p.length);
          for (let i = 0; i < p.length; i++) out[i] = Number(p[i]) * 0.908;
          return out;
        },
        { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.DOUBLE(), funcType: 'vectorized' },
      ),
    );
  } else {
    await env.executeSql(JAVA_TO_EURO_DDL);
  }
  const measuredFrom = await runThenCancel(await env.executeSql(INSERT), WARMUP, SECONDS);
  return { ...readProbe(file), workerShare: workerShareSince(timingFile(key), measuredFrom) };
}

function timingFile(key: string): string {
  return path.join(TIMING_DIR, `${key}.jsonl`);
}

const CHILD_RESULT = 'bench:vectorized child result: ';

function inChild(key: string, label: string): Outcome {
  process.stderr.write(`[bench:vectorized] ${label}\n`);
  return runVariantChild<Outcome>(__filename, [...args, '--child', key], CHILD_RESULT, label);
}

function childMain(key: string): Promise<never> {
  return reportVariant(CHILD_RESULT, () => variant(key));
}

/**
 * The worker's own part of (v) without Flink: decode a 1000-row BIGINT Arrow element, compute
 * toEuro into a Float64Array, encode the DOUBLE result batch (what ArrowScalarOperation does per
 * element), repeated; returns microseconds per batch.
 */
async function workerArrowMicros(): Promise<number> {
  const arrowJs = await import('apache-arrow');
  const { readBatch, writeBatch, arrowSchemaOf } = await import('../src/worker/coders/arrow-batch');
  const { columnOf } = await import('../src/worker/vectorized/columns');
  const n = 1000;
  const input = arrowJs.tableToIPC(arrowJs.tableFromArrays({ price: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)) }), 'stream');
  const schema = arrowSchemaOf({ root: 'ROW', nullable: false, sql: 'ROW<f0 DOUBLE>', fields: [{ name: 'f0', type: { root: 'DOUBLE', nullable: true, sql: 'DOUBLE' } }] });
  const once = () => {
    const p = readBatch(input).getChildAt(0)!.toArray() as BigInt64Array;
    const out = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = Number(p[i]) * 0.908;
    writeBatch(schema, [columnOf(out, schema.fields[0], n, 'toEuro')], n);
  };
  for (let k = 0; k < 2000; k++) once();
  const iterations = 20_000;
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < iterations; k++) once();
  return Number(process.hrtime.bigint() - t0) / 1000 / iterations;
}

async function main(): Promise<void> {
  const names: Record<string, string> = {
    r: '(r) TypeScript UDF, row at a time',
    v: '(v) TypeScript UDF, vectorized (Arrow)',
    j: '(j) Java ScalarFunction',
    p: '(p) PyFlink pandas UDF (process mode)',
  };
  const loadBefore = machineLoad();
  const results: Record<string, Outcome> = {};
  for (const k of ['j', 'r', 'v']) if (ONLY.has(k)) results[k] = inChild(k, names[k]);
  if (ONLY.has('p')) {
    process.stderr.write(`[bench:vectorized] ${names.p}\n`);
    results.p = runPyflinkToEuro(pyflinkPython(), 'pandas', OPTIONS, bidsDdl(), { file: probeFile('vectorized', 'p'), seconds: SECONDS, warmup: WARMUP });
  }
  const loadAfter = machineLoad();
  const rate = (k: string) => rateOf(results[k]);
  const rows = Object.entries(results).map(([k, r]) =>
    'unavailable' in r
      ? [names[k], 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', r.unavailable]
      : [
          names[k],
          r.count.toLocaleString('en-US'),
          Math.round(r.count / r.seconds).toLocaleString('en-US'),
          r.p50Ms.toFixed(1),
          r.p99Ms.toFixed(1),
          r.workerShare === undefined ? '' : `${(100 * r.workerShare).toFixed(1)}%`,
          '',
        ],
  );
  console.log(formatTable(['variant', 'rows', 'rows/s', 'p50 ms', 'p99 ms', 'worker share', 'note'], rows));
  console.log("worker share = the Node worker's part of each bundle's round trip (the rest is flink-python's runner: filling, encoding, emitting)");
  console.log(`vectorized vs row TS UDF: ${ratioAgainst(rate('v'), rate('r'), 1)}`);
  console.log(`vectorized vs Java:       ${ratioAgainst(rate('v'), rate('j'), 0.5)}`);
  console.log(`vectorized vs PyFlink pandas UDF: ${ratioAgainst(rate('v'), rate('p'), 2)}`);
  console.log(
    `setup: ${SECONDS} s measured after ${WARMUP} s of warm-up per variant, each in its own process, 1 slot, parallelism 1, unthrottled source; ` +
      `(r), (v), (p): ${Object.entries(OPTIONS).map(([k, v]) => `${k.replace('python.fn-execution.', '')} ${v}`).join(', ')}.`,
  );
  const micros = await workerArrowMicros();
  console.log(`(v)'s worker-side Arrow work alone (decode a 1000-row BIGINT batch, compute, encode the DOUBLE batch): ${micros.toFixed(1)} µs per batch = ${(1000 / micros).toFixed(1)} M rows/s`);
  console.log(`machine load (1/5/15 min): before ${loadBefore}, after ${loadAfter}; 2 cores.`);
  fs.rmSync(TIMING_DIR, { recursive: true, force: true });
  process.exit(0);
}

const child = opt('--child');
(child ? childMain(child) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
