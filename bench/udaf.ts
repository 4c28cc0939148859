/**
 * bench/udaf: a streaming GROUP BY with two aggregates, several ways, same Flink 2.3.0, same machine,
 * one run: (a) TypeScript UDAFs (our Node worker under flink-python's group-aggregate operator, the
 * accumulators in Flink state), (b) the same logic as Java AggregateFunctions, (c) PyFlink general
 * UDAFs in process mode and (d) in thread mode, and (e) the TypeScript UDAFs in embedded mode
 * (EmbeddedAggregateFunction: a V8 isolate in the task thread, the accumulator a Row in Flink's
 * state, tsTopBidders' MapView Flink's own state-backed MapView); --query window runs the same
 * aggregates per auction and 1-second TUMBLE window (event time), --query avg tsAvg alone.
 *
 *   npm run bench:udaf                    (= node --import ./node_modules/tsx/dist/loader.mjs bench/udaf.ts)
 *   npm run bench:udaf -- --quick         a short smoke run (2 s warm-up + 5 s per run, no RSS series)
 *   options: --seconds N (measured per run, default 20), --warmup N (seconds run first and not
 *            measured, default 5), --only a,b,c,d, --configs default,highThroughput, --keys N (distinct
 *            auctions = GROUP BY keys of the comparison, default 1000), --rss-keys N,N,... (the worker
 *            RSS series: (a) once per number of keys, default 1e4,1e5,1e6; 'none' skips it),
 *            --rss-seconds N (measured per run of that series, default --seconds), --rss-config C
 *            (its runtime configuration, default 'default'), --rate R
 *            (rows/s offered; default unlimited: throughput, with latency at saturation), --json,
 *            --query full|window|avg (window: GROUP BY auction, TUMBLE(date_time, INTERVAL '1' SECOND);
 *            avg: tsAvg alone, variants a,b,e)
 *
 *   INSERT INTO sink SELECT auction, latency_probe(gen_ns, avg_price), top_bidder FROM (
 *     SELECT auction, tsAvg(price) AS avg_price, tsTopBidders(bidder) AS top_bidder, MAX(gen_ns) AS gen_ns
 *     FROM (SELECT auction, bidder, count_row(auction, price) AS price, gen_ns FROM bids) GROUP BY auction)
 *
 * tsAvg keeps (sum, count); tsTopBidders counts bids per bidder in a MapView (Flink map state) and
 * returns the bidder with most bids. bids come from bench/udf's 'tsflink-bench-bids' source, with
 * its 'auctions' option setting the number of keys (1000 random auctions by default, as bench/udf;
 * 1000 random bidders, so a key's map grows to 1000 entries).
 *
 * What is measured: an aggregate emits fewer rows than it reads (flink-python's operators emit one
 * update per key and bundle), so rows/s is counted on its input, by count_row (RowCounter.java,
 * chained to the source; with backpressure the source runs at the pace of the aggregate): input
 * rows / time between the first and last of them. Latency is
 * latency_probe (LatencyProbe.java, as bench/udf) on the aggregate's output rows, applied to
 * MAX(gen_ns) of the group: the time from the generation of the newest bid in the group to the
 * update that includes it leaving the aggregate. Both count from the end of the probe's warm-up
 * (--warmup seconds after the aggregate's first output row), and each run is measured --seconds
 * from then (a worker's start-up is not part of the warm-up). Worker RSS: the parent samples /proc once a second:
 * the Node worker's VmRSS for (a), PyFlink's Python worker processes' for (c); (b) and (d) have no
 * worker process. Each variant runs unbounded with 1 slot, parallelism 1, the heap state backend,
 * in a process (and JVM) of its own, and is cancelled after --warmup + --seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UdfPresets } from '../src/api/udf/presets';
import type { MapView as MapViewOf } from '../src/index';
import { JVM_TUNING_OPTIONS } from '../src/gateway/jvm-tuning';
import { benchArgs } from './lib/args';
import { benchServicesJar, glueJar } from './lib/bench-jar';
import { outcomeLine } from './lib/child';
import { pyflinkPython } from './lib/pyflink';
import { formatTable, machineLoad, ratioAgainst } from './lib/report';

process.env.TSFLINK_QUIET ??= '1';
// PyFlink runs with the environment we started with (a TSFlink session exports PYFLINK_UDF_RUNNER_DIR)
const cleanEnv = { ...process.env };

const { args, quick, opt } = benchArgs();
const SECONDS = Number(opt('--seconds') ?? (quick ? 5 : 20));
const WARMUP = Number(opt('--warmup') ?? (quick ? 2 : 5));
/**
 * 'full': tsAvg and tsTopBidders (a MapView) per auction; 'window': the same per auction and
 * 1-second TUMBLE window on the bids' event time; 'avg': tsAvg alone per auction.
 */
