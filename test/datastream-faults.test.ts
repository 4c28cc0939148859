/**
 * Fault tolerance of the TS DataStream API on a real standalone cluster (a JobManager and three
 * TaskManagers of one slot each, separate JVMs; one cluster for the file).
 *
 * One job shape throughout: a bounded sequence 1..N, slowed in a TS map so that it runs for
 * seconds, event-time timestamps (n ms), keyed by n % 3 into a KeyedProcessFunction that keeps a
 * ValueState count, a MapState of per-bucket sums, a ListState buffer flushed by processing-time
 * timers, and event-time timers per bucket and at the end; its lines go to an exactly-once FileSink.
 * Every line but the buffer flushes depends only on the input, so the finished files must equal
 * `expectedLines(N)` exactly: a lost record, a count restarted from zero or a record counted twice
 * changes them. The flushes must hold every record once.
 *
 * (1) the Node worker is SIGKILLed mid-job, (2) the TaskManager running the job is SIGKILLed
 * mid-job: each time the job must restart from a checkpoint (checked over REST) and its output equal
 * the expected lines, (2) also with the functions in embedded mode (state and timers Flink's own);
 * (3) a job is stopped with a savepoint mid-way and a new job resumed from it
 * (execution.savepoint.path) writes the rest: together, the expected lines.
 *
 * Break checks (done 2026-12-05, each then restored):
 * - flink-python as is (timers registered after the pre-checkpoint bundle flush, so missing from the
 *   checkpoint; see TimerSafeOperators.java): the worker and savepoint tests failed, 603 and 552 of
 *   the 2400 records left to the final flush, all of one key, from the restore point on;
 * - the count in a per-key Map field of the function instead of a ValueState: the worker test fails
 *   (the new worker counts from zero: every count after the restore is wrong);
 * - without enableCheckpointing: nothing is committed before the job ends, the kill test fails;
 * - without execution.savepoint.path: the resumed job restores nothing, the savepoint test fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FileSink,
  ListStateDescriptor,
  MapStateDescriptor,
  OnCheckpointRollingPolicy,
  Session,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  Types,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type JobClient,
  type KeyedProcessFunction,
  type KeyedProcessFunctionContext,
  type KeyedRuntimeContext,
  type ListState,
  type MapState,
  type OnTimerContext,
  type ValueState,
} from '../src/index';
import { stopStandaloneCluster, type StandaloneCluster } from '../src/cluster/standalone';
import { startFailoverCluster, taskManagerOf, tempDir, until } from './helpers';

const dir = tempDir('tsflink-ds-faults-');
let cluster: StandaloneCluster;

beforeAll(async () => {
  // the cluster before the session: its start runs a synchronous child process (see udaf-cluster.test.ts)
  // three TaskManagers: each TaskManager-killing test takes one away (process mode's, embedded mode's)
  cluster = await startFailoverCluster(dir, 3);
  await Session.start({ remote: cluster.remote });
}, 120_000);

afterAll(async () => {
  await (await Session.running())?.close();
  await stopStandaloneCluster(dir);
});

const N = 2400;
const KEYS = 3;
const BUCKET = 100;

/**
 * Per record `r <n> <count of its key so far>`; per (key, bucket of 100 ms) when the watermark
 * passes it `b <key> <bucket> <sum> <sum of the key's fired buckets>`; at the end `t <key> <count>
 * <sum>`; the ListState buffer as `f <n> p` (flushed by a processing-time timer) or `f <n> e` (by the
 * final event-time timer).
 */
class Tally implements KeyedProcessFunction<number, number, string> {
  private count!: ValueState<number>;
  private fired!: ValueState<number>;
  private armed!: ValueState<boolean>;
  private buckets!: MapState<number, number>;
  private buffer!: ListState<number>;

  constructor(private readonly pidFile: string) {}

