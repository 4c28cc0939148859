/**
 * bench/udf: a Nexmark-q1-style projection with a UDF, four ways, same Flink 2.3.0, same machine,
 * one run: (a) a TypeScript UDF (our Node worker under flink-python), (b) the same logic as a Java
 * ScalarFunction, (c) a PyFlink Python UDF in process mode and (d) in thread mode.
 *
 *   npm run bench:udf                     (= node --import ./node_modules/tsx/dist/loader.mjs bench/udf.ts)
 *   npm run bench:udf -- --quick          a short smoke run (5 s per variant)
 *   options: --seconds N (per variant, default 25), --rate R (rows/s; default unlimited: throughput,
 *            with latency at saturation), --only a,b,c,d, --bundle-size N, --json
 *
 *   SELECT auction, bidder, latency_probe(gen_ns, toEuro(price)) AS price, date_time, extra FROM bids
 *
 * bids come from the 'tsflink-bench-bids' source (src/jvm/.../bench/BidSourceFactory.java: datagen-like
 * Nexmark bids plus gen_ns = System.nanoTime() at generation); latency_probe (LatencyProbe.java) runs
 * after the UDF, records now - gen_ns and writes count / p50 / p99 to a file once a second. Each
 * variant runs unbounded with 1 slot, parallelism 1, and is cancelled after --seconds; rows/s = rows
 * seen by the probe / time between its first and last row. The Python-UDF runtime's bundle options
 * apply to (a), (c) and (d) alike: Flink's defaults, or --bundle-size N for all three (larger bundles
 * trade latency for throughput).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchServicesJar, glueJar } from './lib/bench-jar';
import { pyflinkPython } from './lib/pyflink';
import { formatTable, machineLoad } from './lib/report';

process.env.TSFLINK_QUIET ??= '1';
// PyFlink runs with the environment we started with: a TSFlink session exports variables (e.g.
// PYFLINK_UDF_RUNNER_DIR, which would make PyFlink launch our Node worker instead of Python).
const cleanEnv = { ...process.env };

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SECONDS = Number(opt('--seconds') ?? (quick ? 5 : 25));
const RATE = Number(opt('--rate') ?? 0);
const ONLY = new Set((opt('--only') ?? 'a,b,c,d').split(','));
/** Optional python.fn-execution.bundle.size for the runtime of (a), (c) and (d) (default: Flink's 1000). */
const BUNDLE_SIZE = opt('--bundle-size');

export const BIDS_DDL =
  `CREATE TEMPORARY TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, ` +
  `date_time TIMESTAMP(3), extra STRING, gen_ns BIGINT) WITH ('connector' = 'tsflink-bench-bids'` +
  (RATE > 0 ? `, 'rows-per-second' = '${RATE}'` : '') +
  `)`;
export const SINK_DDL =
  `CREATE TEMPORARY TABLE sink (auction BIGINT, bidder BIGINT, price DOUBLE, date_time TIMESTAMP(3), extra STRING) ` +
  `WITH ('connector' = 'blackhole')`;
export const PROBE_DDL = `CREATE TEMPORARY SYSTEM FUNCTION latency_probe AS 'dev.tsflink.bench.LatencyProbe' LANGUAGE JAVA`;
export const INSERT = `INSERT INTO sink SELECT auction, bidder, latency_probe(gen_ns, toEuro(price)) AS price, date_time, extra FROM bids`;

interface ProbeStats {
  count: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}
type Outcome = ProbeStats | { unavailable: string };

function probeFile(variant: string): string {
  const f = path.join(os.tmpdir(), `tsflink-bench-udf-${process.pid}-${variant}.json`);
  fs.rmSync(f, { force: true });
  return f;
}

