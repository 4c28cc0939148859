/**
 * bench/udf: a Nexmark-q1-style projection with a UDF, four ways, same Flink 2.3.0, same machine,
 * one run: (a) a TypeScript UDF (our Node worker under flink-python), (b) the same logic as a Java
 * ScalarFunction, (c) a PyFlink Python UDF in process mode and (d) in thread mode, and (e) the
 * TypeScript UDF in embedded mode (a V8 isolate in the task thread, no bundles; docs/embedded.md).
 *
 *   npm run bench:udf                     (= node --import ./node_modules/tsx/dist/loader.mjs bench/udf.ts)
 *   npm run bench:udf -- --quick          a short smoke run (2 s warm-up + 5 s per run)
 *   options: --seconds N (measured per variant, default 25), --warmup N (seconds run first and not
 *            measured, default 5), --rate R (rows/s; default unlimited: throughput, with latency at
 *            saturation), --only a,b,c,d,e, --configs default,highThroughput, --bundle-size N, --json,
 *            --object-reuse (pipeline.object-reuse = true for all variants), --workload toEuro|json100|json1k
 *            (json100/json1k: Flink 1.15's thread-mode workload, parse a ~100 B / ~1 KB JSON string
 *            and return one field: jsonPrice(json) instead of toEuro(price); bench/lib/bids.ts)
 *
 *   SELECT auction, bidder, latency_probe(gen_ns, toEuro(price)) AS price, date_time, extra FROM bids
 *
 * bids come from the 'tsflink-bench-bids' source (src/jvm/.../bench/BidSourceFactory.java: datagen-like
 * Nexmark bids plus gen_ns = System.nanoTime() at generation); latency_probe (LatencyProbe.java) runs
 * after the UDF, records now - gen_ns (after the first --warmup seconds) and writes count / p50 /
 * p99 to a file once a second. Each variant runs unbounded with 1 slot, parallelism 1, in a process
 * (and JVM) of its own, and is cancelled after --warmup + --seconds; rows/s = rows the probe counted
 * / time between the first and last of them. (a), (c) and (d) run on flink-python's
 * runtime, once per configuration of its bundle options, the same for all three: Flink's defaults
 * (bundles of 1000 rows) and UdfPresets.highThroughput (bundles of 100,000 rows: more throughput,
 * more latency); --bundle-size N runs one configuration with bundles of N rows instead.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UdfPresets } from '../src/api/udf/presets';
import type { BundleTimingLine } from '../src/worker/bundle-timing';
import { benchArgs } from './lib/args';
import { benchServicesJar } from './lib/bench-jar';
import { INSERT, JAVA_JSON_PRICE_DDL, JAVA_TO_EURO_DDL, PROBE_DDL, SINK_DDL, bidsDdl, jsonInsert, probeFile, rateOf, readProbe, runThenCancel, useProbe } from './lib/bids';
import { outcomeLine, runVariantChild } from './lib/child';
import { pyflinkPython, runPyflinkToEuro } from './lib/pyflink';
import { formatTable, machineLoad, ratioAgainst, type ProbeStats } from './lib/report';

process.env.TSFLINK_QUIET ??= '1';
// (a)'s worker reports where each bundle's time goes (src/worker/bundle-timing.ts)
const BUNDLE_TIMING_FILE = path.join(os.tmpdir(), `tsflink-bench-udf-${process.pid}-bundle-timing.jsonl`);
process.env.TSFLINK_WORKER_BUNDLE_TIMING = BUNDLE_TIMING_FILE;

const { args, quick, opt } = benchArgs();
const SECONDS = Number(opt('--seconds') ?? (quick ? 5 : 25));
/** Seconds each variant runs before the probe starts counting (JIT warm-up), on top of SECONDS. */
const WARMUP = Number(opt('--warmup') ?? (quick ? 2 : 5));
const RATE = Number(opt('--rate') ?? 0);
const ONLY = new Set((opt('--only') ?? 'a,b,c,d,e').split(','));
/** Flink options every variant runs with, on top of its configuration. */
const PIPELINE_OPTIONS: Record<string, string> = args.includes('--object-reuse') ? { 'pipeline.object-reuse': 'true' } : {};

