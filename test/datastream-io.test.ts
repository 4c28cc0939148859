/**
 * Flink's own sources and sinks (fromSource / sinkTo), broadcast state and partitionCustom in the
 * TS DataStream API, on the real mini-cluster; files in a temporary directory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BasePathBucketAssigner,
  DataGeneratorSource,
  DateTimeBucketAssigner,
  DefaultRollingPolicy,
  FileSink,
  FileSource,
  MapStateDescriptor,
  NumberSequenceSource,
  OnCheckpointRollingPolicy,
  OutputFileConfig,
  ParquetBulkWriters,
  ParquetColumnarRowInputFormat,
  RateLimiterStrategy,
  Session,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  TextLineInputFormat,
  Types,
  ValueStateDescriptor,
  WatermarkStrategy,
  type BroadcastProcessFunction,
  type DataStream,
  type KeyedBroadcastProcessFunction,
  type KeyedRuntimeContext,
  type ValueState,
} from '../src/index';

let env: StreamExecutionEnvironment;
let dir: string;

beforeAll(async () => {
  env = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none' });
  dir = mkdtempSync(join(tmpdir(), 'tsflink-dsio-'));
});

afterAll(async () => {
  await (await Session.running())?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under a directory (recursively), relative names. */
function filesUnder(root: string, prefix = ''): string[] {
  return readdirSync(root).flatMap((n) => (statSync(join(root, n)).isDirectory() ? filesUnder(join(root, n), `${prefix}${n}/`) : [`${prefix}${n}`]));
}