const QUERY = opt('--query') ?? 'full';
if (QUERY !== 'full' && QUERY !== 'avg' && QUERY !== 'window') throw new Error(`unknown --query '${QUERY}' (full, window, avg)`);
const WINDOW = QUERY === 'window';
const ONLY = new Set((opt('--only') ?? (QUERY === 'avg' ? 'a,b,e' : 'a,b,c,d,e')).split(','));
if (QUERY === 'avg' && (ONLY.has('c') || ONLY.has('d'))) throw new Error("--query avg runs (a), (b) and (e): PyFlink's script runs the full query");
const KEYS = Number(opt('--keys') ?? 1000);
/** Offered rows/s (0: unthrottled, so latency is measured at saturation, with full network buffers). */
const RATE = Number(opt('--rate') ?? 0);
/** Measured seconds of each run of the RSS series (a run must read ≥ N rows to see N keys). */
const RSS_SECONDS = Number(opt('--rss-seconds') ?? SECONDS);
/** The runtime configuration of the RSS series (highThroughput reads more rows, so sees more keys, per second). */
const RSS_CONFIG = opt('--rss-config') ?? 'default';
const RSS_KEYS = (opt('--rss-keys') ?? (quick ? 'none' : '1e4,1e5,1e6')).split(',').filter((k) => k !== 'none').map(Number);

interface RuntimeConfig {
  name: string;
  options: Record<string, string>;
}
const FLINK_DEFAULTS: RuntimeConfig = {
  name: 'default',
  options: { 'python.fn-execution.bundle.size': '1000', 'python.fn-execution.bundle.time': '1000', 'python.fn-execution.arrow.batch.size': '1000' },
};
const CONFIGS: RuntimeConfig[] = (opt('--configs') ?? 'default,highThroughput').split(',').map((name) => {
  if (name === 'default') return FLINK_DEFAULTS;
  if (name === 'highThroughput') return { name, options: { ...UdfPresets.highThroughput } };
  throw new Error(`unknown --configs entry '${name}' (default, highThroughput)`);
});

const bidsDdl = (keys: number) =>
  `CREATE TEMPORARY TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, ` +
  `date_time TIMESTAMP(3), extra STRING, gen_ns BIGINT` +
  // the source stamps each bid with its generation time: in order, so a watermark 1 s behind drops none
  (WINDOW ? `, WATERMARK FOR date_time AS date_time - INTERVAL '1' SECOND` : '') +
  `) WITH ('connector' = 'tsflink-bench-bids', 'auctions' = '${keys}'` +
  (RATE > 0 ? `, 'rows-per-second' = '${RATE}'` : '') +
  `)`;
const SINK_DDL = `CREATE TEMPORARY TABLE sink (auction BIGINT, avg_price DOUBLE, top_bidder BIGINT) WITH ('connector' = 'blackhole')`;
const PROBE_DDL = `CREATE TEMPORARY SYSTEM FUNCTION latency_probe AS 'dev.tsflink.bench.LatencyProbe' LANGUAGE JAVA`;
const COUNTER_DDL = `CREATE TEMPORARY SYSTEM FUNCTION count_row AS 'dev.tsflink.bench.RowCounter' LANGUAGE JAVA`;
const INSERT =
  `INSERT INTO sink SELECT auction, latency_probe(gen_ns, avg_price), top_bidder FROM (` +
  `SELECT auction, tsAvg(price) AS avg_price, ${QUERY === 'avg' ? 'CAST(NULL AS BIGINT)' : 'tsTopBidders(bidder)'} AS top_bidder, MAX(gen_ns) AS gen_ns ` +
  `FROM (SELECT auction, bidder, count_row(auction, price) AS price, gen_ns, date_time FROM bids) ` +
  `GROUP BY auction${WINDOW ? ", TUMBLE(date_time, INTERVAL '1' SECOND)" : ''})`;
