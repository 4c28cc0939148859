/**
 * The DataStream API on the real mini-cluster: the Java DataStream graph is built through the
 * gateway and TS functions run in the Node worker under flink-python's process operators. The
 * functions embedded mode also runs (map, filter, flatMap, process, keyBy, keyed process, reduce,
 * their keyed state and timers) are tested in both modes, with the same expectations.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DefaultRollingPolicy,
  FileSink,
  OutputFileConfig,
  SimpleStringEncoder,
  FlinkError,
  ListStateDescriptor,
  MapStateDescriptor,
  Session,
  sessionLogFile,
  StreamExecutionEnvironment,
  Types,
  ValueStateDescriptor,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  OutputTag,
  type ProcessWindowFunctionContext,
  type TimeWindow,
  type KeyedRuntimeContext,
  type ListState,
  type MapState,
  type ProcessFunction,
  type ValueState,
  type KeyedProcessFunction,
} from '../src/index';

let env: StreamExecutionEnvironment;
const MODES = ['process', 'embedded'] as const;
type Mode = (typeof MODES)[number];
const envs = {} as Record<Mode, StreamExecutionEnvironment>;
const modeOption = (mode: Mode) => ({ 'tsflink.udf.execution-mode': mode });

beforeAll(async () => {
  env = envs.process = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none' });
  envs.embedded = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', ...modeOption('embedded') });
});

/** A describe run once per mode, its tests' `env` the mode's environment. */
function describeInBothModes(title: string, body: (mode: Mode) => void): void {
  describe.each(MODES)(`${title} (%s mode)`, (mode) => body(mode));
}

afterAll(async () => {
  await (await Session.running())?.close();
});

const sorted = <T>(xs: T[]): T[] => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