  open(ctx: KeyedRuntimeContext): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('node:fs').writeFileSync(this.pidFile, String(process.pid));
    this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
    this.fired = ctx.getState(new ValueStateDescriptor<number>('fired'));
    this.armed = ctx.getState(new ValueStateDescriptor<boolean>('armed'));
    this.buckets = ctx.getMapState(new MapStateDescriptor<number, number>('buckets'));
    this.buffer = ctx.getListState(new ListStateDescriptor<number>('buffer'));
  }

  async processElement(n: number, ctx: KeyedProcessFunctionContext<number>, out: Collector<string>): Promise<void> {
    const count = ((await this.count.value()) ?? 0) + 1;
    await this.count.update(count);
    out.collect(`r ${n} ${count}`);
    const bucket = Math.floor(n / 100);
    await this.buckets.put(bucket, ((await this.buckets.get(bucket)) ?? 0) + n);
    ctx.timerService().registerEventTimeTimer(bucket * 100 + 99);
    // an event time after every record: this timer fires only with the final watermark
    ctx.timerService().registerEventTimeTimer(1_000_000_000);
    await this.buffer.add(n);
    if (!(await this.armed.value())) {
      ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 100);
      await this.armed.update(true);
    }
  }

  async onTimer(ts: number, ctx: OnTimerContext<number>, out: Collector<string>): Promise<void> {
    const key = ctx.getCurrentKey();
    if (ctx.timeDomain() === 'PROCESSING_TIME') {
      for (const n of await this.buffer.get()) out.collect(`f ${n} p`);
      await this.buffer.clear();
      await this.armed.clear();
    } else if (ts === 1_000_000_000) {
      for (const n of await this.buffer.get()) out.collect(`f ${n} e`);
      await this.buffer.clear();
      out.collect(`t ${key} ${await this.count.value()} ${await this.fired.value()}`);
    } else {
      const bucket = (ts - 99) / 100;
      const sum = (await this.buckets.get(bucket)) ?? 0;
      await this.buckets.remove(bucket);
      const fired = ((await this.fired.value()) ?? 0) + sum;
      await this.fired.update(fired);
      out.collect(`b ${key} ${bucket} ${sum} ${fired}`);
    }
  }
}

/** The job's lines without the flushes, computed here. */
function expectedLines(n: number): string[] {
  const lines: string[] = [];
  const count = new Map<number, number>();
  const buckets = new Map<string, number>();
  for (let i = 1; i <= n; i++) {
    const k = i % KEYS;
    count.set(k, (count.get(k) ?? 0) + 1);
    lines.push(`r ${i} ${count.get(k)}`);
    const b = `${k} ${Math.floor(i / BUCKET)}`;
    buckets.set(b, (buckets.get(b) ?? 0) + i);
  }
  const fired = new Map<number, number>();
  for (const [kb, sum] of [...buckets].sort(([a], [b]) => Number(a.split(' ')[1]) - Number(b.split(' ')[1]))) {
    const k = Number(kb.split(' ')[0]);
    fired.set(k, (fired.get(k) ?? 0) + sum);
    lines.push(`b ${kb} ${sum} ${fired.get(k)}`);
  }
  for (const [k, c] of count) lines.push(`t ${k} ${c} ${fired.get(k)}`);
  return lines.sort();
}

/** The lines of the sink's finished part files (in-progress and pending files start with '.'). */
function committedLines(out: string): string[] {
  if (!fs.existsSync(out)) return [];
  const lines: string[] = [];
  for (const f of fs.readdirSync(out, { recursive: true, withFileTypes: true })) {
    if (!f.isFile() || f.name.startsWith('.')) continue;
    const text = fs.readFileSync(path.join(f.parentPath, f.name), 'utf8');
    lines.push(...text.split('\n').filter((l) => l !== ''));
  }
  return lines;
}

/** Checks the output: the input-determined lines exactly, every record flushed from the ListState once. */
function checkOutput(lines: string[]): void {
  const flushes = lines.filter((l) => l.startsWith('f '));
  expect(lines.filter((l) => !l.startsWith('f ')).sort()).toEqual(expectedLines(N));
  expect(flushes.map((l) => Number(l.split(' ')[1])).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
  // processing-time timers did the flushing while the job ran (also after a restore: a timer lost
  // there would leave its key's records to the final flush)
  const atEnd = flushes.filter((l) => l.endsWith(' e')).length;
  expect(atEnd).toBeLessThan(N / 10);
}

/**
 * The job, built on a new environment, with `fn` (a Tally) as its keyed function; `options` go to
 * its configuration (e.g. the savepoint to resume), `restart` sets its fixed-delay restarts.
 */
async function buildJob(
  out: string,
  fn: KeyedProcessFunction<number, number, string>,
  options: Record<string, string> = {},
  restart = { attempts: '3', delay: '1 s' },
): Promise<StreamExecutionEnvironment> {
  const env = await StreamExecutionEnvironment.create({ 'python.fn-execution.bundle.size': '10', ...options });
  env.setParallelism(1);
  env.enableCheckpointing(500);
  env.configure({ 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': restart.attempts, 'restart-strategy.fixed-delay.delay': restart.delay });
  // a job of seconds, so that a kill lands mid-way; an embedded function waits without a timer (its
  // Promise must settle within its call)
  const slow =
    env.functionExecution().mode === 'embedded'
      ? (n: number) => {
          const until = Date.now() + 3;
          while (Date.now() < until);
          return n;
        }
      : async (n: number) => {
          await new Promise((r) => setTimeout(r, 3));
          return n;
        };
  env
    .fromSequence(1, N)
    .map(slow, Types.LONG())
    .uid('slow')
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((n: number) => n))
    .uid('timestamps')
    .keyBy((n: number) => n % 3, Types.LONG())
    .process(fn, Types.STRING())
    .uid('tally')
    .sinkTo(FileSink.forRowFormat(out, new SimpleStringEncoder()).withRollingPolicy(OnCheckpointRollingPolicy.build()).build())
    .uid('files');
  return env;
}

interface Checkpoints {
  counts: { completed: number; restored: number };
  latest: { restored: { id: number } | null };
}

async function checkpoints(job: JobClient): Promise<Checkpoints> {
  return (await (await fetch(`${cluster.restAddress}/jobs/${job.getJobID()}/checkpoints`)).json()) as Checkpoints;
}

const readPid = (pidFile: string) => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) || undefined : undefined);