const JAVA_DDL = [
  `CREATE TEMPORARY SYSTEM FUNCTION tsAvg AS 'dev.tsflink.bench.BenchAvg' LANGUAGE JAVA`,
  `CREATE TEMPORARY SYSTEM FUNCTION tsTopBidders AS 'dev.tsflink.bench.BenchTopBidders' LANGUAGE JAVA`,
];

/** What one run measured (in its child process). */
interface RunStats {
  rows: number;
  seconds: number;
  distinctKeys: number;
  outputRows: number;
  p50Ms: number;
  p99Ms: number;
}
/** The worker's RSS over the measured part of a run (MB). */
interface Rss {
  startMb: number;
  endMb: number;
  maxMb: number;
}
type Outcome = (RunStats & { rss?: Rss }) | { unavailable: string };

const files = (tag: string) => {
  const base = path.join(os.tmpdir(), `tsflink-bench-udaf-${process.pid}-${tag.replace(/\W/g, '_')}`);
  const probe = `${base}-probe.json`;
  const counter = `${base}-counter.json`;
  fs.rmSync(probe, { force: true });
  fs.rmSync(counter, { force: true });
  return { probe, counter };
};

function readStats(f: { probe: string; counter: string }): RunStats {
  if (!fs.existsSync(f.counter)) throw new Error(`the job counted no input rows (no ${f.counter})`);
  if (!fs.existsSync(f.probe)) throw new Error(`the aggregate emitted no rows (no ${f.probe})`);
  const c = JSON.parse(fs.readFileSync(f.counter, 'utf8')) as { count: number; seconds: number; distinctKeys: number };
  const p = JSON.parse(fs.readFileSync(f.probe, 'utf8')) as { count: number; p50Ms: number; p99Ms: number };
  return { rows: c.count, seconds: c.seconds, distinctKeys: c.distinctKeys, outputRows: p.count, p50Ms: p.p50Ms, p99Ms: p.p99Ms };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Lines a run prints on stdout for the parent: when measuring starts and ends, and its result. */
const PHASE = 'bench:udaf phase: ';
const CHILD_RESULT = 'bench:udaf child result: ';

/**
 * Waits until the counter counts: the probe after the aggregate has seen its first --warmup seconds
 * of output (a TS or Python aggregate's worker can take seconds to start on a loaded machine).
 */
async function untilCounting(counterFile: string, jobStatus: () => Promise<string | undefined>): Promise<void> {
  const deadline = Date.now() + (WARMUP + 120) * 1000;
  for (let i = 1; !fs.existsSync(counterFile); i++) {
    if (Date.now() > deadline) throw new Error(`no output rows within ${WARMUP + 120} s of the job's start`);
    if (i % 10 === 0) {
      const status = await jobStatus();
      if (status && status !== 'RUNNING' && status !== 'CREATED' && status !== 'INITIALIZING') throw new Error(`job ended early: ${status}`);
    }
    await sleep(200);
  }
}

/** A run of (a), (b) or (e) in a child process: which variant, runtime configuration and number of keys. */
interface TsRun {
  variant: 'a' | 'b' | 'e';
  config?: string;
  keys: number;
  /** Measured seconds. */
  seconds: number;
  probe: string;
  counter: string;
}

/** Runs (a), (b) or (e) in this (child) process. */
async function tsVariant(run: TsRun): Promise<RunStats> {
  const { callSync } = await import('../src/gateway/jvm');
  const { AggregateFunction, DataTypes, EnvironmentSettings, MapView, TableEnvironment, udaf } = await import('../src/index');
  const config = [...CONFIGS, FLINK_DEFAULTS, { name: 'highThroughput', options: { ...UdfPresets.highThroughput } }].find((c) => c.name === run.config);
  const env = await TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { slots: 1, parallelism: 1, classpath: [benchServicesJar()] });
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.file', run.probe);
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.counter.file', run.counter);
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.warmup.ms', String(WARMUP * 1000));
  for (const ddl of [bidsDdl(run.keys), SINK_DDL, PROBE_DDL, COUNTER_DDL]) await env.executeSql(ddl);
  // the same state backend for every variant: TSFlink would pick RocksDB for TS aggregates, for
  // restores (docs/udaf.md § Fault tolerance), and PyFlink and Java default to the heap one
  env.getConfig().set('state.backend.type', 'hashmap');
  if (run.variant === 'a' || run.variant === 'e') {
    // (e) has no bundles: flink-python's options do not apply to it
    if (run.variant === 'a') for (const [k, v] of Object.entries(config!.options)) env.getConfig().set(k, v);

    interface AvgAcc {
      sum: number;
      count: bigint;
    }
    class TsAvg extends AggregateFunction<number | null, AvgAcc, [bigint | null]> {
      createAccumulator(): AvgAcc {
        return { sum: 0, count: 0n };
      }
      accumulate(acc: AvgAcc, price: bigint | null): void {
        if (price === null) return;
        acc.sum += Number(price);
        acc.count += 1n;
      }
      override retract(acc: AvgAcc, price: bigint | null): void {
        if (price === null) return;
        acc.sum -= Number(price);
        acc.count -= 1n;
      }
      getValue(acc: AvgAcc): number | null {
        return acc.count === 0n ? null : acc.sum / Number(acc.count);
      }
    }

    interface TopAcc {
      counts: MapViewOf<bigint, bigint>;
      top: bigint | null;
      topCount: bigint;
    }
    /** Bids per bidder in a MapView (Flink map state); the value is the bidder with most bids. */
    class TsTopBidders extends AggregateFunction<bigint | null, TopAcc, [bigint | null]> {
      createAccumulator(): TopAcc {
        return { counts: new MapView(), top: null, topCount: 0n };
      }
      async accumulate(acc: TopAcc, bidder: bigint | null): Promise<void> {
        if (bidder === null) return;
        const count = ((await acc.counts.get(bidder)) ?? 0n) + 1n;
        acc.counts.put(bidder, count);
        if (count > acc.topCount) {
          acc.topCount = count;
          acc.top = bidder;
        }
      }
      getValue(acc: TopAcc): bigint | null {
        return acc.top;
      }
    }

    env.createTemporarySystemFunction(
      'tsAvg',
      udaf(new TsAvg(), {
        inputTypes: [DataTypes.BIGINT()],
        resultType: DataTypes.DOUBLE(),
        accumulatorType: DataTypes.ROW(DataTypes.FIELD('sum', DataTypes.DOUBLE()), DataTypes.FIELD('count', DataTypes.BIGINT())),
        mode: run.variant === 'e' ? 'embedded' : 'process',
      }),
    );
    if (QUERY !== 'avg') env.createTemporarySystemFunction(
      'tsTopBidders',
      udaf(new TsTopBidders(), {
        inputTypes: [DataTypes.BIGINT()],
        resultType: DataTypes.BIGINT(),
        accumulatorType: DataTypes.ROW(
          DataTypes.FIELD('counts', DataTypes.MAP_VIEW(DataTypes.BIGINT(), DataTypes.BIGINT())),
          DataTypes.FIELD('top', DataTypes.BIGINT()),
          DataTypes.FIELD('topCount', DataTypes.BIGINT()),
        ),
        mode: run.variant === 'e' ? 'embedded' : 'process',
      }),
    );
  } else {
    for (const ddl of JAVA_DDL) await env.executeSql(ddl);
  }
  const result = await env.executeSql(INSERT);
  await untilCounting(run.counter, () => result.getJobStatus());
  console.log(`${PHASE}measuring`);
  await sleep(run.seconds * 1000);
  console.log(`${PHASE}done`);
  const status = await result.getJobStatus();
  await result.cancel();
  if (status && status !== 'RUNNING') throw new Error(`job ended early: ${status}`);
  await sleep(1500);
  const { Session } = await import('../src/session/session');
  await (await Session.running())?.close();
  return readStats(run);
}