describe('sources and collect', () => {
  it('fromSequence through Java only, collected as an AsyncIterable', async () => {
    const out: number[] = [];
    for await (const v of env.fromSequence(1, 5).executeAndCollect()) out.push(v);
    expect(out.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fromCollection of JS values round-trips untyped and typed records', async () => {
    const values = [{ a: 1, tags: ['x'] }, { a: 2, when: new Date(0) }, 'text', 7n];
    expect(await env.fromCollection(values).collect()).toEqual(values);
    const rows = [{ name: 'a', n: 1 }, { name: 'b', n: 2 }];
    const t = Types.ROW_NAMED(['name', 'n'], [Types.STRING(), Types.LONG()]);
    expect(await env.fromCollection(rows, t).collect()).toEqual(rows);
  });
});

describeInBothModes('TS functions', (mode) => {
  let env!: StreamExecutionEnvironment;
  beforeAll(() => {
    env = envs[mode];
  });

  it('map, filter and flatMap, untyped and typed', async () => {
    const out = await env
      .fromElements(1, 2, 3, 4, 5)
      .map((x) => ({ x, sq: x * x }))
      .filter((r) => r.sq % 2 === 1)
      .flatMap((r, out) => {
        out.collect(`${r.x}`);
        return [r.sq];
      })
      .collect();
    expect(sorted(out)).toEqual(sorted(['1', 1, '3', 9, '5', 25]));
    const typed = await env.fromSequence(1, 4).map((n) => `n=${n * 10}`, Types.STRING()).name('tens').uid('tens').setParallelism(2).collect();
    expect(typed.sort()).toEqual(['n=10', 'n=20', 'n=30', 'n=40']);
  });

  it('typed ROW records: fields by name, a LONG field a number where exact, a null field null; TUPLE records arrays', async () => {
    const rowType = Types.ROW_NAMED(['id', 'name', 'score'], [Types.LONG(), Types.STRING(), Types.DOUBLE()]);
    const rows = env.fromCollection([{ id: 1, name: 'ann', score: 0.5 }, { id: 2, name: null, score: 2 }], rowType);
    const seen = await rows.map((r) => `${typeof r.id} ${r.id} ${r.name} ${r.score}`, Types.STRING()).collect();
    expect(seen.sort()).toEqual(['number 1 ann 0.5', 'number 2 null 2']);
    const pairs = env.fromElements(3).map((n: number) => [`n${n}`, n * 2] as [string, number], Types.TUPLE<[string, number]>([Types.STRING(), Types.INT()]));
    expect(await pairs.map(([s, n]) => `${s}:${n + 1}`, Types.STRING()).collect()).toEqual(['n3:7']);
  });

  it('a ProcessFunction class with open() and union of two streams', async () => {
    class Tag implements ProcessFunction<number, string> {
      private prefix = '';
      open(): void {
        this.prefix = 'p';
      }
      processElement(value: number, _ctx: unknown, out: { collect(s: string): void }): void {
        out.collect(`${this.prefix}${value}`);
      }
    }
    const a = env.fromElements(1, 2);
    const b = env.fromElements(3);
    expect((await a.union(b).process(new Tag(), Types.STRING()).collect()).sort()).toEqual(['p1', 'p2', 'p3']);
  });

  it('a throwing map fails the job with the TS message and line; the session survives', async () => {
    const failing = env.fromElements(1, 2, 3).map((x) => {
      if (x === 2) throw new Error('no twos here');
      return x;
    });
    let err: unknown;
    try {
      await failing.collect();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlinkError);
    expect(String((err as Error).message)).toContain('no twos here');
    expect(String((err as Error).message)).toMatch(/datastream\.test\.ts:\d+/);
    expect(await env.fromElements(5).map((x) => x + 1).collect()).toEqual([6]);
  });
});

describe('environment options and sinks', () => {
  it('execute() runs a print() job with checkpointing on to its end; checkpoints were taken', async () => {
    const ckEnv = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none' });
    ckEnv.enableCheckpointing(100).setParallelism(1);
    ckEnv
      .fromSequence(1, 30)
      .map((n) => {
        const until = Date.now() + 40; // slow enough for a few checkpoint intervals
        while (Date.now() < until);
        return n;
      })
      .print();
    const result = await ckEnv.execute('print with checkpoints');
    expect(result.jobId).toMatch(/^[0-9a-f]{32}$/);
    const jobs = await env.session.listJobs();
    expect(jobs.find((j) => j.jid === result.jobId)?.state).toBe('FINISHED');
    const ck = (await (await fetch(`${env.session.restAddress}/jobs/${result.jobId}/checkpoints`)).json()) as { counts: { completed: number } };
    expect(ck.counts.completed).toBeGreaterThanOrEqual(1);
  });

  it('FileSink writes untyped records as JSON lines; executeAsync() gives a JobClient; configure() sets the restart strategy', async () => {
    const fsEnv = await StreamExecutionEnvironment.create();
    fsEnv.setParallelism(1).enableCheckpointing(200, 'AT_LEAST_ONCE');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-filesink-'));
    const rolling = DefaultRollingPolicy.builder().withMaxPartSize(1024 * 1024).withRolloverInterval(60_000).withInactivityInterval(60_000).build();
    fsEnv
      .fromElements({ a: 1 }, { a: 2 })
      .sinkTo(FileSink.forRowFormat(out, new SimpleStringEncoder()).withRollingPolicy(rolling).withOutputFileConfig(OutputFileConfig.builder().withPartPrefix('ds').withPartSuffix('.jsonl').build()).build())
      .name('files')
      .uid('files');
    const job = await fsEnv.executeAsync('file sink');
    expect((await job.getJobExecutionResult()).jobId).toBe(job.getJobID());
    expect(await job.getJobStatus()).toBe('FINISHED');
    const files = fs.readdirSync(out, { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && !f.name.startsWith('.'));
    expect(files.map((f) => f.name).every((n) => /^ds-.+\.jsonl$/.test(n))).toBe(true);
    const lines = files.flatMap((f) => fs.readFileSync(path.join(f.parentPath, f.name), 'utf8').split('\n').filter(Boolean));
    expect(lines.sort()).toEqual(['{"a":1}', '{"a":2}']);

    // with checkpointing on, Flink restarts a failing job without end; configure() makes it fail at once
    const failing = await StreamExecutionEnvironment.create();
    failing.enableCheckpointing(200).configure({ 'restart-strategy.type': 'none' });
    failing.fromElements(1).map(() => {
      throw new Error('no restart wanted');
    }).print();
    const failed = await failing.executeAsync('fails once');
    await expect(failed.getJobExecutionResult()).rejects.toThrow(/no restart wanted/);
    expect(() => failing.enableCheckpointing(100, 'SOMETIMES' as 'EXACTLY_ONCE')).toThrow(/EXACTLY_ONCE or AT_LEAST_ONCE/);
  });

  it('BATCH runtime mode runs TS functions too', async () => {
    const batch = await StreamExecutionEnvironment.create();
    batch.setRuntimeMode('BATCH');
    const out = await batch.fromSequence(1, 3).map((n) => n * 2, Types.LONG()).collect();
    expect(out.sort()).toEqual([2, 4, 6]);
  });

  it('bad arguments fail at once, naming the cause', () => {
    expect(() => env.setParallelism(0)).toThrow(/parallelism must be a positive integer/);
    expect(() => env.fromCollection([])).toThrow(/at least one/);
    expect(() => env.fromCollection([{ n: 1 }, { n: 'x' }], Types.ROW_NAMED(['n'], [Types.LONG()]))).toThrow("element 1: field 'n': 'x' (string) is not a LONG");
  });
});

describeInBothModes('map, filter and flatMap on a KeyedStream', (mode) => {
  let env!: StreamExecutionEnvironment;
  beforeAll(() => {
    env = envs[mode];
  });

  it('run as keyed functions on the record (not the Row(key, record) pair)', async () => {
    const keyed = env.fromElements(1, 2, 3, 4, 5, 6).keyBy((n: number) => (n % 2 === 0 ? 'even' : 'odd'));
    const byNumber = (a: number, b: number) => a - b;
    expect((await keyed.map((n) => n * 10, Types.LONG()).collect()).sort(byNumber)).toEqual([10, 20, 30, 40, 50, 60]);
    expect((await keyed.filter((n) => n > 3).collect()).sort(byNumber)).toEqual([4, 5, 6]);
    const flat = await keyed
      .flatMap((n: number, out) => {
        if (n <= 2) out.collect(-n);
        return [n];
      })
      .collect();
    expect(flat.sort(byNumber)).toEqual([-2, -1, 1, 2, 3, 4, 5, 6]);
  });

  it('LONG records and keys of a keyed stream are numbers, as on an unkeyed one', async () => {
    const keyed = env.fromSequence(1, 6).keyBy((n: number) => n % 2, Types.LONG());
    // a bigint here would match neither === 3 nor typeof 'number'
    expect((await keyed.filter((n) => n === 3 || n === 4).collect()).sort()).toEqual([3, 4]);
    const seen = await keyed.process({ processElement: (n: number, ctx) => [`${typeof n} ${typeof ctx.getCurrentKey()}`] }, Types.STRING()).collect();
    expect(new Set(seen)).toEqual(new Set(['number number']));
    expect((await keyed.reduce((a, b) => a + b).collect()).sort((a, b) => a - b)).toEqual([1, 2, 4, 6, 9, 12]);
  });
});

describeInBothModes('keyed state', (mode) => {
  let env!: StreamExecutionEnvironment;
  beforeAll(() => {
    env = envs[mode];
  });

  it('running counts per key with a ValueState (KeyedProcessFunction class)', async () => {
    class Count {
      private count!: ValueState<number>;
      open(ctx: KeyedRuntimeContext): void {
        this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
      }
      async processElement(word: string, ctx: { getCurrentKey(): unknown }): Promise<string[]> {
        const n = ((await this.count.value()) ?? 0) + 1;
        await this.count.update(n);
        return [`${String(ctx.getCurrentKey())}=${n}`];
      }
    }
    const words = ['a', 'b', 'a', 'c', 'a', 'b'];
    const out = await env.fromCollection(words).keyBy((w) => w).process(new Count(), Types.STRING()).collect();
    // parallelism 1: records keep their order
    expect(out).toEqual(['a=1', 'b=1', 'a=2', 'c=1', 'a=3', 'b=2']);
  });

  it('reduce keeps a running result per key', async () => {
    const out = await env.fromElements(1, 2, 3, 4, 5, 6).keyBy((x) => (x % 2 === 0 ? 'even' : 'odd')).reduce((a, b) => a + b).collect();
    expect(out).toEqual([1, 2, 4, 6, 9, 12]);
  });

  it('ListState and MapState per key', async () => {
    const fn = {
      seen: undefined as ListState<number> | undefined,
      counts: undefined as MapState<string, number> | undefined,
      open(ctx: KeyedRuntimeContext) {
        this.seen = ctx.getListState(new ListStateDescriptor<number>('seen'));
        this.counts = ctx.getMapState(new MapStateDescriptor<string, number>('counts'));
      },
      async processElement(v: { user: string; n: number; kind: string }, _ctx: unknown, out: { collect(x: unknown): void }) {
        await this.seen!.add(v.n);
        const c = ((await this.counts!.get(v.kind)) ?? 0) + 1;
        await this.counts!.put(v.kind, c);
        if (v.kind === 'reset') await this.counts!.remove('click');
        out.collect({ user: v.user, seen: await this.seen!.get(), kind: v.kind, count: c, clicks: (await this.counts!.get('click')) ?? 0 });
      },
    };
    const events = [
      { user: 'u1', n: 1, kind: 'click' },
      { user: 'u2', n: 2, kind: 'click' },
      { user: 'u1', n: 3, kind: 'click' },
      { user: 'u1', n: 4, kind: 'reset' },
      { user: 'u2', n: 5, kind: 'view' },
    ];
    const out = await env.fromCollection(events).keyBy((e) => e.user).process(fn).collect();
    expect(out).toEqual([
      { user: 'u1', seen: [1], kind: 'click', count: 1, clicks: 1 },
      { user: 'u2', seen: [2], kind: 'click', count: 1, clicks: 1 },
      { user: 'u1', seen: [1, 3], kind: 'click', count: 2, clicks: 2 },
      { user: 'u1', seen: [1, 3, 4], kind: 'reset', count: 1, clicks: 0 },
      { user: 'u2', seen: [2, 5], kind: 'view', count: 1, clicks: 1 },
    ]);
  });

  it('a throwing keyed function fails the job with its message and line', async () => {
    let err: unknown;
    try {
      await env
        .fromElements('x', 'y')
        .keyBy((s) => s)
        .process({
          processElement(v: string) {
            if (v === 'y') throw new RangeError(`bad key ${v}`);
            return [v];
          },
        })
        .collect();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlinkError);
    expect((err as Error).message).toContain('RangeError: bad key y');
    expect((err as Error).message).toMatch(/datastream\.test\.ts:\d+/);
  });
});

describeInBothModes('timers', (mode) => {
  let env!: StreamExecutionEnvironment;
  beforeAll(() => {
    env = envs[mode];
  });

  it('event-time timers fire with onTimer (at the end of a bounded input the watermark reaches the end of time)', async () => {
    const fn: KeyedProcessFunction<string, { user: string; amount: number }, string> = {
      total: undefined as ValueState<number> | undefined,
      open(ctx: KeyedRuntimeContext) {
        (this as { total?: ValueState<number> }).total = ctx.getState(new ValueStateDescriptor<number>('total'));
      },
      async processElement(v, ctx) {
        const self = this as unknown as { total: ValueState<number> };
        await self.total.update(((await self.total.value()) ?? 0) + v.amount);
        ctx.timerService().registerEventTimeTimer(1000);
        if (v.amount < 0) ctx.timerService().deleteEventTimeTimer(1000);
      },
      async onTimer(ts, ctx, out) {
        const self = this as unknown as { total: ValueState<number> };
        out.collect(`${ctx.getCurrentKey()} ${ctx.timeDomain()} ${ts}: ${await self.total.value()}`);
      },
    } as KeyedProcessFunction<string, { user: string; amount: number }, string>;
    const events = [
      { user: 'ann', amount: 5 },
      { user: 'bob', amount: 7 },
      { user: 'ann', amount: 10 },
      { user: 'cy', amount: 1 },
      { user: 'cy', amount: -1 },
    ];
    const out = await env.fromCollection(events).keyBy((e) => e.user).process(fn, Types.STRING()).collect();
    // cy deleted its timer
    expect(out.sort()).toEqual(['ann EVENT_TIME 1000: 15', 'bob EVENT_TIME 1000: 7']);
  });

  it('a timer of a function without onTimer does nothing when it fires, as in Java', async () => {
    const noTimerFn = {
      processElement(v: number, ctx: { timerService(): { registerEventTimeTimer(t: number): void } }) {
        ctx.timerService().registerEventTimeTimer(500);
        return [v * 10];
      },
    };
    const out = await env.fromElements(1, 2, 3).keyBy((n) => n % 2).process(noTimerFn, Types.INT()).collect();
    expect(out.sort((a, b) => a - b)).toEqual([10, 20, 30]);
  });
});

describeInBothModes('processing-time timers', (mode) => {
  let env!: StreamExecutionEnvironment;
  beforeAll(() => {
    env = envs[mode];
  });

  it('fire while the job runs, once per key', async () => {
    class Alarm {
      private armed!: ValueState<boolean>;
      open(ctx: KeyedRuntimeContext): void {
        this.armed = ctx.getState(new ValueStateDescriptor<boolean>('armed'));
      }
      async processElement(_n: number, ctx: { timerService(): { currentProcessingTime(): number; registerProcessingTimeTimer(t: number): void } }): Promise<void> {
        if (await this.armed.value()) return;
        await this.armed.update(true);
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 100);
      }
      onTimer(_ts: number, ctx: { getCurrentKey(): unknown; timeDomain(): string }): string[] {
        return [`${String(ctx.getCurrentKey())} ${ctx.timeDomain()}`];
      }
    }
    // the source runs for about 3 s, long after the timers are due; one-element bundles, so the
    // busy map (in the same worker process) does not hold back the keyed function's bundles
    const pEnv = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'python.fn-execution.bundle.size': '1', ...modeOption(mode) });
    const slow = pEnv.fromSequence(1, 80).map((n) => {
      const until = Date.now() + 40;
      while (Date.now() < until);
      return n;
    });
    const out = await slow.keyBy((n) => n % 2).process(new Alarm(), Types.STRING()).collect();
    expect(out.sort()).toEqual(['0 PROCESSING_TIME', '1 PROCESSING_TIME']);
  });
});