describe('fromSource', () => {
  it('NumberSequenceSource: every number once, split over the parallel readers, through a TS map', async () => {
    const p2 = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '2' });
    const out = await p2
      .fromSource(new NumberSequenceSource(1, 1000), WatermarkStrategy.noWatermarks(), 'numbers')
      .map((n) => n * 2, Types.LONG())
      .collect();
    expect(out.length).toBe(1000);
    expect(out.reduce((a, b) => a + b, 0)).toBe(1000 * 1001);
    expect(new Set(out).size).toBe(1000);
  });

  it('DataGeneratorSource: a TS generator of each index, rate-limited by Flink', async () => {
    // one-record bundles: each generated record reaches the worker as soon as the source emits it
    const e1 = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'python.fn-execution.bundle.size': '1' });
    const gen = new DataGeneratorSource((i) => ({ id: i, name: `user-${i}`, at: Date.now() }), 20, RateLimiterStrategy.perSecond(10));
    const out = await e1.fromSource(gen, WatermarkStrategy.noWatermarks(), 'users').collect();
    expect(out.map(({ id, name }) => ({ id, name })).sort((a, b) => a.id - b.id)).toEqual(Array.from({ length: 20 }, (_, i) => ({ id: i, name: `user-${i}` })));
    // 20 records at 10 a second: Flink's (Guava's) rate limiter lets at most a second's worth (10)
    // through at once after an idle time, the rest at 100 ms apart, so they span at least 900 ms
    const times = out.map((r) => r.at);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(800);
    const typed = new DataGeneratorSource((i) => `#${i}`, 3, Types.STRING());
    expect((await env.fromSource(typed, WatermarkStrategy.noWatermarks(), 'typed').collect()).sort()).toEqual(['#0', '#1', '#2']);
  });

  it('a TS timestamp assigner applies to the source records (event-time timestamps the functions see)', async () => {
    const strategy = WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((n) => n * 1000);
    const seen = await env
      .fromSource(new NumberSequenceSource(1, 3), strategy, 'timed')
      .process({ processElement: (n: number, ctx) => [[n, ctx.timestamp()]] })
      .collect();
    expect(seen.sort()).toEqual([[1, 1000], [2, 2000], [3, 3000]]);
  });

  it('FileSource lines through a TS flatMap into a FileSink: every word exactly once in committed parts', async () => {
    const input = join(dir, 'in');
    mkdirSync(join(input, 'sub'), { recursive: true });
    writeFileSync(join(input, 'a.txt'), 'to be or\nnot to be\n');
    writeFileSync(join(input, 'sub', 'b.txt'), 'that is\nthe question\n');
    const output = join(dir, 'out');
    const cp = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none' });
    cp.enableCheckpointing(200);
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), input).build();
    const sink = FileSink.forRowFormat<string>(output, new SimpleStringEncoder())
      .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(1024).withRolloverInterval(10_000).build())
      .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix('words').withPartSuffix('.txt').build())
      .build();
    cp.fromSource(source, WatermarkStrategy.noWatermarks(), 'lines')
      .flatMap((line: string) => line.split(' '), Types.STRING())
      .sinkTo(sink)
      .name('words-sink');
    await cp.execute('file to file');
    const files = filesUnder(output);
    // committed parts only: nothing in progress or pending (hidden .part files) is left
    expect(files.filter((f) => f.split('/').pop()!.startsWith('.'))).toEqual([]);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.split('/').pop()).toMatch(/^words-.*\.txt$/);
    const words = files.flatMap((f) => readFileSync(join(output, f), 'utf8').split('\n').filter(Boolean));
    expect(words.sort()).toEqual('to be or not to be that is the question'.split(' ').sort());
  });

  it('a FileSource that monitors its directory reads files added while the job runs', async () => {
    const watched = join(dir, 'watched');
    mkdirSync(watched);
    writeFileSync(join(watched, '1.txt'), 'first\n');
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), watched).monitorContinuously(100).build();
    const seen: string[] = [];
    for await (const line of env.fromSource(source, WatermarkStrategy.noWatermarks(), 'watched').executeAndCollect()) {
      seen.push(line);
      // the next file appears only once the job has read the first
      if (line === 'first') writeFileSync(join(watched, '2.txt'), 'second\n');
      if (seen.length === 2) break; // unbounded: leaving the loop cancels the job
    }
    expect(seen).toEqual(['first', 'second']);
  });

  it('an unbounded job: FileSink commits its parts on checkpoints while the job runs', async () => {
    const watched = join(dir, 'watched-sink');
    mkdirSync(watched);
    writeFileSync(join(watched, '1.txt'), 'alpha beta\n');
    const output = join(dir, 'out-unbounded');
    const cp = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none' });
    cp.enableCheckpointing(300);
    const words = cp
      .fromSource(FileSource.forRecordStreamFormat(new TextLineInputFormat(), watched).monitorContinuously(100).build(), WatermarkStrategy.noWatermarks(), 'lines')
      .flatMap((line: string) => line.split(' '), Types.STRING());
    words.sinkTo(FileSink.forRowFormat<string>(output, new SimpleStringEncoder()).withRollingPolicy(OnCheckpointRollingPolicy.build()).build());
    const committed = () => (statSync(output, { throwIfNoEntry: false }) ? filesUnder(output).filter((f) => !f.split('/').pop()!.startsWith('.')) : []);
    // the same job also collects the words: it runs (unbounded) until the loop is left
    let seen = 0;
    let contents: string[] = [];
    for await (const _ of words.executeAndCollect('unbounded file sink')) {
      if (++seen < 2) continue;
      for (let i = 0; i < 100 && committed().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      contents = committed().flatMap((f) => readFileSync(join(output, f), 'utf8').split('\n').filter(Boolean));
      break;
    }
    expect(contents.sort()).toEqual(['alpha', 'beta']);
  });

  it('bad sources and sinks fail with their cause', async () => {
    expect(() => env.fromSource(FileSource.forRecordStreamFormat(new TextLineInputFormat(), join(dir, 'missing')).build(), WatermarkStrategy.noWatermarks(), 'x')).toThrow(
      /FileSource: no file or directory at .*missing/,
    );
    expect(() => new NumberSequenceSource(5, 1)).toThrow(/from \(5\) is greater than to \(1\)/);
    expect(() => new DataGeneratorSource((i) => i, -1)).toThrow(/count must be a non-negative integer/);
    expect(() => RateLimiterStrategy.perSecond(0)).toThrow(/positive rate/);
    expect(() => env.fromSource({} as never, WatermarkStrategy.noWatermarks(), 'x')).toThrow(/needs a Source/);
    expect(() => env.fromSequence(1, 2).sinkTo({} as never)).toThrow(/sinkTo\(\) needs a Sink/);
    // a generator that throws fails the job with its message
    const bad = new DataGeneratorSource<number>((i) => {
      if (i === 2) throw new Error('generator broke at 2');
      return i;
    }, 5);
    await expect(env.fromSource(bad, WatermarkStrategy.noWatermarks(), 'bad').collect()).rejects.toThrow(/generator broke at 2/);
  });
});