/** A configuration of flink-python's runtime, applied alike to (a), (c) and (d). */
interface RuntimeConfig {
  name: string;
  options: Record<string, string>;
}
const FLINK_DEFAULTS: RuntimeConfig = {
  name: 'default',
  options: { 'python.fn-execution.bundle.size': '1000', 'python.fn-execution.bundle.time': '1000', 'python.fn-execution.arrow.batch.size': '1000' },
};
const CONFIGS: RuntimeConfig[] = opt('--bundle-size')
  ? [{ name: `bundle ${opt('--bundle-size')}`, options: { ...FLINK_DEFAULTS.options, 'python.fn-execution.bundle.size': opt('--bundle-size')! } }]
  : (opt('--configs') ?? 'default,highThroughput').split(',').map((name) => {
      if (name === 'default') return FLINK_DEFAULTS;
      if (name === 'highThroughput') return { name, options: { ...UdfPresets.highThroughput } };
      throw new Error(`unknown --configs entry '${name}' (default, highThroughput)`);
    });

const BIDS_DDL = bidsDdl(RATE);
const WORKLOAD = opt('--workload') ?? 'toEuro';
const JSON_BYTES: Record<string, number> = { json100: 100, json1k: 1024 };
if (WORKLOAD !== 'toEuro' && !(WORKLOAD in JSON_BYTES)) throw new Error(`unknown --workload '${WORKLOAD}' (toEuro, json100, json1k)`);
const JSON_WORKLOAD = WORKLOAD === 'toEuro' ? undefined : { insert: jsonInsert(JSON_BYTES[WORKLOAD]) };

/** Bundle-weighted means of the worker's timing lines over the measured part of an (a) run. */
type BundleTimes = Omit<BundleTimingLine, 'time' | 'pid'>;
type Outcome = (ProbeStats & { bundleTimes?: BundleTimes }) | { unavailable: string };

function bundleTimesSince(epochMs: number): BundleTimes | undefined {
  if (!fs.existsSync(BUNDLE_TIMING_FILE)) return undefined;
  const lines = fs
    .readFileSync(BUNDLE_TIMING_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as BundleTimingLine)
    .filter((l) => l.time >= epochMs);
  const bundles = lines.reduce((n, l) => n + l.bundles, 0);
  if (bundles === 0) return undefined;
  const mean = (f: (l: BundleTimingLine) => number) => lines.reduce((s, l) => s + f(l) * l.bundles, 0) / bundles;
  return { bundles, inputBytes: mean((l) => l.inputBytes), runnerMicros: mean((l) => l.runnerMicros), workerMicros: mean((l) => l.workerMicros) };
}

/**
 * One TSFlink variant, run in this process: `b`, `e`, or `a:<config name>`. Every variant runs in a
 * process (so a JVM) of its own: run after (a) in one JVM, (b) measured 1.99M rows/s instead of
 * 2.5M, most likely because the JIT compiler had specialised Flink's shared paths (row copies,
 * chaining) for (a)'s rows first.
 */