/** Waits until a quarter of the records are committed (so checkpoints with state exist) and fewer than all. */
async function midway(out: string, job: JobClient): Promise<number> {
  const seen = await until('a quarter of the records committed', async () => {
    const r = committedLines(out).filter((l) => l.startsWith('r ')).length;
    if (r >= N / 4) return r;
    // a job that failed on its own: its cause, not a timeout
    if (['FAILED', 'FINISHED', 'CANCELED'].includes(await job.getJobStatus())) await job.getJobExecutionResult();
    return undefined;
  }, 120_000);
  expect(seen, 'the job was nearly done before the failure: slow the source down').toBeLessThan(N * 0.75);
  return seen;
}

/** Whether a process lives (signal 0 checks without signalling). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A keyed function that throws on each key's fourth record: every attempt of its job fails. */
class ThrowsOnFourth implements KeyedProcessFunction<number, number, string> {
  private count!: ValueState<number>;

  open(ctx: KeyedRuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
  }

  async processElement(n: number, ctx: KeyedProcessFunctionContext<number>, out: Collector<string>): Promise<void> {
    const count = ((await this.count.value()) ?? 0) + 1;
    await this.count.update(count);
    ctx.timerService().registerEventTimeTimer(n + 50);
    if (count > 3) (undefined as unknown as { x: number }).x;
    out.collect(`r ${n} ${count}`);
  }
}

describe('a TS function that throws', () => {
  // A failing task's neighbour in the slot is cancelled while flink-python's flush thread still
  // holds its bundle; flink-python then shut the slot's worker environment down with that bundle
  // open, the flush thread's late release took the reference count below zero, and Flink treated
  // the failed clean-up as fatal for the TaskManager (src/jvm/.../DefaultJobBundleFactory.java).
  // It happened about once in 10-40 failures of this job shape: 80 restarts give it room (and the
  // cluster logs flink-python's slow WARN, which widens the window; test/helpers.ts).
  it('fails its job with the TS error after every restart, and kills no TaskManager', { timeout: 240_000 }, async () => {
    const taskManagers = cluster.pids.filter((p) => p !== cluster.pids[0]);
    expect(taskManagers.every(alive)).toBe(true);
    const env = await buildJob(path.join(tempDir('tsflink-ds-throws-'), 'out'), new ThrowsOnFourth(), {}, { attempts: '80', delay: '100 ms' });
    const job = await env.executeAsync('ds-faults throws');
    // the job's end, or a TaskManager's death (the job would then wait for a slot, or fail for lack of one)
    let watching = true;
    const died = (async () => {
      while (watching) {
        const dead = taskManagers.filter((p) => !alive(p));
        if (dead.length > 0) return dead;
        await new Promise((r) => setTimeout(r, 200));
      }
      return [];
    })();
    const ended = job.getJobExecutionResult().then(
      () => new Error('the job finished'),
      (e: unknown) => e,
    );
    const outcome = await Promise.race([died, ended]);
    watching = false;
    await job.cancel().catch(() => undefined);
    expect(outcome, 'TaskManagers died').not.toBeInstanceOf(Array);
    // the TS error after the last attempt, not "Could not acquire the minimum required resources"
    expect(String(outcome)).toMatch(/TypeError: Cannot read properties of undefined \(reading 'x'\)/);
    const exceptions = (await (await fetch(`${cluster.restAddress}/jobs/${job.getJobID()}/exceptions?maxExceptions=100`)).json()) as { exceptionHistory: { entries: unknown[] } };
    expect(exceptions.exceptionHistory.entries.length, 'the job did not restart').toBeGreaterThan(10);
  });
});