describe('broadcast state', () => {
  type Rule = { product: string; limit: number } | { product: string; remove: true };
  type Order = { user: string; product: string; qty: number };
  const rulesDesc = new MapStateDescriptor<string, number>('rules');
  /**
   * The items from a rate-limited DataGeneratorSource (5 a second) after three skipped indexes, so
   * that they arrive well after a broadcast input's records (Flink orders nothing across inputs).
   */
  const later = <T>(e: StreamExecutionEnvironment, items: T[]) =>
    e
      .fromSource(new DataGeneratorSource((i) => ({ keep: i >= 3, item: items[i - 3] }), items.length + 3, RateLimiterStrategy.perSecond(5)), WatermarkStrategy.noWatermarks(), 'later')
      .flatMap((x) => (x.keep ? [x.item] : [])) as DataStream<T>;

  /** Per order, the rule in force for its product against the key's running total (ValueState); rules put or removed on the broadcast side. */
  const ruleChecker = (): KeyedBroadcastProcessFunction<string, Order, Rule, string> & { total?: ValueState<number> } => ({
    open(ctx: KeyedRuntimeContext) {
      this.total = ctx.getState(new ValueStateDescriptor<number>('total'));
    },
    async processElement(o, ctx, out) {
      const limit = await ctx.getBroadcastState(rulesDesc).get(o.product);
      const total = ((await this.total!.value()) ?? 0) + o.qty;
      await this.total!.update(total);
      out.collect(`${ctx.getCurrentKey()} ${o.product}: ${limit === undefined ? 'no rule' : total > limit ? `over ${limit} (${total})` : `ok (${total})`}`);
    },
    async processBroadcastElement(r, ctx) {
      const state = ctx.getBroadcastState(rulesDesc);
      if ('remove' in r) await state.remove(r.product);
      else await state.put(r.product, r.limit);
    },
  });

  it('rules broadcast to a keyed stream: the rule in force when each order arrives, with keyed state', async () => {
    const p2 = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '2', 'python.fn-execution.bundle.size': '1' });
    const rules: Rule[] = [{ product: 'apple', limit: 5 }, { product: 'pear', limit: 1 }];
    const orders: Order[] = [
      { user: 'ann', product: 'apple', qty: 3 },
      { user: 'bob', product: 'apple', qty: 7 },
      { user: 'ann', product: 'apple', qty: 3 },
      { user: 'bob', product: 'pear', qty: 1 },
      { user: 'cid', product: 'kiwi', qty: 9 },
    ];
    const ruleStream = p2.fromCollection(rules).broadcast(rulesDesc);
    const fn = ruleChecker();
    const out = await later(p2, orders)
      // keyed per user and product: the totals do not depend on the order of the source's two splits
      .keyBy((o) => `${o.user}/${o.product}`, Types.STRING())
      .connect(ruleStream)
      .process(fn, Types.STRING())
      .collect();
    expect(out.sort()).toEqual(['ann/apple apple: ok (3)', 'ann/apple apple: over 5 (6)', 'bob/apple apple: over 5 (7)', 'bob/pear pear: ok (1)', 'cid/kiwi kiwi: no rule']);
  });

  it('in BATCH mode the broadcast side is read first: every order sees every rule, keyed state included', async () => {
    const batch = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '2', 'python.fn-execution.bundle.size': '1' });
    batch.setRuntimeMode('BATCH');
    // a rule removed and one changed: in BATCH mode the last broadcast value of each is what every order sees
    const rules: Rule[] = [{ product: 'apple', limit: 5 }, { product: 'kiwi', limit: 2 }, { product: 'pear', limit: 1 }, { product: 'kiwi', remove: true }, { product: 'apple', limit: 4 }];
    const orders: Order[] = [
      { user: 'ann', product: 'apple', qty: 3 },
      { user: 'ann', product: 'apple', qty: 2 },
      { user: 'bob', product: 'pear', qty: 2 },
      { user: 'cid', product: 'kiwi', qty: 9 },
    ];
    const fn = ruleChecker();
    const out = await batch
      .fromCollection(orders)
      .keyBy((o) => `${o.user}/${o.product}`, Types.STRING())
      .connect(batch.fromCollection(rules).broadcast(rulesDesc))
      .process(fn, Types.STRING())
      .collect();
    // BATCH sorts each key's records together; the two apple orders of ann are in either order
    expect(out.filter((s) => !s.startsWith('ann/')).sort()).toEqual(['bob/pear pear: over 1 (2)', 'cid/kiwi kiwi: no rule']);
    expect(out.filter((s) => s.startsWith('ann/')).at(-1)).toBe('ann/apple apple: over 4 (5)');
    expect(out.filter((s) => s.startsWith('ann/'))).toHaveLength(2);
  });

  it('a BroadcastProcessFunction: the state read-only on the element side, every subtask sees every rule', async () => {
    const p2 = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '2', 'python.fn-execution.bundle.size': '1' });
    const fn: BroadcastProcessFunction<string, Rule, string> & { index?: number } = {
      open(ctx) {
        this.index = ctx.getIndexOfThisSubtask();
      },
      async processElement(word, ctx, out) {
        const state = ctx.getBroadcastState(rulesDesc);
        out.collect(`${word}=${String(await state.get(word))}`);
        try {
          await (state as unknown as { put(k: string, v: number): Promise<void> }).put(word, 0);
        } catch (e) {
          out.collect((e as Error).message);
        }
      },
      async processBroadcastElement(r, ctx, out) {
        if (!('remove' in r)) await ctx.getBroadcastState(rulesDesc).put(r.product, r.limit);
        out.collect(`subtask ${this.index} got ${r.product}`);
      },
    };
    const out = await later(p2, ['apple', 'kiwi'])
      .connect(p2.fromCollection<Rule>([{ product: 'apple', limit: 5 }]).broadcast(rulesDesc))
      .process(fn, Types.STRING())
      .collect();
    expect(out.filter((s) => s.startsWith('subtask')).sort()).toEqual(['subtask 0 got apple', 'subtask 1 got apple']);
    expect(out.filter((s) => s.includes('=')).sort()).toEqual(['apple=5', 'kiwi=undefined']);
    const errors = out.filter((s) => s.includes('read-only'));
    expect(errors.length).toBe(2);
    expect(errors[0]).toMatch(/broadcast state 'rules' is read-only in processElement\(\); put\(\) it in processBroadcastElement\(\)/);
  });

  it('an undeclared broadcast state and a wrong function fail with their cause', async () => {
    const other = new MapStateDescriptor<string, number>('other');
    const fn: BroadcastProcessFunction<number, number, number> = {
      processElement: () => undefined,
      processBroadcastElement: async (v, ctx) => void (await ctx.getBroadcastState(other).put('x', v)),
    };
    await expect(env.fromElements(1).connect(env.fromElements(2).broadcast(rulesDesc)).process(fn).collect()).rejects.toThrow(
      /no broadcast state 'other': the stream was broadcast with 'rules'/,
    );
    expect(() => env.fromElements(1).connect(env.fromElements(2).broadcast(rulesDesc)).process({ processElement: () => undefined } as never)).toThrow(/no processBroadcastElement\(\) method/);
    expect(() => env.fromElements(1).broadcast(new ValueStateDescriptor('v') as never)).toThrow(/takes MapStateDescriptors/);
  });
});