async function tsVariant(key: string): Promise<Outcome> {
  const { DataTypes, EnvironmentSettings, TableEnvironment, udf } = await import('../src/index');
  const config = key === 'b' || key === 'e' ? undefined : CONFIGS.find((c) => key === `a:${c.name}`);
  if (key !== 'b' && key !== 'e' && !config) throw new Error(`unknown variant ${key}`);
  // the bench jar on the startup classpath: its source factory is found through a service entry
  const env = await TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { slots: 1, parallelism: 1, classpath: [benchServicesJar()] });
  const file = probeFile('udf', key);
  await useProbe(file, WARMUP);
  for (const [k, v] of Object.entries(PIPELINE_OPTIONS)) env.getConfig().set(k, v);
  await env.executeSql(BIDS_DDL);
  await env.executeSql(SINK_DDL);
  await env.executeSql(PROBE_DDL);
  const mode = key === 'e' ? 'embedded' : 'process';
  if ((config || key === 'e') && JSON_WORKLOAD) {
    for (const [k, v] of Object.entries(config?.options ?? {})) env.getConfig().set(k, v);
    const jsonPrice = udf((json: string | null) => (json === null ? null : (JSON.parse(json) as { price: number }).price), {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.DOUBLE(),
      mode,
    });
    env.createTemporarySystemFunction('jsonPrice', jsonPrice);
  } else if (config || key === 'e') {
    // (e) has no bundles: flink-python's options do not apply to it
    for (const [k, v] of Object.entries(config?.options ?? {})) env.getConfig().set(k, v);
    const toEuro = udf((price: bigint | null) => (price === null ? null : Number(price) * 0.908), {
      inputTypes: [DataTypes.BIGINT()],
      resultType: DataTypes.DOUBLE(),
      mode,
    });
    env.createTemporarySystemFunction('toEuro', toEuro);
  } else {
    await env.executeSql(JSON_WORKLOAD ? JAVA_JSON_PRICE_DDL : JAVA_TO_EURO_DDL);
  }
  const measuredFrom = await runThenCancel(await env.executeSql(JSON_WORKLOAD?.insert ?? INSERT), WARMUP, SECONDS);
  return { ...readProbe(file), bundleTimes: bundleTimesSince(measuredFrom) };
}

const CHILD_RESULT = 'bench:udf child result: ';

/** Runs tsVariant(key) in a child process of its own and returns its outcome. */
function tsVariantInChild(key: string, label: string): Outcome {
  process.stderr.write(`[bench:udf] ${label}\n`);
  return runVariantChild<Outcome>(__filename, [...args, '--child', key], CHILD_RESULT, label);
}

/** Variants (c) and (d): PyFlink in its own process per variant and configuration. */
function pyVariant(python: string, mode: 'process' | 'thread', config: RuntimeConfig): Outcome {
  const probe = { file: probeFile('udf', `${mode}-${config.name}`), seconds: SECONDS, warmup: WARMUP };
  return runPyflinkToEuro(python, mode, { ...PIPELINE_OPTIONS, ...config.options }, BIDS_DDL, probe, JSON_WORKLOAD);
}

async function childMain(key: string): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await tsVariant(key);
  } catch (e) {
    const what = key === 'b' ? 'the Java UDF job failed' : 'TS UDF runtime failed';
    outcome = { unavailable: `${what}: ${(e as Error).message.split('\n')[0].slice(0, 160)}` };
  }
  console.log(outcomeLine(CHILD_RESULT, outcome));
  process.exit(0);
}