async function childMain(run: TsRun): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await tsVariant(run);
  } catch (e) {
    const what = run.variant === 'b' ? 'the Java UDAF job failed' : 'TS UDAF runtime failed';
    outcome = { unavailable: `${what}: ${(e as Error).message.split('\n')[0].slice(0, 200)}` };
  }
  console.log(outcomeLine(CHILD_RESULT, outcome));
  process.exit(0);
}

/** Parent and command line of every process (from /proc). */
function processTable(): Map<number, { ppid: number; cmd: string }> {
  const table = new Map<number, { ppid: number; cmd: string }>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      table.set(Number(d), { ppid, cmd });
    } catch {
      // the process ended meanwhile
    }
  }
  return table;
}

/** Summed VmRSS (MB) of the descendants of `root` whose command line matches `worker`. */
function workerRssMb(root: number, worker: RegExp): number | undefined {
  const table = processTable();
  let total: number | undefined;
  for (const [pid, p] of table) {
    if (!worker.test(p.cmd)) continue;
    let up = p.ppid;
    while (up > 1 && up !== root) up = table.get(up)?.ppid ?? 0;
    if (up !== root) continue;
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (kb) total = (total ?? 0) + kb / 1024;
    } catch {
      // ended meanwhile
    }
  }
  return total;
}