describe('keyed state and timers survive', () => {
  it('a killed Node worker: the job restarts from its checkpoint, output exactly as without the failure', { timeout: 240_000 }, async () => {
    const work = tempDir('tsflink-ds-worker-');
    const out = path.join(work, 'out');
    const pidFile = path.join(work, 'worker.pid');
    const job = await (await buildJob(out, new Tally(pidFile))).executeAsync('ds-faults worker');
    try {
      await midway(out, job);
      const worker = readPid(pidFile)!;
      process.kill(worker, 'SIGKILL');
      await job.getJobExecutionResult();
      expect((await checkpoints(job)).latest.restored, 'the job was not restored from a checkpoint').not.toBeNull();
      expect(readPid(pidFile)).not.toBe(worker);
    } finally {
      await job.cancel().catch(() => undefined);
    }
    checkOutput(committedLines(out));
  });

  it('a killed TaskManager: the job restarts from its checkpoint on the other one, output exactly as without the failure', { timeout: 240_000 }, async () => {
    const work = tempDir('tsflink-ds-tm-');
    const out = path.join(work, 'out');
    const pidFile = path.join(work, 'worker.pid');
    const job = await (await buildJob(out, new Tally(pidFile))).executeAsync('ds-faults taskmanager');
    try {
      await midway(out, job);
      const worker = readPid(pidFile)!;
      const tm = taskManagerOf(worker, cluster);
      expect(cluster.pids).toContain(tm);
      process.kill(tm, 'SIGKILL');
      // the job runs on: a worker of the other TaskManager takes over (asked while it lives)
      const next = await until('a worker after the restart', () => {
        const p = readPid(pidFile);
        return p !== undefined && p !== worker ? p : undefined;
      }, 120_000);
      expect(taskManagerOf(next, cluster)).not.toBe(tm);
      await job.getJobExecutionResult();
      expect((await checkpoints(job)).latest.restored, 'the job was not restored from a checkpoint').not.toBeNull();
    } finally {
      await job.cancel().catch(() => undefined);
    }
    checkOutput(committedLines(out));
  });
});

describe('keyed state and timers of embedded functions survive', () => {
  // embedded mode (docs/datastream.md § Embedded mode): the map and the KeyedProcessFunction run in
  // Node.js inside the TaskManager (the node engine: Tally writes its pid, the TaskManager's), their
  // state and timers Flink's own; the timestamp assigner runs in process mode in the same job
  it('a killed TaskManager: the job restarts from its checkpoint on the other one, output exactly as without the failure', { timeout: 240_000 }, async () => {
    const work = tempDir('tsflink-ds-embedded-tm-');
    const out = path.join(work, 'out');
    const pidFile = path.join(work, 'tm.pid');
    const embedded = { 'tsflink.udf.execution-mode': 'embedded', 'tsflink.udf.embedded-engine': 'node' };
    const job = await (await buildJob(out, new Tally(pidFile), embedded)).executeAsync('ds-faults embedded taskmanager');
    try {
      await midway(out, job);
      const tm = readPid(pidFile)!;
      expect(cluster.pids, 'the embedded function did not run in a TaskManager').toContain(tm);
      process.kill(tm, 'SIGKILL');
      const next = await until('the function on the other TaskManager', () => {
        const p = readPid(pidFile);
        return p !== undefined && p !== tm ? p : undefined;
      }, 120_000);
      expect(cluster.pids).toContain(next);
      await job.getJobExecutionResult();
      expect((await checkpoints(job)).latest.restored, 'the job was not restored from a checkpoint').not.toBeNull();
    } finally {
      await job.cancel().catch(() => undefined);
    }
    checkOutput(committedLines(out));
  });
});

describe('a savepoint', () => {
  it('stop-with-savepoint mid-way, then a new job resumed from it: together, output exactly as one run', { timeout: 240_000 }, async () => {
    const work = tempDir('tsflink-ds-savepoint-');
    const out = path.join(work, 'out');
    const first = await (await buildJob(out, new Tally(path.join(work, 'first.pid')))).executeAsync('ds-faults before the savepoint');
    await midway(out, first);
    const savepoint = await first.stopWithSavepoint(false, `file://${path.join(work, 'savepoints')}`);
    expect(await first.getJobStatus()).toBe('FINISHED');
    const before = committedLines(out).filter((l) => l.startsWith('r ')).length;
    expect(before).toBeLessThan(N); // stopped mid-way, not after the end

    const second = await (await buildJob(out, new Tally(path.join(work, 'second.pid')), { 'execution.savepoint.path': savepoint })).executeAsync('ds-faults resumed');
    await second.getJobExecutionResult();
    expect((await checkpoints(second)).latest.restored, 'the resumed job did not restore the savepoint').not.toBeNull();
    checkOutput(committedLines(out));
  });
});