describeInBothModes('side outputs', (mode) => {
  let env!: StreamExecutionEnvironment;
  beforeAll(() => {
    env = envs[mode];
  });

  it('a ProcessFunction and a KeyedProcessFunction send records to OutputTags, read with getSideOutput', async () => {
    const odd = new OutputTag<string>('odd', Types.STRING());
    const big = new OutputTag<{ n: number }>('big');
    const main = env.fromElements(1, 2, 3, 4, 5).process({
      processElement(n: number, ctx, out) {
        if (n % 2 === 1) ctx.output(odd, `odd ${n}`);
        if (n > 3) ctx.output(big, { n });
        out.collect(n * 10);
      },
    });
    // one job per collect: each reads the stream it asks for
    expect((await main.collect()).sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50]);
    expect((await main.getSideOutput(odd).collect()).sort()).toEqual(['odd 1', 'odd 3', 'odd 5']);
    expect((await main.getSideOutput(big).collect()).sort((a, b) => a.n - b.n)).toEqual([{ n: 4 }, { n: 5 }]);

    const late = new OutputTag<string>('repeat', Types.STRING());
    const keyed = env
      .fromElements('a', 'b', 'a', 'a')
      .keyBy((s: string) => s)
      .process({
        seen: undefined as ValueState<boolean> | undefined,
        open(ctx: KeyedRuntimeContext) {
          (this as { seen?: ValueState<boolean> }).seen = ctx.getState(new ValueStateDescriptor<boolean>('seen'));
        },
        async processElement(s: string, ctx, out) {
          const self = this as unknown as { seen: ValueState<boolean> };
          if (await self.seen.value()) ctx.output(late, `again ${s}`);
          else out.collect(s);
          await self.seen.update(true);
        },
      } as KeyedProcessFunction<string, string, string>, Types.STRING());
    expect((await keyed.getSideOutput(late).collect()).sort()).toEqual(['again a', 'again a']);
  });
});