/**
 * Runs a child process to its end, sampling its worker's RSS once a second between its
 * "measuring" and "done" lines; resolves with its stdout and the samples.
 */
function runChild(cmd: string, argv: string[], env: NodeJS.ProcessEnv, worker: RegExp | undefined): Promise<{ status: number | null; stdout: string; stderr: string; rss?: Rss }> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const samples: number[] = [];
    let measuring = false;
    const timer = setInterval(() => {
      if (!measuring || !worker || !child.pid) return;
      const mb = workerRssMb(child.pid, worker);
      if (mb !== undefined) samples.push(mb);
    }, 1000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes(`${PHASE}measuring`)) measuring = true;
      if (stdout.includes(`${PHASE}done`)) measuring = false;
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (process.env.BENCH_VERBOSE) process.stderr.write(d);
    });
    child.on('close', (status) => {
      clearInterval(timer);
      const rss = samples.length ? { startMb: samples[0], endMb: samples[samples.length - 1], maxMb: Math.max(...samples) } : undefined;
      resolve({ status, stdout, stderr, rss });
    });
  });
}

const NODE_WORKER = /dist\/src\/worker\/main\.js/;
const PYTHON_WORKER = /pyflink\.fn_execution|beam_boot|beam_sdk_worker/;

async function tsVariantInChild(run: Omit<TsRun, 'probe' | 'counter'>, label: string): Promise<Outcome> {
  process.stderr.write(`[bench:udaf] ${label}\n`);
  const f = files(`${run.variant}-${run.config ?? ''}-${run.keys}`);
  const full: TsRun = { ...run, ...f };
  const r = await runChild(process.execPath, [...process.execArgv, __filename, ...args, '--child', JSON.stringify(full)], process.env, run.variant === 'a' ? NODE_WORKER : undefined);
  const line = r.stdout.split('\n').find((l) => l.startsWith(CHILD_RESULT));
  if (!line) return { unavailable: `${label} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 200)}` };
  const outcome = JSON.parse(line.slice(CHILD_RESULT.length)) as Outcome;
  return 'unavailable' in outcome ? outcome : { ...outcome, rss: r.rss };
}