function readProbe(file: string): ProbeStats {
  if (!fs.existsSync(file)) throw new Error(`the job produced no rows (no ${file})`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ProbeStats;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Variants (a) and (b): TSFlink, one session, 1 slot. */
async function tsVariants(): Promise<Record<string, Outcome>> {
  const { ensureJvm, callSync } = await import('../src/gateway/jvm');
  ensureJvm({ classpath: [benchServicesJar()] }); // before the session: the source factory's service entry
  const { DataTypes, EnvironmentSettings, TableEnvironment, udf } = await import('../src/index');
  const env = await TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { slots: 1, parallelism: 1 });
  if (BUNDLE_SIZE) env.getConfig().set('python.fn-execution.bundle.size', BUNDLE_SIZE);
  const out: Record<string, Outcome> = {};

  const run = async (variant: string, register: () => Promise<void>): Promise<Outcome> => {
    const file = probeFile(variant);
    callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.file', file);
    await env.executeSql('DROP TEMPORARY SYSTEM FUNCTION IF EXISTS toEuro');
    await register();
    const result = await env.executeSql(INSERT);
    await sleep(SECONDS * 1000);
    const status = await result.getJobStatus();
    await result.cancel();
    if (status && status !== 'RUNNING') throw new Error(`job ended early: ${status}`);
    await sleep(1500);
    return readProbe(file);
  };

  await env.executeSql(BIDS_DDL);
  await env.executeSql(SINK_DDL);
  await env.executeSql(PROBE_DDL);

  if (ONLY.has('a')) {
    process.stderr.write('[bench:udf] (a) TypeScript UDF\n');
    try {
      out.a = await run('a', async () => {
        const toEuro = udf((price: bigint | null) => (price === null ? null : Number(price) * 0.908), {
          inputTypes: [DataTypes.BIGINT()],
          resultType: DataTypes.DOUBLE(),
        });
        env.createTemporarySystemFunction('toEuro', toEuro);
      });
    } catch (e) {
      out.a = { unavailable: `TS UDF runtime failed: ${(e as Error).message.split('\n')[0].slice(0, 160)}` };
    }
  }
  if (ONLY.has('b')) {
    process.stderr.write('[bench:udf] (b) Java ScalarFunction\n');
    out.b = await run('b', async () => {
      await env.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION toEuro AS 'dev.tsflink.bench.ToEuro' LANGUAGE JAVA`);
    });
  }
  const { Session } = await import('../src/session/session');
  await (await Session.running())?.close();
  return out;
}

/** Variants (c) and (d): PyFlink in its own process per variant. */
function pyVariant(python: string, mode: 'process' | 'thread'): Outcome {
  const file = probeFile(mode);
  const r = spawnSync(python, [path.join(__dirname, 'udf_pyflink.py'), '--mode', mode, '--seconds', String(SECONDS), '--probe-file', file, ...(BUNDLE_SIZE ? ['--bundle-size', BUNDLE_SIZE] : [])], {
    env: {
      ...cleanEnv,
      TSFLINK_BENCH_JARS: [glueJar(), benchServicesJar()].join(';'),
      TSFLINK_BENCH_SQL: JSON.stringify({ bids: BIDS_DDL, sink: SINK_DDL, probe: PROBE_DDL, insert: INSERT }),
    },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) return { unavailable: `PyFlink failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` };
  return readProbe(file);
}

async function main(): Promise<void> {
  const loadBefore = machineLoad();
  const results: Record<string, Outcome> = await tsVariants();
  const python = ONLY.has('c') || ONLY.has('d') ? pyflinkPython() : undefined;
  if (python && ONLY.has('c')) {
    process.stderr.write('[bench:udf] (c) PyFlink, process mode\n');
    results.c = pyVariant(python, 'process');
  }
  if (python && ONLY.has('d')) {
    process.stderr.write('[bench:udf] (d) PyFlink, thread mode\n');
    results.d = pyVariant(python, 'thread');
  }
  const loadAfter = machineLoad();

  const names: Record<string, string> = {
    a: '(a) TypeScript UDF (Node worker)',
    b: '(b) Java ScalarFunction',
    c: '(c) PyFlink UDF, process mode',
    d: '(d) PyFlink UDF, thread mode',
  };
  const rate = (k: string) => {
    const r = results[k];
    return r && 'count' in r && r.seconds > 0 ? r.count / r.seconds : undefined;
  };
  const ratio = (num: string, den: string, target: number) => {
    const a = rate(num);
    const b = rate(den);
    if (a === undefined || b === undefined) return 'n/a';
    const x = a / b;
    return `${x.toFixed(2)}× (target ≥ ${target}×: ${x >= target ? 'MET' : 'MISSED'})`;
  };
  const rows = ['a', 'b', 'c', 'd']
    .filter((k) => results[k])
    .map((k) => {
      const r = results[k];
      if ('unavailable' in r) return [names[k], 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', r.unavailable];
      return [names[k], r.count.toLocaleString('en-US'), r.seconds.toFixed(1), Math.round(r.count / r.seconds).toLocaleString('en-US'), r.p50Ms.toFixed(1), r.p99Ms.toFixed(1), ''];
    });
  console.log(formatTable(['variant', 'rows', 'seconds', 'rows/s', 'p50 ms', 'p99 ms', 'note'], rows));
  console.log(`TS vs PyFlink process: ${ratio('a', 'c', 2)}`);
  console.log(`TS vs PyFlink thread:  ${ratio('a', 'd', 1)}`);
  console.log(`TS vs Java:            ${ratio('a', 'b', 0.5)}`);
  console.log(
    `setup: ${SECONDS} s per variant, 1 slot, parallelism 1, bundle size ${BUNDLE_SIZE ?? '1000 (default)'} for (a), (c), (d), ${RATE > 0 ? `${RATE} rows/s offered` : 'unthrottled source (latency at saturation)'}; ` +
      `latency = generation in the source to the probe after the UDF.`,
  );
  console.log(`machine load (1/5/15 min): before ${loadBefore}, after ${loadAfter}; 2 cores.`);
  if (args.includes('--json')) console.log(JSON.stringify(results));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
