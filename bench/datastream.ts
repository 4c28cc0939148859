/**
 * bench/datastream: a keyed running count (a ValueState per key) plus a map, over generated events,
 * four ways on the same Flink 2.3.0, one run, each variant in a process (and JVM) of its own:
 * (a) TypeScript functions (the Node worker under flink-python's DataStream operators), (b) a Java
 * KeyedProcessFunction and MapFunction, (c) PyFlink's DataStream API in process mode and (d) in
 * thread mode, and (e) the TypeScript functions of (a) in embedded mode (a JS runtime in the task,
 * Flink's own keyed state: docs/datastream.md § Embedded mode), the counterpart of (d).
 *
 *   npm run bench:datastream                      1e7 events (each variant runs until all are through)
 *   npm run bench:datastream -- --events 1000000  a quicker run
 *   options: --events N (default 1e7), --keys K (default 1000), --warmup S (seconds the probe does
 *            not count at first, default 3), --only a,b,c,d,e, --json
 *
 *   events (Java: Row(key = i % K, genNs = System.nanoTime())) → keyBy(key) → count in ValueState
 *     → Row(key, count, genNs) → map (count × 2) → latency probe (Java) → discarding sink
 *
 * The source, the probe and (b) are dev.tsflink.bench.DataStreamBench (src/jvm); the probe is
 * bench/udf's LatencyProbe: latency = generation in the source to the probe after the map, at
 * saturation (the source is not throttled); rows/s = rows the probe counted after the warm-up /
 * time between the first and last of them. Parallelism 1, one slot; flink-python's bundle options
 * at Flink's defaults (1000 rows, 1000 ms) for (a), (c) and (d).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JVM_TUNING_OPTIONS } from '../src/gateway/jvm-tuning';
import { benchArgs } from './lib/args';
import { glueJar } from './lib/bench-jar';
import { outcomeLine, runVariantChild } from './lib/child';
import { pyflinkPython } from './lib/pyflink';
import { formatTable, machineLoad, type ProbeStats } from './lib/report';

process.env.TSFLINK_QUIET ??= '1';
// PyFlink runs with the environment we started with (a TSFlink session exports variables, e.g.
// PYFLINK_UDF_RUNNER_DIR, which would make PyFlink launch our Node worker instead of Python)
const cleanEnv = { ...process.env };

const a = benchArgs();
const EVENTS = Number(a.opt('--events') ?? 1e7);
const KEYS = Number(a.opt('--keys') ?? 1000);
const WARMUP = Number(a.opt('--warmup') ?? 3);
const ONLY = new Set((a.opt('--only') ?? 'a,b,c,d,e').split(','));
const BENCH = 'dev.tsflink.bench.DataStreamBench';
const MARKER = 'bench:datastream child result: ';

type Outcome = (ProbeStats & { wallSeconds: number }) | { unavailable: string };

function probeFile(variant: string): string {
  const f = path.join(os.tmpdir(), `tsflink-bench-datastream-${process.pid}-${variant}.json`);
  fs.rmSync(f, { force: true });
  return f;
}

function readProbe(file: string): ProbeStats {
  if (!fs.existsSync(file)) throw new Error(`the job produced no measured rows (no ${file}; is --warmup longer than the run?)`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ProbeStats;
}

/** (a) or (b), in this (child) process: a session of one slot, the job run to its end. */
async function tsflinkVariant(key: 'a' | 'b' | 'e', file: string): Promise<Outcome> {
  const { callSync } = await import('../src/gateway/jvm');
  const { DataStream, Session, StreamExecutionEnvironment, Types, ValueStateDescriptor } = await import('../src/index');
  type ValueState<T> = import('../src/index').ValueState<T>;
  type KeyedRuntimeContext = import('../src/index').KeyedRuntimeContext;
  // (e): the same TS functions in embedded mode (a JS runtime in the task, Flink's own keyed state)
  const env = await StreamExecutionEnvironment.create(key === 'e' ? { 'tsflink.udf.execution-mode': 'embedded' } : {}, { slots: 1, parallelism: 1 });
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.file', file);
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.warmup.ms', String(WARMUP * 1000));
  const started = Date.now();
  if (key === 'b') {
    callSync(BENCH, 'javaJobOf', env.handle, EVENTS, KEYS);
  } else {
    type Event = { key: number; genNs: number };
    type Count = { key: number; count: number; genNs: number };
    const eventType = Types.ROW_NAMED<Event>(['key', 'genNs'], [Types.LONG(), Types.LONG()]);
    const countType = Types.ROW_NAMED<Count>(['key', 'count', 'genNs'], [Types.LONG(), Types.LONG(), Types.LONG()]);
    const events = new DataStream<Event>(env, callSync<number>(BENCH, 'eventsOf', env.handle, EVENTS, KEYS), eventType);
    class RunningCount {
      private count!: ValueState<number>;
      open(ctx: KeyedRuntimeContext): void {
        this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
      }
      async processElement(e: Event): Promise<Count[]> {
        const n = ((await this.count.value()) ?? 0) + 1;
        await this.count.update(n);
        return [{ key: e.key, count: n, genNs: e.genNs }];
      }
    }
    const counts = events.keyBy((e) => e.key, Types.LONG()).process(new RunningCount(), countType);
    // Number(): a LONG field is a number where exact, a bigint beyond 2^53 (in both modes)
    const doubled = counts.map((c) => ({ key: c.key, count: Number(c.count) * 2, genNs: c.genNs }), countType);
    callSync(BENCH, 'probeOf', doubled.handle, 2);
  }
  await env.execute(`bench:datastream (${key})`);
  const wallSeconds = (Date.now() - started) / 1000;
  await (await Session.running())?.close();
  return { ...readProbe(file), wallSeconds };
}