describe('partitionCustom', () => {
  it('sends each record to the subtask the TS partitioner picks', async () => {
    const p3 = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '3' });
    class Where {
      private index = -1;
      private n = -1;
      open(ctx: { getIndexOfThisSubtask(): number; getNumberOfParallelSubtasks(): number }): void {
        this.index = ctx.getIndexOfThisSubtask();
        this.n = ctx.getNumberOfParallelSubtasks();
      }
      processElement(v: { k: string; v: number }): [number, number, string][] {
        return [[this.index, this.n, v.k]];
      }
    }
    const records = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'g'].map((k, v) => ({ k, v }));
    // by the key's length: the partitioner gets the number of partitions of the next operator (3)
    const seen: number[] = [];
    const out = await p3
      .fromCollection(records)
      .partitionCustom((len: number, n: number) => {
        seen.push(n);
        return len % n;
      }, (r) => r.k.length)
      .process(new Where())
      .collect();
    expect(out.sort()).toEqual(records.map((r) => [r.k.length % 3, 3, r.k]).sort());
    expect(seen).toEqual([]); // the partitioner ran in the worker, not here
    const bad = p3.fromElements(1, 2).partitionCustom({ partition: () => 7 }, (x) => x);
    await expect(bad.collect()).rejects.toThrow(/the partitioner returned 7 for 3 partitions/);
  });
});