async function main(): Promise<void> {
  const loadBefore = machineLoad();
  const results: Record<string, Outcome> = {};
  // each variant runs in a process and JVM of its own (as each PyFlink variant does), so none
  // inherits another's JIT state, heap or mini-cluster. (This was also how the bench once avoided
  // a hang: the JDK reset SIGCHLD in a process hosting the JVM; ChildSignals.java fixes that.)
  const python = ONLY.has('c') || ONLY.has('d') ? pyflinkPython() : undefined;
  for (const [variant, mode] of [['c', 'process'], ['d', 'thread']] as const) {
    if (!python || !ONLY.has(variant)) continue;
    for (const config of CONFIGS) {
      process.stderr.write(`[bench:udf] (${variant}) PyFlink, ${mode} mode, ${config.name}\n`);
      results[`${variant}:${config.name}`] = pyVariant(python, mode, config);
    }
  }
  if (ONLY.has('b')) results.b = tsVariantInChild('b', '(b) Java ScalarFunction');
  if (ONLY.has('e')) results.e = tsVariantInChild('e', '(e) TypeScript UDF, embedded mode');
  for (const config of ONLY.has('a') ? CONFIGS : []) {
    results[`a:${config.name}`] = tsVariantInChild(`a:${config.name}`, `(a) TypeScript UDF, ${config.name}`);
  }
  const loadAfter = machineLoad();

  const names: Record<string, string> = {
    a: '(a) TypeScript UDF (Node worker)',
    b: '(b) Java ScalarFunction',
    c: '(c) PyFlink UDF, process mode',
    d: '(d) PyFlink UDF, thread mode',
    e: '(e) TypeScript UDF, embedded mode',
  };
  const rate = (k: string) => rateOf(results[k]);
  const ratio = (num: string, den: string, target: number) => ratioAgainst(rate(num), rate(den), target);
  const keys = ['b', 'e', ...CONFIGS.flatMap((c) => ['a', 'c', 'd'].map((v) => `${v}:${c.name}`))].filter((k) => results[k]);
  const rows = keys.map((k) => {
    const [variant, config = '(no bundles)'] = k.split(':');
    const r = results[k];
    if ('unavailable' in r) return [names[variant], config, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', r.unavailable];
    return [names[variant], config, r.count.toLocaleString('en-US'), r.seconds.toFixed(1), Math.round(r.count / r.seconds).toLocaleString('en-US'), r.p50Ms.toFixed(1), r.p99Ms.toFixed(1), ''];
  });
  console.log(formatTable(['variant', 'config', 'rows', 'seconds', 'rows/s', 'p50 ms', 'p99 ms', 'note'], rows));
  for (const c of CONFIGS) {
    console.log(`${c.name}:`);
    console.log(`  TS vs PyFlink process: ${ratio(`a:${c.name}`, `c:${c.name}`, 2)}`);
    console.log(`  TS vs PyFlink thread:  ${ratio(`a:${c.name}`, `d:${c.name}`, 1)}`);
    console.log(`  TS vs Java:            ${ratio(`a:${c.name}`, 'b', 0.5)}`);
  }
  if (results.e) {
    console.log('embedded mode (no bundles):');
    console.log(`  TS embedded vs Java:   ${ratio('e', 'b', 0.5)}`);
    for (const c of CONFIGS) console.log(`  TS embedded vs PyFlink thread (${c.name}): ${ratio('e', `d:${c.name}`, 1.5)}`);
  }
  const timed = CONFIGS.map((c) => [c.name, results[`a:${c.name}`]] as const).filter(([, r]) => r && 'bundleTimes' in r && r.bundleTimes);
  if (timed.length > 0) {
    console.log(`(a)'s bundles as its worker saw them: runner = its previous response → the bundle's last input (the runner emits results, fills the bundle, sends it); worker = last input → response:`);
    for (const [name, r] of timed) {
      const t = (r as { bundleTimes: BundleTimes }).bundleTimes;
      const share = (100 * t.workerMicros) / (t.runnerMicros + t.workerMicros);
      console.log(`  ${name}: ${t.bundles.toLocaleString('en-US')} bundles of ${Math.round(t.inputBytes).toLocaleString('en-US')} input bytes; runner ${t.runnerMicros.toFixed(0)} µs, worker ${t.workerMicros.toFixed(0)} µs (${share.toFixed(1)}% of each bundle)`);
    }
  }
  const described = CONFIGS.map((c) => `${c.name} = ${Object.entries(c.options).map(([k, v]) => `${k.replace('python.fn-execution.', '')} ${v}`).join(', ')}`);
  console.log(
    `setup: workload ${WORKLOAD === 'toEuro' ? 'toEuro(price)' : `jsonPrice(a ~${JSON_BYTES[WORKLOAD]} B JSON string)`}; ${SECONDS} s measured per run after ${WARMUP} s of warm-up, 1 slot, parallelism 1, ${RATE > 0 ? `${RATE} rows/s offered` : 'unthrottled source (latency at saturation)'}; ` +
      `latency = generation in the source to the probe after the UDF; ${Object.entries(PIPELINE_OPTIONS).map(([k, v]) => `${k} = ${v} for all; `).join('')}configs of flink-python's runtime for (a), (c), (d): ${described.join('; ')}.`,
  );
  console.log(`machine load (1/5/15 min): before ${loadBefore}, after ${loadAfter}; 2 cores.`);
  if (args.includes('--json')) console.log(JSON.stringify(results));
  process.exit(0);
}

const child = opt('--child');
(child ? childMain(child) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