/** Variants (c) and (d): PyFlink in its own process per variant and configuration. */
async function pyVariant(python: string, mode: 'process' | 'thread', config: RuntimeConfig): Promise<Outcome> {
  const f = files(`${mode}-${config.name}`);
  const cli = ['--mode', mode, '--seconds', String(SECONDS), '--warmup', String(WARMUP), '--probe-file', f.probe, '--counter-file', f.counter, '--config', JSON.stringify(config.options)];
  const r = await runChild(
    python,
    [path.join(__dirname, 'udaf_pyflink.py'), ...cli],
    {
      ...cleanEnv,
      JVM_ARGS: JVM_TUNING_OPTIONS.join(' '),
      TSFLINK_BENCH_JARS: [glueJar(), benchServicesJar()].join(';'),
      TSFLINK_BENCH_SQL: JSON.stringify({ ddl: [bidsDdl(KEYS), SINK_DDL, PROBE_DDL, COUNTER_DDL], insert: INSERT }),
    },
    // sampled in thread mode too: a Python worker process there means the job ran in process mode
    PYTHON_WORKER,
  );
  if (r.status !== 0) {
    const cause = r.stderr
      .trim()
      .split('\n')
      .filter((l) => /Exception|Error|not support/i.test(l))
      .slice(-2)
      .join(' | ');
    return { unavailable: `PyFlink failed (exit ${r.status}): ${(cause || r.stderr.trim().split('\n').slice(-2).join(' | ')).slice(0, 300)}` };
  }
  try {
    return { ...readStats(f), rss: r.rss };
  } catch (e) {
    return { unavailable: (e as Error).message };
  }
}

const NAMES: Record<string, string> = {
  a: '(a) TypeScript UDAFs (Node worker)',
  b: '(b) Java AggregateFunctions',
  c: '(c) PyFlink UDAFs, process mode',
  d: '(d) PyFlink UDAFs, thread mode',
  e: '(e) TypeScript UDAFs, embedded mode',
};