describe('embedded mode: what it refuses, and why', () => {
  /** The job's failure (a FlinkError), or undefined if it ran. */
  const failureOf = async (run: () => Promise<unknown>): Promise<Error | undefined> => {
    try {
      await run();
    } catch (e) {
      return e as Error;
    }
    return undefined;
  };
  const embedded = () => envs.embedded;

  it('untyped values JSON cannot keep (bigint, Date) need the node engine or a type: named with the fix', async () => {
    const read = await failureOf(() => embedded().fromCollection([1n]).map((x) => String(x), Types.STRING()).collect());
    expect(read?.message).toMatch(/untyped record holds a value only V8's serialization keeps .*give the stream a type \(Types\.\*\)/);
    const written = await failureOf(() => embedded().fromElements(1).map((n) => new Date(n)).collect());
    expect(written?.message).toContain("its result: a Date object needs V8's serialization, which embedded mode's v8 engine does not have");
    // typed, the same values pass (a LONG beyond 2^53 is a bigint, as in process mode)
    const big = embedded().fromElements(1).map(() => 2n ** 60n, Types.LONG());
    expect(await big.map((n) => `${typeof n} ${n}`, Types.STRING()).collect()).toEqual(['bigint 1152921504606846976']);
  });

  it('a Promise that does not settle within the call, and a result not of the declared type, fail the job naming them', async () => {
    const pending = await failureOf(() => embedded().fromElements(1).map(() => new Promise<number>(() => undefined), Types.INT()).collect());
    expect(pending).toBeInstanceOf(FlinkError);
    expect(pending?.message).toContain("returned a Promise that did not settle within the call");
    const wrong = await failureOf(() => embedded().fromElements('a').map((s: string) => ({ n: s }), Types.ROW_NAMED(['n'], [Types.LONG()])).collect());
    expect(wrong?.message).toContain("its result: field 'n': 'a' (string) is not a LONG");
    const nullRecord = await failureOf(() => embedded().fromElements(1).map(() => null, Types.LONG()).collect());
    expect(nullRecord?.message).toContain("a null record, and Flink's LONG records cannot be null");
    // the session goes on
    expect(await embedded().fromElements(2).map((n) => n + 1, Types.LONG()).collect()).toEqual([3]);
  });

  it('leaving executeAndCollect() early cancels the job mid-stream (the runtime closed from the task), and the session runs the next job', async () => {
    const endless = embedded()
      .fromSequence(1, 1e12)
      .keyBy((n: number) => n % 7, Types.LONG())
      .reduce((a, b) => a + b);
    const taskManagerFailures = () => (fs.readFileSync(sessionLogFile()!, 'utf8').match(/TaskManager #\d+ failed/g) ?? []).length;
    const failuresBefore = taskManagerFailures();
    const seen: number[] = [];
    for await (const v of endless.executeAndCollect('endless embedded')) {
      seen.push(v);
      if (seen.length === 50) break;
    }
    expect(seen).toHaveLength(50);
    const session = (await Session.running())!;
    await expect.poll(async () => (await session.listJobs()).find((j) => j.name === 'endless embedded')?.state, { timeout: 30_000 }).toBe('CANCELED');
    expect(await embedded().fromElements(1, 2).map((n) => n * 2, Types.LONG()).collect()).toEqual([2, 4]);
    expect(taskManagerFailures()).toBe(failuresBefore);
  });

  it('an npm package the function uses is bundled into its runtime', async () => {
    // d3-format: a pure-JS ESM package from node_modules (the v8 engine has no require of its own)
    const { format } = (await import('d3-format' as string)) as { format(spec: string): (n: number) => string };
    expect(await embedded().fromElements(1234.5, 2).map((x: number) => format('$,.2f')(x), Types.STRING()).collect()).toEqual(['$1,234.50', '$2.00']);
  });

  it("the node engine cannot run inside the session's own mini-cluster: said, with what to do", async () => {
    const env = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', ...modeOption('embedded'), 'tsflink.udf.embedded-engine': 'node' });
    const e = await failureOf(() => env.fromElements(1).map((n) => n, Types.LONG()).collect());
    expect(e?.message).toMatch(/node engine cannot start inside a Node\.js process.*use engine 'v8', or run the job on a standalone cluster/s);
    await expect(StreamExecutionEnvironment.create({ 'tsflink.udf.embedded-engine': 'deno' }).then((x) => x.fromElements(1).map((n) => n))).rejects.toThrow("tsflink.udf.embedded-engine must be 'v8' or 'node', got 'deno'");
  });
});

describeInBothModes('keyed state outside a KeyedStream', (mode) => {
  it('is refused in open(ctx), naming keyBy', async () => {
    const e = await (async () => {
      try {
        await envs[mode]
          .fromElements(1)
          .process({
            open(ctx: KeyedRuntimeContext) {
              ctx.getState(new ValueStateDescriptor('nope'));
            },
            processElement: (n: number) => [n],
          })
          .collect();
      } catch (err) {
        return err as Error;
      }
    })();
    expect(e?.message).toContain('getState: keyed state is only available on a KeyedStream (keyBy(...) first)');
  });
});

describeInBothModes('connect', (mode) => {
  let env!: StreamExecutionEnvironment;
  beforeAll(() => {
    env = envs[mode];
  });

  it('CoMap, CoFlatMap and CoProcess over two streams of different types', async () => {
    const numbers = env.fromElements(1, 2, 3);
    const words = env.fromElements('x', 'yy');
    const mapped = await numbers.connect(words).map({ map1: (n: number) => `n${n * 10}`, map2: (w: string) => `w${w.length}` }, Types.STRING()).collect();
    expect(mapped.sort()).toEqual(['n10', 'n20', 'n30', 'w1', 'w2']);
    const flat = await numbers
      .connect(words)
      .flatMap({
        flatMap1: (n: number, out) => {
          for (let i = 0; i < n; i++) out.collect(n);
        },
        flatMap2: (w: string) => [w.length * 100],
      })
      .collect();
    expect(flat.sort((a, b) => a - b)).toEqual([1, 2, 2, 3, 3, 3, 100, 200]);
    const processed = await numbers
      .connect(words)
      .process({
        processElement1: (n: number, ctx, out) => out.collect(`first ${n} ts=${ctx.timestamp()}`),
        processElement2: (w: string, _ctx, out) => out.collect(`second ${w}`),
      })
      .collect();
    expect(processed.sort()).toEqual(['first 1 ts=null', 'first 2 ts=null', 'first 3 ts=null', 'second x', 'second yy']);
  });

  it('map and flatMap on keyed connected streams: the records (not the key pairs), under their key, with keyed state', async () => {
    class CountBoth {
      private seen!: ValueState<number>;
      open(ctx: KeyedRuntimeContext): void {
        this.seen = ctx.getState(new ValueStateDescriptor<number>('seen'));
      }
      private async bump(): Promise<number> {
        const n = ((await this.seen.value()) ?? 0) + 1;
        await this.seen.update(n);
        return n;
      }
      async map1(w: string): Promise<string> {
        return `${w} ${await this.bump()}`;
      }
      async map2(n: number): Promise<string> {
        return `${'x'.repeat(n)} ${await this.bump()}`;
      }
    }
    // keyed by the word, and by a string of n x's: both inputs share one count per key
    const words = env.fromElements('x', 'xx', 'x').keyBy((w: string) => w);
    const lengths = env.fromElements(1, 3).keyBy((n: number) => 'x'.repeat(n));
    const mapped = await words.connect(lengths).map(new CountBoth(), Types.STRING()).collect();
    // per key the counts 1..n in some order of the two inputs
    expect(mapped.sort()).toEqual(['x 1', 'x 2', 'x 3', 'xx 1', 'xxx 1']);
    const flat = await words
      .connect(lengths)
      .flatMap({ flatMap1: (w: string, out) => out.collect(`w:${w}`), flatMap2: (n: number, out) => [n, n].forEach((m) => out.collect(`n:${m}`)) }, Types.STRING())
      .collect();
    expect(flat.sort()).toEqual(['n:1', 'n:1', 'n:3', 'n:3', 'w:x', 'w:x', 'w:xx']);
    expect(() => words.connect(env.fromElements(1)).map({ map1: (w: string) => w, map2: (n: number) => String(n) })).toThrow('connect a keyed stream with a keyed stream (or neither)');
  });

  it('a KeyedCoProcessFunction joins two keyed streams on shared keyed state, with a timer', async () => {
    interface Order {
      user: string;
      item: string;
    }
    interface User {
      id: string;
      name: string;
    }
    class Join {
      private name!: ValueState<string>;
      private pending!: ListState<string>;
      open(ctx: KeyedRuntimeContext): void {
        this.name = ctx.getState(new ValueStateDescriptor<string>('name'));
        this.pending = ctx.getListState(new ListStateDescriptor<string>('pending'));
      }
      async processElement1(o: Order): Promise<string[]> {
        const name = await this.name.value();
        if (name !== null) return [`${name} bought ${o.item}`];
        await this.pending.add(o.item); // the user's name has not arrived yet
        return [];
      }
      async processElement2(u: User, ctx: { timerService(): { registerEventTimeTimer(t: number): void } }): Promise<string[]> {
        await this.name.update(u.name);
        ctx.timerService().registerEventTimeTimer(42);
        const items = await this.pending.get();
        await this.pending.clear();
        return items.map((i) => `${u.name} bought ${i}`);
      }
      async onTimer(ts: number, ctx: { getCurrentKey(): unknown }): Promise<string[]> {
        return [`timer ${ts} for ${String(ctx.getCurrentKey())}: ${await this.name.value()}`];
      }
    }
    const orders = env.fromCollection<Order>([
      { user: 'u1', item: 'book' },
      { user: 'u2', item: 'pen' },
      { user: 'u1', item: 'lamp' },
      { user: 'u3', item: 'cup' },
    ]);
    const users = env.fromCollection<User>([
      { id: 'u1', name: 'Ann' },
      { id: 'u2', name: 'Bob' },
    ]);
    const out = await orders
      .connect(users)
      .keyBy((o) => o.user, (u) => u.id)
      .process(new Join(), Types.STRING())
      .collect();
    // u3 never gets a name: its order stays pending
    expect(out.sort()).toEqual(['Ann bought book', 'Ann bought lamp', 'Bob bought pen', 'timer 42 for u1: Ann', 'timer 42 for u2: Bob']);
    expect(() => orders.connect(users.keyBy((u) => u.id)).process(new Join())).toThrow(/keyed stream with a keyed stream/);
  });
});

describe('partitioning', () => {
  it('broadcast, global, rebalance, shuffle, rescale and forward send records to the subtasks they name', async () => {
    /** Tags each record with the index of the subtask that saw it. */
    class Where {
      private index = -1;
      open(ctx: { getIndexOfThisSubtask(): number }): void {
        this.index = ctx.getIndexOfThisSubtask();
      }
      processElement(v: number): [number, number][] {
        return [[this.index, v]];
      }
    }
    const p2 = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '2' });
    const one = () => p2.fromElements(1, 2, 3, 4, 5, 6, 7, 8); // a source of parallelism 1
    const values = [1, 2, 3, 4, 5, 6, 7, 8];
    const byValue = (a: [number, number], b: [number, number]) => a[1] - b[1] || a[0] - b[0];

    const broadcast = (await one().broadcast().process(new Where()).collect()).sort(byValue);
    expect(broadcast).toEqual(values.flatMap((v) => [[0, v], [1, v]]));
    const global = (await one().global().process(new Where()).collect()).sort(byValue);
    expect(global).toEqual(values.map((v) => [0, v]));
    // round-robin: consecutive records alternate between the two subtasks
    const rebalanced = (await one().rebalance().process(new Where()).collect()).sort(byValue);
    expect(rebalanced.map(([, v]) => v)).toEqual(values);
    for (let i = 1; i < rebalanced.length; i++) expect(rebalanced[i][0]).not.toBe(rebalanced[i - 1][0]);
    for (const stream of [one().shuffle(), one().rescale(), p2.fromSequence(1, 8).forward()]) {
      const out = (await stream.process(new Where()).collect()).sort(byValue);
      expect(out.map(([, v]) => v)).toEqual(values);
      for (const [i] of out) expect([0, 1]).toContain(i);
    }
  });
});

describe('the README tour', () => {
  it('runs the README examples with the results they show', async () => {
    const words = env
      .fromElements('to be', 'or not', 'to be')
      .flatMap((line: string) => line.split(' '))
      .filter((w) => w !== 'not')
      .map((w) => w.toUpperCase(), Types.STRING());
    const seen: string[] = [];
    for await (const w of words.executeAndCollect()) seen.push(w);
    expect(seen.sort()).toEqual(['BE', 'BE', 'OR', 'TO', 'TO']);

    class Count {
      private count!: ValueState<number>;
      open(ctx: KeyedRuntimeContext): void {
        this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
      }
      async processElement(w: string): Promise<string[]> {
        const n = ((await this.count.value()) ?? 0) + 1; // state lives in Flink, per key
        await this.count.update(n);
        return [`${w}=${n}`];
      }
    }
    const counts = env.fromElements('a', 'b', 'a').keyBy((w: string) => w).process(new Count());
    expect(await counts.collect()).toEqual(['a=1', 'b=1', 'a=2']);

    const sales = [{ shop: 'a', amount: 1, at: 100 }, { shop: 'a', amount: 2, at: 900 }, { shop: 'a', amount: 4, at: 1100 }];
    const perSecond = env
      .fromCollection(sales)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<(typeof sales)[0]>().withTimestampAssigner((s) => s.at))
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce(
        (a, b) => ({ ...a, amount: a.amount + b.amount }),
        (shop: string, ctx: ProcessWindowFunctionContext<TimeWindow>, [total]: (typeof sales)[number][]) => [`${shop} ${ctx.window().start}: ${total.amount}`],
      );
    expect(await perSecond.collect()).toEqual(['a 0: 3', 'a 1000: 4']);
  });
});