async function childMain(key: 'a' | 'b' | 'e'): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await tsflinkVariant(key, a.opt('--probe-file')!);
  } catch (e) {
    outcome = { unavailable: `(${key}) failed: ${(e as Error).message.split('\n')[0].slice(0, 200)}` };
  }
  console.log(outcomeLine(MARKER, outcome));
  process.exit(0);
}

/** (c) and (d): PyFlink in a process of its own. */
function pyVariant(python: string, mode: 'process' | 'thread'): Outcome {
  const file = probeFile(mode);
  const started = Date.now();
  const r = spawnSync(python, [path.join(__dirname, 'datastream_pyflink.py'), '--mode', mode, '--events', String(EVENTS), '--keys', String(KEYS), '--warmup', String(WARMUP), '--probe-file', file], {
    // PyFlink's JVM gets the collector and heap TSFlink's has (as in bench/udf)
    env: { ...cleanEnv, JVM_ARGS: JVM_TUNING_OPTIONS.join(' '), TSFLINK_BENCH_JARS: glueJar() },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) return { unavailable: `PyFlink failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` };
  try {
    return { ...readProbe(file), wallSeconds: (Date.now() - started) / 1000 };
  } catch (e) {
    return { unavailable: (e as Error).message };
  }
}

function main(): void {
  const loadBefore = machineLoad();
  const results: [string, Outcome][] = [];
  const names = { a: '(a) TypeScript (Node worker)', b: '(b) Java', c: '(c) PyFlink, process mode', d: '(d) PyFlink, thread mode', e: '(e) TypeScript, embedded mode' };
  for (const key of ['a', 'e', 'b'] as const) {
    if (!ONLY.has(key)) continue;
    process.stderr.write(`[bench:datastream] ${names[key]}\n`);
    results.push([names[key], runVariantChild<Outcome>(__filename, [...a.args, '--child', key, '--probe-file', probeFile(key)], MARKER, names[key])]);
  }
  const python = ONLY.has('c') || ONLY.has('d') ? pyflinkPython() : undefined;
  for (const [key, mode] of [['c', 'process'], ['d', 'thread']] as const) {
    if (!python || !ONLY.has(key)) continue;
    process.stderr.write(`[bench:datastream] ${names[key]}\n`);
    results.push([names[key], pyVariant(python, mode)]);
  }
  // the probe's histogram ends at 10 s: its last bucket holds everything slower
  const ms = (v: number) => (v >= 10_000 ? '≥ 10000' : v.toFixed(1));
  const rows = results.map(([name, r]) => {
    if ('unavailable' in r) return [name, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', r.unavailable];
    return [name, r.count.toLocaleString('en-US'), Math.round(r.count / r.seconds).toLocaleString('en-US'), ms(r.p50Ms), ms(r.p99Ms), r.wallSeconds.toFixed(1), ''];
  });
  console.log(formatTable(['variant', 'rows measured', 'rows/s', 'p50 ms', 'p99 ms', 'job s (wall)', 'note'], rows));
  console.log(
    `setup: ${EVENTS.toLocaleString('en-US')} events over ${KEYS} keys, the first ${WARMUP} s of each job not measured; parallelism 1, 1 slot; ` +
      `latency = generation in the source to the probe after the map, unthrottled source (latency at saturation); flink-python bundle options at Flink's defaults.`,
  );
  console.log(`machine load (1/5/15 min): before ${loadBefore}, after ${machineLoad()}; ${os.cpus().length} cores.`);
  if (a.args.includes('--json')) console.log(JSON.stringify(Object.fromEntries(results)));
}

const child = a.opt('--child');
if (child === 'a' || child === 'b' || child === 'e') {
  void childMain(child);
} else {
  main();
}