async function main(): Promise<void> {
  const loadBefore = machineLoad();
  const results: Record<string, Outcome> = {};
  // this process starts no JVM: each variant runs in a child process of its own
  const python = ONLY.has('c') || ONLY.has('d') ? pyflinkPython() : undefined;
  for (const [variant, mode] of [['c', 'process'], ['d', 'thread']] as const) {
    if (!python || !ONLY.has(variant)) continue;
    for (const config of CONFIGS) {
      process.stderr.write(`[bench:udaf] (${variant}) PyFlink UDAFs, ${mode} mode, ${config.name}\n`);
      results[`${variant}:${config.name}`] = await pyVariant(python, mode, config);
    }
  }
  if (ONLY.has('b')) results.b = await tsVariantInChild({ variant: 'b', keys: KEYS, seconds: SECONDS }, '(b) Java AggregateFunctions');
  if (ONLY.has('e')) results.e = await tsVariantInChild({ variant: 'e', keys: KEYS, seconds: SECONDS }, '(e) TypeScript UDAFs, embedded mode');
  for (const config of ONLY.has('a') ? CONFIGS : []) {
    results[`a:${config.name}`] = await tsVariantInChild({ variant: 'a', config: config.name, keys: KEYS, seconds: SECONDS }, `(a) TypeScript UDAFs, ${config.name}`);
  }
  const series: [number, Outcome][] = [];
  for (const keys of RSS_KEYS) {
    series.push([keys, await tsVariantInChild({ variant: 'a', config: RSS_CONFIG, keys, seconds: RSS_SECONDS }, `(a) TypeScript UDAFs, ${RSS_CONFIG}, ${keys.toLocaleString('en-US')} keys (worker RSS series)`)]);
  }
  const loadAfter = machineLoad();

  const rate = (k: string) => {
    const r = results[k];
    return r && 'rows' in r && r.seconds > 0 ? r.rows / r.seconds : undefined;
  };
  const ratio = (num: string, den: string, target: number) => ratioAgainst(rate(num), rate(den), target);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const rssText = (r: Rss | undefined, na: string) => (r ? `${r.startMb.toFixed(0)} → ${r.endMb.toFixed(0)} (max ${r.maxMb.toFixed(0)})` : na);
  const keys = ['b', 'e', ...CONFIGS.flatMap((c) => ['a', 'c', 'd'].map((v) => `${v}:${c.name}`))].filter((k) => results[k]);
  const rows = keys.map((k) => {
    const [variant, config = '(no bundles)'] = k.split(':');
    const r = results[k];
    if ('unavailable' in r) return [NAMES[variant], config, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', r.unavailable];
    const noWorker = variant === 'b' || variant === 'e' ? 'none (in the JVM)' : variant === 'd' ? 'in the JVM' : 'n/a';
    // flink-python has no embedded (thread-mode) aggregate operator: check where (d) really ran
    const rss = variant === 'd' && r.rss ? `${rssText(r.rss, '')}: a Python worker process, so process mode` : rssText(r.rss, noWorker);
    return [NAMES[variant], config, fmt(r.rows), r.seconds.toFixed(1), fmt(r.rows / r.seconds), fmt(r.outputRows), r.p50Ms.toFixed(1), r.p99Ms.toFixed(1), rss];
  });
  console.log(formatTable(['variant', 'config', 'input rows', 'seconds', 'rows/s', 'updates out', 'p50 ms', 'p99 ms', 'worker RSS MB'], rows));
  for (const c of RATE > 0 ? [] : CONFIGS) {
    console.log(`${c.name}:`);
    console.log(`  TS vs PyFlink process: ${ratio(`a:${c.name}`, `c:${c.name}`, 2)}`);
    console.log(`  TS vs Java:            ${ratio(`a:${c.name}`, 'b', 0.3)}`);
  }
  if (results.e && RATE === 0) {
    console.log('embedded mode (no bundles):');
    console.log(`  TS embedded vs Java:   ${ratio('e', 'b', 0.3)}`);
    for (const c of CONFIGS) console.log(`  TS embedded vs TS process (${c.name}): ${ratio('e', `a:${c.name}`, 1)}`);
  }
  if (series.length) {
    console.log(`worker RSS as the number of keys grows, (a) with the ${RSS_CONFIG} configuration, ${RSS_SECONDS} s measured per run (keys seen: distinct auctions the source produced, warm-up included):`);
    const srows = series.map(([n, r]) =>
      'unavailable' in r
        ? [n.toLocaleString('en-US'), 'n/a', 'n/a', 'n/a', 'n/a', r.unavailable]
        : [n.toLocaleString('en-US'), fmt(r.distinctKeys), fmt(r.rows / r.seconds), r.p99Ms.toFixed(1), rssText(r.rss, 'n/a'), ''],
    );
    console.log(formatTable(['auctions (keys)', 'keys seen', 'rows/s', 'p99 ms', 'Node worker RSS MB', 'note'], srows));
  }
  const described = CONFIGS.map((c) => `${c.name} = ${Object.entries(c.options).map(([k, v]) => `${k.replace('python.fn-execution.', '')} ${v}`).join(', ')}`);
  console.log(
    `setup: ${SECONDS} s measured per run after ${WARMUP} s of warm-up, 1 slot, parallelism 1, heap state backend, ${RATE > 0 ? `${RATE} rows/s offered` : 'unthrottled source (latency at saturation: rows wait in full network buffers)'}, ${KEYS.toLocaleString('en-US')} auctions (GROUP BY keys) in the comparison; ` +
      `rows/s = input rows of the aggregate; latency = generation of the group's newest bid to the aggregate's update (probe on MAX(gen_ns)); ` +
      `worker RSS = start → end of the measured part (sampled each second); configs of flink-python's runtime for (a), (c), (d): ${described.join('; ')}.`,
  );
  console.log(`machine load (1/5/15 min): before ${loadBefore}, after ${loadAfter}; ${os.cpus().length} cores.`);
  if (args.includes('--json')) console.log(JSON.stringify({ results, series }));
  process.exit(0);
}

const child = opt('--child');
(child ? childMain(JSON.parse(child) as TsRun) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