describe('bulk formats (Parquet) and bucket assigners', () => {
  type Visit = { id: number; name: string | null; score: number; active: boolean; visits: number; ratio: number };
  const VISIT = Types.ROW_NAMED<Visit>(
    ['id', 'name', 'score', 'active', 'visits', 'ratio'],
    [Types.LONG(), Types.STRING(), Types.DOUBLE(), Types.BOOLEAN(), Types.INT(), Types.FLOAT()],
  );
  const visits: Visit[] = [
    { id: 1, name: 'ann', score: 0.1, active: true, visits: 3, ratio: 0.5 },
    { id: 2, name: null, score: -2.75, active: false, visits: 0, ratio: 1.25 },
    { id: 3, name: 'Zoë 東京 🚀', score: 1e300, active: true, visits: -7, ratio: -3 },
    { id: 9_007_199_254_740_991, name: '', score: 0, active: false, visits: 2_147_483_647, ratio: 0 },
  ];
  let penv: StreamExecutionEnvironment;

  beforeAll(async () => {
    penv = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '2' });
    await penv.addConnector('parquet');
  });

  /** Committed files only (no hidden in-progress or pending parts), relative to root. */
  const committed = (root: string) => filesUnder(root).filter((f) => !f.split('/').pop()!.startsWith('.'));

  it('Parquet: a bounded job writes typed rows with a bulk FileSink, another reads them back with FileSource', async () => {
    const output = join(dir, 'parquet');
    penv
      .fromCollection(visits, VISIT)
      .map((v) => v, VISIT) // through the worker: the records the sink gets are the TS function's
      .sinkTo(
        FileSink.forBulkFormat(output, ParquetBulkWriters.forRowType(VISIT))
          .withBucketAssigner(new BasePathBucketAssigner())
          .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix('visits').withPartSuffix('.parquet').build())
          .build(),
      );
    await penv.execute('parquet writer');
    // every part directly in the base path (BasePathBucketAssigner), finished at the bounded job's end
    const files = filesUnder(output);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(f).toMatch(/^visits-[^/]*\.parquet$/);
      const bytes = readFileSync(join(output, f));
      // real Parquet files: the magic PAR1 at both ends
      expect([bytes.subarray(0, 4).toString(), bytes.subarray(-4).toString()]).toEqual(['PAR1', 'PAR1']);
    }

    const read = await penv
      .fromSource(FileSource.forBulkFileFormat(new ParquetColumnarRowInputFormat(VISIT), output).build(), WatermarkStrategy.noWatermarks(), 'parquet')
      .collect();
    expect(read.sort((a, b) => a.id - b.id)).toEqual(visits);

    // the row type is a projection, columns found by name: two of them, in another order, through a TS map
    type Named = { name: string | null; id: number };
    const NAMED = Types.ROW_NAMED<Named>(['name', 'id'], [Types.STRING(), Types.LONG()]);
    const names = await penv
      .fromSource(FileSource.forBulkFileFormat(new ParquetColumnarRowInputFormat(NAMED, { batchSize: 2 }), output).build(), WatermarkStrategy.noWatermarks(), 'names')
      .map((r: Named) => `${r.id}:${r.name ?? '(null)'}`, Types.STRING())
      .collect();
    expect(names.sort()).toEqual(['1:ann', '2:(null)', '3:Zoë 東京 🚀', '9007199254740991:'].sort());
    // isCaseSensitive: false finds the column 'id' for the field 'ID'
    const upper = await penv
      .fromSource(
        FileSource.forBulkFileFormat(new ParquetColumnarRowInputFormat(Types.ROW_NAMED<{ ID: number }>(['ID'], [Types.LONG()]), { isCaseSensitive: false }), output).build(),
        WatermarkStrategy.noWatermarks(),
        'upper',
      )
      .map((r: { ID: number }) => r.ID, Types.LONG())
      .collect();
    expect(upper.sort((a, b) => a - b)).toEqual(visits.map((v) => v.id));
  });

  it("the Hadoop configuration reaches Parquet's writer: parquet.compression", async () => {
    type Line = { id: number; text: string };
    const LINE = Types.ROW_NAMED<Line>(['id', 'text'], [Types.LONG(), Types.STRING()]);
    // 50 long, repetitive and distinct strings, no dictionary: the codec alone decides the size
    const lines = Array.from({ length: 50 }, (_, i) => ({ id: i, text: `${i} ${'compress me '.repeat(300)}` }));
    const sizes: Record<string, number> = {};
    for (const codec of ['UNCOMPRESSED', 'GZIP']) {
      const output = join(dir, `codec-${codec}`);
      const config = { 'parquet.compression': codec, 'parquet.enable.dictionary': 'false' };
      penv.fromCollection(lines, LINE).sinkTo(FileSink.forBulkFormat(output, ParquetBulkWriters.forRowType(LINE, config)).withBucketAssigner(new BasePathBucketAssigner()).build());
      await penv.execute(`parquet ${codec}`);
      sizes[codec] = committed(output).reduce((n, f) => n + statSync(join(output, f)).size, 0);
      const back = await penv
        .fromSource(FileSource.forBulkFileFormat(new ParquetColumnarRowInputFormat(LINE, { hadoopConfig: config }), output).build(), WatermarkStrategy.noWatermarks(), codec)
        .collect();
      expect(back.sort((a, b) => a.id - b.id)).toEqual(lines);
    }
    expect(sizes.UNCOMPRESSED).toBeGreaterThan(50 * 3600);
    expect(sizes.GZIP).toBeLessThan(sizes.UNCOMPRESSED / 10);
  });

  it('DateTimeBucketAssigner puts part files in the bucket of the time they are written (row and bulk formats)', async () => {
    const bulkOut = join(dir, 'by-day');
    const rowOut = join(dir, 'by-hour');
    /** The bucket names possible during the job: the formatted times at its start and end. */
    const formatted = (at: Date, zone: string, withHour: boolean) => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
          .formatToParts(at)
          .map((x) => [x.type, x.value]),
      );
      return `${p.year}-${p.month}-${p.day}${withHour ? `--${p.hour}` : ''}`;
    };
    const start = new Date();
    const stream = penv.fromCollection(visits, VISIT);
    stream.sinkTo(
      FileSink.forBulkFormat(bulkOut, ParquetBulkWriters.forRowType(VISIT))
        .withBucketAssigner(new DateTimeBucketAssigner("'day='yyyy-MM-dd", 'UTC'))
        .withRollingPolicy(OnCheckpointRollingPolicy.build())
        .build(),
    );
    stream.map((v) => `${v.id}`, Types.STRING()).sinkTo(
      FileSink.forRowFormat<string>(rowOut, new SimpleStringEncoder()).withBucketAssigner(DateTimeBucketAssigner.dateTimeBucketAssigner('yyyy-MM-dd--HH', 'Asia/Tokyo')).build(),
    );
    await penv.execute('date-time buckets');
    const end = new Date();

    const days = new Set([start, end].map((t) => `day=${formatted(t, 'UTC', false)}`));
    const bulkFiles = committed(bulkOut);
    expect(bulkFiles.length).toBeGreaterThan(0);
    const bulkBuckets = new Set(bulkFiles.map((f) => f.split('/').slice(0, -1).join('/')));
    for (const b of bulkBuckets) expect(days).toContain(b);
    const read = await penv
      .fromSource(FileSource.forBulkFileFormat(new ParquetColumnarRowInputFormat(VISIT), bulkOut).build(), WatermarkStrategy.noWatermarks(), 'by day')
      .collect();
    expect(read.sort((a, b) => a.id - b.id)).toEqual(visits);

    // Tokyo is UTC+9: its hour differs from UTC's and the machine's (if that is not Tokyo)
    const hours = new Set([start, end].map((t) => formatted(t, 'Asia/Tokyo', true)));
    const rowFiles = committed(rowOut);
    expect(rowFiles.length).toBeGreaterThan(0);
    for (const f of rowFiles) expect(hours).toContain(f.split('/')[0]);
    const ids = rowFiles.flatMap((f) => readFileSync(join(rowOut, f), 'utf8').split('\n').filter(Boolean));
    expect(ids.sort()).toEqual(visits.map((v) => `${v.id}`).sort());
  });

  it('refuses untyped records, other row types, a missing connector and bad bucket assigners', async () => {
    const sink = FileSink.forBulkFormat(join(dir, 'never'), ParquetBulkWriters.forRowType(VISIT)).build();
    const untyped = penv.fromCollection(visits);
    expect(() => untyped.sinkTo(sink as never)).toThrow(
      "FileSink.forBulkFormat(ParquetBulkWriters) needs typed records, but this stream is untyped (PICKLED_BYTE_ARRAY): map it to the writer's row type first, " +
        'e.g. .map((o) => ({ ... }), rowType) with rowType the ROW<id LONG, name STRING, score DOUBLE, active BOOLEAN, visits INT, ratio FLOAT> given to ParquetBulkWriters',
    );
    const other = penv.fromCollection([{ id: 1 }], Types.ROW_NAMED<{ id: number }>(['id'], [Types.INT()]));
    expect(() => other.sinkTo(sink as never)).toThrow(
      "FileSink.forBulkFormat(ParquetBulkWriters): the records are ROW<id INT>, but the writer's row type is ROW<id LONG, name STRING, score DOUBLE, active BOOLEAN, visits INT, ratio FLOAT>; map the stream to ROW<id LONG, name STRING, score DOUBLE, active BOOLEAN, visits INT, ratio FLOAT> first",
    );
    expect(() => ParquetBulkWriters.forRowType(Types.PICKLED_BYTE_ARRAY<object>())).toThrow(
      /ParquetBulkWriters\.forRowType needs the records' row type, a Types\.ROW_NAMED\(names, types\) of STRING, BOOLEAN, INT, LONG, FLOAT, DOUBLE fields, .*; got PICKLED_BYTE_ARRAY \(untyped records\)/,
    );
    expect(() => new ParquetColumnarRowInputFormat(Types.ROW_NAMED(['p'], [Types.ROW_NAMED(['q'], [Types.LONG()])]))).toThrow(
      "ParquetColumnarRowInputFormat: field 'p' of ROW<p ROW<q LONG>> is not a Parquet column type this writer and reader offer (STRING, BOOLEAN, INT, LONG, FLOAT, DOUBLE)",
    );
    // without the 'parquet' connector's jars
    const missing = /needs the 'parquet' connector: add it with await env\.addConnector\('parquet'\)/;
    expect(() => sink.buildJava([], VISIT)).toThrow(new RegExp(`ParquetBulkWriters ${missing.source}`));
    const source = FileSource.forBulkFileFormat(new ParquetColumnarRowInputFormat(VISIT), dir).build();
    expect(() => source.buildJava([])).toThrow(new RegExp(`ParquetColumnarRowInputFormat ${missing.source}`));
    // bulk formats roll on checkpoints only; Java's pattern and zone checks at sinkTo
    expect(() => FileSink.forBulkFormat(dir, ParquetBulkWriters.forRowType(VISIT)).withRollingPolicy(DefaultRollingPolicy.builder().build() as never)).toThrow(
      'a bulk format rolls on checkpoints only: withRollingPolicy needs OnCheckpointRollingPolicy.build()',
    );
    const withAssigner = (a: DateTimeBucketAssigner) => FileSink.forRowFormat<number>(join(dir, 'never'), new SimpleStringEncoder()).withBucketAssigner(a).build();
    expect(() => penv.fromSequence(1, 2).sinkTo(withAssigner(new DateTimeBucketAssigner('yyyy-MM-dd-{')))).toThrow(/Pattern includes reserved character: '\{'/);
    expect(() => penv.fromSequence(1, 2).sinkTo(withAssigner(new DateTimeBucketAssigner('yyyy', 'Mars/Olympus')))).toThrow(/Unknown time-zone ID: Mars\/Olympus/);
  });
});
