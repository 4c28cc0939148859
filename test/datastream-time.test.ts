/**
 * Event time and windows of the DataStream API on the real mini-cluster: WatermarkStrategy with TS
 * timestamp assigners (Java's watermark generators), event-time timers driven by its watermarks,
 * and keyed windows run by the worker's window operator on Flink's keyed state.
 */
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventTimeTrigger,
  GlobalWindow,
  TimeWindow,
  WindowSerializer,
  type CustomEvictor,
  type CustomWindowAssigner,
  type EvictorContext,
  type MergeCallback,
  type TimestampedValue,
  CountTrigger,
  TriggerResult,
  type CustomTrigger,
  type Trigger,
  type TriggerContext,
  EventTimeSessionWindows,
  FlinkError,
  CountEvictor,
  DeltaEvictor,
  GlobalWindows,
  OutputTag,
  TimeEvictor,
  PurgingTrigger,
  Session,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  Types,
  WatermarkStrategy,
  AggregatingStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
  type AggregatingState,
  type KeyedRuntimeContext,
  type ReducingState,
  type ValueState,
  type DataStreamAggregateFunction,
  type KeyedProcessFunction,
  type ProcessWindowFunctionContext,
} from '../src/index';

let env: StreamExecutionEnvironment;

beforeAll(async () => {
  // parallelism 1: one ordered stream; one-element bundles, so watermarks interleave with records
  env = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '1', 'python.fn-execution.bundle.size': '1' });
});

afterAll(async () => {
  await (await Session.running())?.close();
});

const MIN_WATERMARK = -(2 ** 63);
/** The 1-based line of this file that holds `marker` (once). */
const lineOf = (marker: string) => fs.readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seen {
  kind: 'element' | 'timer';
  ts: number | null;
  wm: number;
}

/** Per element its timestamp and the watermark it saw; a timer 500 ms after the first element. */
const observe: KeyedProcessFunction<string, { at: number }, Seen> = {
  processElement(v, ctx) {
    if (v.at === 1000) ctx.timerService().registerEventTimeTimer(1500);
    return [{ kind: 'element', ts: ctx.timestamp(), wm: ctx.timerService().currentWatermark() }];
  },
  onTimer(ts, ctx) {
    return [{ kind: 'timer', ts, wm: ctx.timerService().currentWatermark() }];
  },
};

/** Records every 250 ms (real time), so Java's periodic watermarks (every 200 ms) come in between. */
function slowEvents(stamps: number[]) {
  return env.fromCollection(stamps.map((at) => ({ at }))).map(async (e: { at: number }) => (await sleep(250), e));
}

/** The watermarks a record may see: none yet, or (highest earlier timestamp) - bound - 1. */
function possibleWatermarks(stamps: number[], i: number, bound: number): number[] {
  const out = [MIN_WATERMARK];
  for (let j = 0; j < i; j++) out.push(Math.max(...stamps.slice(0, j + 1)) - bound - 1);
  return out;
}

describe('WatermarkStrategy', () => {
  it('forMonotonousTimestamps with a TS assigner: record timestamps, watermarks between records, an event-time timer mid-stream', async () => {
    const stamps = [1000, 2000, 3000, 4000, 5000, 6000];
    const out = await slowEvents(stamps)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner((e) => e.at))
      .keyBy(() => 'k')
      .process(observe)
      .collect();
    const elements = out.filter((s) => s.kind === 'element');
    expect(elements.map((s) => s.ts)).toEqual(stamps);
    elements.forEach((s, i) => expect(possibleWatermarks(stamps, i, 0)).toContain(s.wm));
    expect(elements[elements.length - 1].wm).not.toBe(MIN_WATERMARK); // watermarks came before the end of input
    // the timer fired once, at a watermark past it, before the input ended (not at the end of time)
    const timers = out.filter((s) => s.kind === 'timer');
    expect(timers).toHaveLength(1);
    expect(timers[0].ts).toBe(1500);
    expect(timers[0].wm).toBeGreaterThanOrEqual(1500);
    expect(timers[0].wm).toBeLessThan(6000);
    expect(out.indexOf(timers[0])).toBeLessThan(out.length - 1);
  });

  it('forBoundedOutOfOrderness: watermarks trail the highest timestamp by the bound; an object assigner sees the record timestamp', async () => {
    const stamps = [1000, 3000, 2000, 5000, 4000, 7000];
    const seenRecordTs: (number | null)[] = [];
    const out = await slowEvents(stamps)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forBoundedOutOfOrderness<{ at: number }>(1000)
          .withIdleness(60_000)
          .withTimestampAssigner({
            extractTimestamp(e, recordTs) {
              seenRecordTs.push(recordTs); // (in the worker: not visible here)
              return e.at + (recordTs === null ? 0 : 1_000_000);
            },
          }),
      )
      .keyBy(() => 'k')
      .process(observe)
      .collect();
    const elements = out.filter((s) => s.kind === 'element');
    // fromCollection records carry no timestamp: recordTs was null for each
    expect(elements.map((s) => s.ts)).toEqual(stamps);
    elements.forEach((s, i) => expect(possibleWatermarks(stamps, i, 1000)).toContain(s.wm));
    expect(elements[elements.length - 1].wm).not.toBe(MIN_WATERMARK);
    // with the 1 s bound the timer at 1500 needs a timestamp of 2501 or more: 3000 (the 2nd record)
    const timers = out.filter((s) => s.kind === 'timer');
    expect(timers.map((t) => t.ts)).toEqual([1500]);
    expect(timers[0].wm).toBeGreaterThanOrEqual(1500);
  });

  it('a throwing timestamp assigner fails the job with its line; a non-number timestamp is named', async () => {
    const run = async (assigner: (e: number) => number) => {
      try {
        await env.fromElements(1, 2).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner(assigner)).collect();
      } catch (e) {
        return e as Error;
      }
      throw new Error('the job did not fail');
    };
    const thrown = await run((e) => {
      if (e === 2) throw new Error(`no time for ${e}`);
      return e;
    });
    expect(thrown).toBeInstanceOf(FlinkError);
    expect(thrown.message).toContain('no time for 2');
    expect(thrown.message).toMatch(/datastream-time\.test\.ts:\d+/);
    const notNumber = await run(() => 'soon' as unknown as number);
    expect(notNumber.message).toContain('the timestamp assigner returned soon, not a timestamp in ms');
    // the session survives
    expect(await env.fromElements(3).map((x: number) => x + 1, Types.LONG()).collect()).toEqual([4]);
  });

  it('rejects bad strategies at the call', () => {
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(-1)).toThrow(/non-negative/);
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(1.5)).toThrow(/whole number/);
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner({} as never)).toThrow(/extractTimestamp/);
  });
});

interface Sale {
  shop: string;
  amount: number;
  at: number;
}

const sales: Sale[] = [
  { shop: 'a', amount: 1, at: 100 },
  { shop: 'b', amount: 10, at: 200 },
  { shop: 'a', amount: 2, at: 900 },
  { shop: 'a', amount: 4, at: 1100 },
  { shop: 'b', amount: 20, at: 1999 },
  { shop: 'a', amount: 8, at: 2500 },
  { shop: 'b', amount: 40, at: 2000 },
];

/** The sales with event time, and a bound wide enough that no record is late in these tests. */
function timedSales(s: StreamExecutionEnvironment = env) {
  return s.fromCollection(sales).assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Sale>(10_000).withTimestampAssigner((e) => e.at));
}

describe('windows', () => {
  it('tumbling event-time windows: reduce, and reduce with a ProcessWindowFunction; results carry the window end as timestamp', async () => {
    const sums = await timedSales()
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((x, y) => ({ ...x, amount: x.amount + y.amount }))
      .process({ processElement: (s: Sale, ctx) => [`${s.shop} ${s.amount} @${ctx.timestamp()}`] }, Types.STRING())
      .collect();
    expect(sums.sort()).toEqual(['a 3 @999', 'a 4 @1999', 'a 8 @2999', 'b 10 @999', 'b 20 @1999', 'b 40 @2999']);

    const described = await timedSales()
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(2000))
      .reduce(
        (x: Sale, y: Sale) => ({ ...x, amount: x.amount + y.amount }),
        (key: string, ctx: ProcessWindowFunctionContext<TimeWindow>, elements: Sale[]) => [`${key} [${ctx.window().start},${ctx.window().end}) ${elements.map((e) => e.amount).join('+')}`],
        Types.STRING(),
      )
      .collect();
    expect(described.sort()).toEqual(['a [0,2000) 7', 'a [2000,4000) 8', 'b [0,2000) 30', 'b [2000,4000) 40']);
  });

  it('sliding event-time windows with an AggregateFunction (an average per window)', async () => {
    const average: DataStreamAggregateFunction<Sale, [number, number], number> = {
      createAccumulator: () => [0, 0],
      add: (s, [sum, n]) => [sum + s.amount, n + 1],
      getResult: ([sum, n]) => sum / n,
      merge: ([s1, n1], [s2, n2]) => [s1 + s2, n1 + n2],
    };
    const out = await timedSales()
      .keyBy((s) => s.shop)
      .window(SlidingEventTimeWindows.of(2000, 1000))
      .aggregate(average, (key: string, ctx: ProcessWindowFunctionContext<TimeWindow>, avg: number[]) => [`${key} ${ctx.window().start} ${avg[0]}`], Types.STRING())
      .collect();
    // a: [-1000,1000) {1,2}, [0,2000) {1,2,4}, [1000,3000) {4,8}, [2000,4000) {8}
    // b: [-1000,1000) {10}, [0,2000) {10,20}, [1000,3000) {20,40}, [2000,4000) {40}
    expect(out.sort()).toEqual(['a -1000 1.5', 'a 0 2.3333333333333335', 'a 1000 6', 'a 2000 8', 'b -1000 10', 'b 0 15', 'b 1000 30', 'b 2000 40'].sort());
    const typed = await timedSales().keyBy((s) => s.shop).window(TumblingEventTimeWindows.of(5000)).aggregate(average, Types.DOUBLE()).collect();
    expect(typed.sort()).toEqual([15 / 4, 70 / 3].sort());
  });

  it('event-time session windows merge (also a later record bridging two sessions) and process all records', async () => {
    const clicks = [
      { user: 'u', at: 1000 },
      { user: 'u', at: 1400 },
      { user: 'u', at: 3000 }, // a second session (gap 1000)...
      { user: 'v', at: 5000 },
      { user: 'u', at: 2200 }, // ...bridged into one: [1000, 4000)
      { user: 'u', at: 9000 },
    ];
    const out = await env
      .fromCollection(clicks)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<{ user: string; at: number }>(10_000).withTimestampAssigner((c) => c.at))
      .keyBy((c) => c.user)
      .window(EventTimeSessionWindows.withGap(1000))
      .process(
        {
          process(key: string, ctx: ProcessWindowFunctionContext<TimeWindow>, elements: { at: number }[], out) {
            out.collect(`${key} [${ctx.window().start},${ctx.window().end}) ${elements.map((e) => e.at).sort().join(',')}`);
          },
        },
        Types.STRING(),
      )
      .collect();
    expect(out.sort()).toEqual(['u [1000,4000) 1000,1400,2200,3000', 'u [9000,10000) 9000', 'v [5000,6000) 5000']);
  });

  it('a TS trigger: early firings every 2 records (count in its window state) and an event-time timer at the window end; PurgingTrigger.of it', async () => {
    const count = new ValueStateDescriptor<number>('early-count');
    class EarlyEveryTwo implements CustomTrigger<{ at: number }, TimeWindow> {
      async onElement(_e: { at: number }, _ts: number | null, w: TimeWindow, ctx: TriggerContext): Promise<TriggerResult> {
        ctx.registerEventTimeTimer(w.maxTimestamp());
        const n = ctx.getState(count);
        const seen = ((await n.value()) ?? 0) + 1;
        if (seen < 2) {
          await n.update(seen);
          return TriggerResult.CONTINUE;
        }
        await n.clear();
        return TriggerResult.FIRE;
      }
      onEventTime(time: number, w: TimeWindow): TriggerResult {
        return time === w.maxTimestamp() ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE;
      }
      onProcessingTime(): TriggerResult {
        return TriggerResult.CONTINUE;
      }
      async clear(w: TimeWindow, ctx: TriggerContext): Promise<void> {
        ctx.deleteEventTimeTimer(w.maxTimestamp());
        await ctx.getState(count).clear();
      }
    }
    const fired = (trigger: Trigger<TimeWindow> | CustomTrigger<{ at: number }, TimeWindow>) =>
      env
        .fromCollection([100, 200, 300, 1100, 1200].map((at) => ({ at })))
        .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner((e) => e.at))
        .keyBy(() => 'k')
        .window(TumblingEventTimeWindows.of(1000))
        .trigger(trigger)
        .process((_k: string, ctx: ProcessWindowFunctionContext<TimeWindow>, xs: { at: number }[]) => [`${ctx.window().start}: ${xs.map((x) => x.at).join(',')}`], Types.STRING())
        .collect();
    // early at 200 (and 1200), then everything at the window's end
    expect(await fired(new EarlyEveryTwo())).toEqual(['0: 100,200', '1000: 1100,1200', '0: 100,200,300', '1000: 1100,1200']);
    // purging: each firing takes what came since the last
    expect(await fired(PurgingTrigger.of(new EarlyEveryTwo()))).toEqual(['0: 100,200', '1000: 1100,1200', '0: 300']);

    // a result that is not a TriggerResult, and a trigger missing a method or merging, are named
    const wrong = { onElement: () => 'fire' as TriggerResult, onEventTime: () => TriggerResult.CONTINUE, onProcessingTime: () => TriggerResult.CONTINUE, clear: () => undefined };
    await expect(fired(wrong)).rejects.toThrow(/returned 'fire' from onElement\(\): a TriggerResult is CONTINUE, FIRE, PURGE or FIRE_AND_PURGE/);
    const keyed = env.fromCollection([{ at: 1 }]).keyBy(() => 'k');
    expect(() => keyed.window(TumblingEventTimeWindows.of(1000)).trigger({ onElement: () => TriggerResult.FIRE } as never)).toThrow(/missing onEventTime, onProcessingTime, clear/);
    expect(() => keyed.window(EventTimeSessionWindows.withGap(100)).trigger(new EarlyEveryTwo())).toThrow(/session windows \(merging windows\) needs canMerge\(\) returning true and onMerge/);
  });

  it('a TS window assigner: windows by a field of the record (several per record, none drops it), and one of GlobalWindows with its own default trigger', async () => {
    type Shift = { id: string; at: number; shift: number | null };
    /** Each record in its shift's window [shift * 1000, +1000) and in the day's [0, 3000); no shift: no window. */
    class ByShift implements CustomWindowAssigner<Shift, TimeWindow> {
      assignWindows(e: Shift): TimeWindow[] {
        return e.shift === null ? [] : [new TimeWindow(e.shift * 1000, e.shift * 1000 + 1000), new TimeWindow(0, 3000)];
      }
      getDefaultTrigger() {
        return EventTimeTrigger.create<TimeWindow>();
      }
      getWindowSerializer() {
        return WindowSerializer.TIME_WINDOW;
      }
      isEventTime() {
        return true;
      }
    }
    const shifts: Shift[] = [
      { id: 'a', at: 10, shift: 2 }, // the shift, not the timestamp, picks the window
      { id: 'b', at: 20, shift: 0 },
      { id: 'c', at: 30, shift: null },
      { id: 'd', at: 40, shift: 2 },
      { id: 'e', at: 50, shift: 1 },
    ];
    const out = await env
      .fromCollection(shifts)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Shift>().withTimestampAssigner((e) => e.at))
      .keyBy(() => 'k')
      .window(new ByShift())
      .process((_k: string, ctx: ProcessWindowFunctionContext<TimeWindow>, xs: Shift[]) => [`[${ctx.window().start},${ctx.window().end}): ${xs.map((x) => x.id).join(',')}`], Types.STRING())
      .collect();
    expect(out.sort()).toEqual(['[0,1000): b', '[0,3000): a,b,d,e', '[1000,2000): e', '[2000,3000): a,d']);

    // GlobalWindow for the even numbers only; its default trigger, a TS one, fires and purges on
    // the 4, and at an event-time timer in the GlobalWindow's namespace (due at the input's end)
    type N = { n: number; at: number };
    const untilFour: CustomTrigger<N, GlobalWindow> = {
      onElement(e, _ts, _w, ctx) {
        ctx.registerEventTimeTimer(999_999);
        return e.n === 4 ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE;
      },
      onEventTime: () => TriggerResult.FIRE_AND_PURGE,
      onProcessingTime: () => TriggerResult.CONTINUE,
      clear: () => undefined,
    };
    const evens: CustomWindowAssigner<N, GlobalWindow> = {
      assignWindows: (e) => (e.n % 2 === 0 ? [GlobalWindow.INSTANCE] : []),
      getDefaultTrigger: () => untilFour,
      getWindowSerializer: () => WindowSerializer.GLOBAL_WINDOW,
      isEventTime: () => false,
    };
    const sums = await env
      .fromCollection([1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ n, at: n * 300 })))
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<N>().withTimestampAssigner((e) => e.at))
      .keyBy(() => 'k')
      .window(evens)
      .reduce((a, b) => ({ n: a.n + b.n, at: b.at }))
      .process({ processElement: (e: N) => [e.n] }, Types.INT())
      .collect();
    // 2 + 4 on the 4; 6 + 8 at the timer
    expect(sums).toEqual([6, 14]);
  });

  it('a TS merging window assigner (mergeWindows): point windows merge when less than a gap apart, also bridged by a later record', async () => {
    type Click = { user: string; at: number };
    /** Each click is the window [at, at + 1); windows closer than `gap` merge into their cover (sessions decided by mergeWindows). */
    class NearbyClicks implements CustomWindowAssigner<Click, TimeWindow> {
      constructor(private readonly gap: number) {}
      assignWindows(_c: Click, timestamp: number | null): TimeWindow[] {
        return [new TimeWindow(timestamp!, timestamp! + 1)];
      }
      mergeWindows(windows: TimeWindow[], callback: MergeCallback<TimeWindow>): void {
        const sorted = [...windows].sort((a, b) => a.start - b.start);
        let group: TimeWindow[] = [];
        const flush = () => {
          if (group.length > 1) callback.merge(group, new TimeWindow(group[0].start, Math.max(...group.map((w) => w.end))));
          group = [];
        };
        for (const w of sorted) {
          if (group.length > 0 && w.start - Math.max(...group.map((g) => g.end)) >= this.gap) flush();
          group.push(w);
        }
        flush();
      }
      getDefaultTrigger() {
        return EventTimeTrigger.create<TimeWindow>();
      }
      getWindowSerializer() {
        return WindowSerializer.TIME_WINDOW;
      }
      isEventTime() {
        return true;
      }
    }
    const clicks: Click[] = [
      { user: 'u', at: 1000 },
      { user: 'u', at: 1500 }, // 499 ms after [1000, 1001): merged
      { user: 'u', at: 3000 }, // 1499 ms after [1000, 1501): a window of its own...
      { user: 'v', at: 5000 },
      { user: 'u', at: 2200 }, // ...until 2200 bridges them: [1000, 3001)
      { user: 'u', at: 9000 },
    ];
    const out = await env
      .fromCollection(clicks)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Click>(10_000).withTimestampAssigner((c) => c.at))
      .keyBy((c) => c.user)
      .window(new NearbyClicks(1000))
      .process((key: string, ctx: ProcessWindowFunctionContext<TimeWindow>, xs: Click[]) => [`${key} [${ctx.window().start},${ctx.window().end}) ${xs.map((x) => x.at).sort().join(',')}`], Types.STRING())
      .collect();
    expect(out.sort()).toEqual(['u [1000,3001) 1000,1500,2200,3000', 'u [9000,9001) 9000', 'v [5000,5001) 5000']);
  });

  it('a TS evictor: evictBefore keeps the two highest prices (in place, using size), evictAfter drops the window\'s first half after the function', async () => {
    type Bid = { id: string; price: number };
    /** Keeps the n records with the highest `field`, in their order (Java's Evictor: removing through the elements). */
    class TopBy implements CustomEvictor<Bid, GlobalWindow> {
      constructor(
        private readonly n: number,
        private readonly field: 'price',
      ) {}
      evictBefore(elements: TimestampedValue<Bid>[], size: number): void {
        if (size <= this.n) return;
        const cut = elements.map((e) => e.getValue()[this.field]).sort((a, b) => b - a)[this.n - 1];
        for (let i = elements.length - 1; i >= 0; i--) if (elements[i].getValue()[this.field] < cut) elements.splice(i, 1);
      }
      evictAfter(): void {}
    }
    const bids = [['a', 5], ['b', 9], ['c', 1], ['d', 7], ['e', 3], ['f', 8]].map(([id, price]) => ({ id, price }) as Bid);
    const ids = (_k: string, _ctx: ProcessWindowFunctionContext<GlobalWindow>, xs: Bid[]) => [xs.map((x) => x.id).join(',')];
    const top = await env.fromCollection(bids).keyBy(() => 'k').window(GlobalWindows.create()).trigger(CountTrigger.of(3)).evictor(new TopBy(2, 'price')).process(ids, Types.STRING()).collect();
    // [a5, b9, c1] -> a, b; then [a, b, d7, e3, f8] -> b, f (whether c stayed cannot show here:
    // the top two are the same either way; the evictAfter case below pins what stays)
    expect(top).toEqual(['a,b', 'b,f']);

    const firstHalfAfter: CustomEvictor<{ at: number }, TimeWindow> = {
      evictBefore: () => undefined,
      evictAfter(elements, _size, w, ctx: EvictorContext) {
        if (ctx.getCurrentWatermark() >= w.maxTimestamp()) return; // not at the window's end
        for (let i = elements.length - 1; i >= 0; i--) if (elements[i].getTimestamp() < w.start + 500) elements.splice(i, 1);
      },
    };
    const out = await env
      .fromCollection([100, 600, 700, 800].map((at) => ({ at })))
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner((e) => e.at))
      .keyBy(() => 'k')
      .window(TumblingEventTimeWindows.of(1000))
      .trigger(CountTrigger.of(2))
      .evictor(firstHalfAfter)
      .process((_k: string, _ctx: ProcessWindowFunctionContext<TimeWindow>, xs: { at: number }[]) => [xs.map((x) => x.at).join(',')], Types.STRING())
      .collect();
    // the function saw 100 before evictAfter took it
    expect(out).toEqual(['100,600', '600,700,800']);
  });

  it('TS assigners and evictors that break the rules fail naming the method and its line; the session survives', async () => {
    const run = (assigner: CustomWindowAssigner<{ at: number }, TimeWindow>, evictor?: CustomEvictor<{ at: number }, TimeWindow>) => {
      const w = env
        .fromCollection([{ at: 100 }, { at: 200 }])
        .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner((e) => e.at))
        .keyBy(() => 'k')
        .window(assigner);
      return (evictor ? w.evictor(evictor) : w).process((_k: string, _c: ProcessWindowFunctionContext<TimeWindow>, xs: { at: number }[]) => [xs.length], Types.INT()).collect();
    };
    const timeAssigner = (assignWindows: CustomWindowAssigner<{ at: number }, TimeWindow>['assignWindows']): CustomWindowAssigner<{ at: number }, TimeWindow> => ({
      assignWindows,
      getDefaultTrigger: () => EventTimeTrigger.create(),
      getWindowSerializer: () => WindowSerializer.TIME_WINDOW,
      isEventTime: () => true,
    });
    const file = 'datastream-time.test.ts';
    // prettier-ignore
    const notAWindow = timeAssigner((e) => [e.at as unknown as TimeWindow]); // bad-window-line
    await expect(run(notAWindow)).rejects.toThrow(`assignWindows() of the window assigner of 'Window(Process)' (`);
    await expect(run(notAWindow)).rejects.toThrow(new RegExp(`${file}:${lineOf('// bad-window-line')}\\) returned 100: its getWindowSerializer\\(\\) says TimeWindow, so its windows are new TimeWindow\\(start, end\\) of whole ms`));
    // prettier-ignore
    const negative = timeAssigner((e) => [new TimeWindow(e.at, e.at - 50)]); // negative-window-line
    await expect(run(negative)).rejects.toThrow(new RegExp(`${file}:${lineOf('// negative-window-line')}\\) returned the window \\[100, 50\\), of -50 ms: a window ends after it starts`));
    await expect(run(timeAssigner((e) => new TimeWindow(e.at, e.at + 1) as unknown as TimeWindow[]))).rejects.toThrow(/returned TimeWindow \{"start":100,"end":101\}: it returns the record's windows, an array/);
    await expect(run(timeAssigner(() => [GlobalWindow.INSTANCE as unknown as TimeWindow]))).rejects.toThrow(/returned GlobalWindow \{\}: its getWindowSerializer\(\) says TimeWindow/);
    const tumbling = timeAssigner((e) => [new TimeWindow(e.at - (e.at % 1000), e.at - (e.at % 1000) + 1000)]);
    // prettier-ignore
    const returning: CustomEvictor<{ at: number }, TimeWindow> = { evictBefore: (xs) => xs.slice(1) as unknown as void, evictAfter: () => undefined }; // returning-evictor-line
    await expect(run(tumbling, returning)).rejects.toThrow(new RegExp(`evictBefore\\(\\) of the evictor of 'Window\\(Process\\)' \\(.*${file}:${lineOf('// returning-evictor-line')}\\) returned a value: an evictor removes records from the elements it is given, in place`));
    const adding: CustomEvictor<{ at: number }, TimeWindow> = { evictBefore: () => undefined, evictAfter: (xs) => void xs.push(xs[0]) };
    await expect(run(tumbling, adding)).rejects.toThrow(/evictAfter\(\) of the evictor of 'Window\(Process\)' .*added records to the window's elements: an evictor only removes them/);
    // mergeWindows merging a window it was not given
    const strayMerge = { ...tumbling, mergeWindows: (_ws: TimeWindow[], cb: MergeCallback<TimeWindow>) => cb.merge([new TimeWindow(7, 8)], new TimeWindow(0, 8)) };
    await expect(run(strayMerge)).rejects.toThrow(/mergeWindows\(\) of the window assigner of 'Window\(Process\)' .*merged TimeWindow \{"start":7,"end":8\}, which is not one of the windows it was given/);
    const twice = { ...tumbling, mergeWindows: (ws: TimeWindow[], cb: MergeCallback<TimeWindow>) => cb.merge([ws[0], ws[0]], ws[0]) };
    await expect(run(twice)).rejects.toThrow(/mergeWindows\(\) of the window assigner of 'Window\(Process\)' .*merged TimeWindow\{start=0, end=1000\} twice/);
    // a merge that makes an event-time window late fails, as in Java (the watermark is 99 when 200 comes)
    const shrinking = { ...tumbling, mergeWindows: (ws: TimeWindow[], cb: MergeCallback<TimeWindow>) => void (ws.length > 1 && cb.merge(ws, new TimeWindow(0, 1))) };
    const lateMerge = slowEvents([100, 200])
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner((e) => e.at))
      .keyBy(() => 'k')
      .window({ ...shrinking, assignWindows: (e: { at: number }) => [new TimeWindow(e.at, e.at + 1)] })
      .process((_k: string, _c: ProcessWindowFunctionContext<TimeWindow>, xs: { at: number }[]) => [xs.length], Types.INT());
    await expect(lateMerge.collect()).rejects.toThrow(/The end timestamp of an event-time window cannot become earlier than the current watermark by merging. Current watermark: 99 window: TimeWindow\{start=0, end=1\}/);

    // refused when given: missing methods, a window type TSFlink has no serializer for, merging GlobalWindows, a trigger that cannot merge
    const keyed = env.fromCollection([{ at: 1 }]).keyBy(() => 'k');
    expect(() => keyed.window({ assignWindows: () => [] } as never)).toThrow(/window\(\) needs a WindowAssigner .* missing getDefaultTrigger, getWindowSerializer, isEventTime/);
    expect(() => keyed.window({ ...tumbling, getWindowSerializer: () => 'time' as never })).toThrow(/getWindowSerializer\(\) of the window assigner returned time: TSFlink's windows are TimeWindows \(WindowSerializer.TIME_WINDOW\) or GlobalWindow/);
    const globalMerging = { ...tumbling, getWindowSerializer: () => WindowSerializer.GLOBAL_WINDOW, mergeWindows: () => undefined };
    expect(() => keyed.window(globalMerging as never)).toThrow(/a merging window assigner \(one with mergeWindows\) must make TimeWindows/);
    const unmergeable: CustomTrigger<{ at: number }, TimeWindow> = { onElement: () => TriggerResult.FIRE, onEventTime: () => TriggerResult.CONTINUE, onProcessingTime: () => TriggerResult.CONTINUE, clear: () => undefined };
    expect(() => keyed.window({ ...strayMerge, getDefaultTrigger: () => unmergeable })).toThrow(/needs canMerge\(\) returning true and onMerge/);
    expect(() => keyed.window(tumbling).evictor({ evictBefore: () => undefined } as never)).toThrow(/evictor\(\) needs an Evictor .* missing evictAfter/);

    // the session survives
    expect(await run(tumbling)).toEqual([2]);
  });

  it('merging session windows sum their CountTrigger counts before the merged-away windows are cleared', async () => {
    // [100, 400) and [500, 800) hold one record each; 350 bridges them into [100, 800) with three
    // (watermarks 1 s behind: [100, 400) is not cleaned up before 350 comes, whatever the timing)
    const out = await env
      .fromCollection([100, 500, 350].map((at) => ({ at })))
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<{ at: number }>(1000).withTimestampAssigner((e) => e.at))
      .keyBy(() => 'k')
      .window(EventTimeSessionWindows.withGap(300))
      .trigger(CountTrigger.of(3))
      .process((_k: string, ctx: ProcessWindowFunctionContext<TimeWindow>, xs: { at: number }[]) => [`[${ctx.window().start}, ${ctx.window().end}): ${xs.map((x) => x.at).sort((a, b) => a - b).join(',')}`], Types.STRING())
      .collect();
    expect(out).toEqual(['[100, 800): 100,350,500']);
  });

  it('GlobalWindows with a CountTrigger (contents kept) and a PurgingTrigger (contents dropped at each firing)', async () => {
    const numbers = () => env.fromElements(1, 2, 3, 4, 5, 10, 20, 30).keyBy((n: number) => (n < 10 ? 'small' : 'big'));
    const kept = await numbers().window(GlobalWindows.create()).trigger(CountTrigger.of(2)).reduce((a, b) => a + b).collect();
    expect(kept.sort((a, b) => a - b)).toEqual([3, 10, 30]); // small: 1+2, 1+2+3+4; big: 10+20 (5 and 30 never fire)
    const purged = await numbers().window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(2))).reduce((a, b) => a + b).collect();
    expect(purged.sort((a, b) => a - b)).toEqual([3, 7, 30]);
    // countWindow(2) is the purging form, as Java's KeyedStream.countWindow(size)
    const counted = await numbers().countWindow(2).reduce((a, b) => a + b).collect();
    expect(counted.sort((a, b) => a - b)).toEqual([3, 7, 30]);
    expect(() => numbers().countWindow(0)).toThrow(/positive count/);
  });

  it('evictors: sliding countWindow (CountEvictor), TimeEvictor, DeltaEvictor, and evicting after the function', async () => {
    const seq = () => env.fromElements(1, 2, 3, 4, 5, 6, 7).keyBy(() => 'k');
    const listed = (_k: string, _ctx: ProcessWindowFunctionContext<GlobalWindow>, xs: number[]) => [xs.join(',')];
    // every 2 records, the last 3 (Java's countWindow(3, 2)); the 7th never fires
    expect(await seq().countWindow(3, 2).process(listed, Types.STRING()).collect()).toEqual(['1,2', '2,3,4', '4,5,6']);
    // reduce and aggregate run over what the evictor left
    expect(await seq().countWindow(3, 2).reduce((a, b) => a + b).collect()).toEqual([3, 9, 15]);
    const avg = { createAccumulator: () => [0, 0], add: (n: number, [s, c]: number[]) => [s + n, c + 1], getResult: ([s, c]: number[]) => s / c, merge: ([a, b]: number[], [c, d]: number[]) => [a + c, b + d] };
    expect(await seq().countWindow(3, 2).aggregate(avg, Types.DOUBLE()).collect()).toEqual([1.5, 3, 5]);
    // doEvictAfter: the function sees everything, then only the last record stays
    const after = seq().window(GlobalWindows.create()).trigger(CountTrigger.of(2)).evictor(CountEvictor.of(1, true));
    expect(await after.process(listed, Types.STRING()).collect()).toEqual(['1,2', '2,3,4', '4,5,6']);

    // TimeEvictor: of [0, 1000)'s records, those within 100 ms of the newest (900): 850 and 900
    const stamped = env
      .fromCollection([{ at: 100 }, { at: 500 }, { at: 850 }, { at: 900 }, { at: 1500 }])
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner((e) => e.at))
      .keyBy(() => 'k')
      .window(TumblingEventTimeWindows.of(1000))
      .evictor(TimeEvictor.of(100));
    expect(await stamped.process((_k: string, ctx: ProcessWindowFunctionContext<TimeWindow>, xs: { at: number }[]) => [`${ctx.window().start}: ${xs.map((x) => x.at).join(',')}`], Types.STRING()).collect()).toEqual(['0: 850,900', '1000: 1500']);

    // DeltaEvictor: records 5 or more away from the last one go
    const delta = env
      .fromElements(1, 3, 10, 12)
      .keyBy(() => 'k')
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(4))
      .evictor(DeltaEvictor.of(5, (a: number, b: number) => Math.abs(a - b)));
    expect(await delta.process(listed, Types.STRING()).collect()).toEqual(['10,12']);
    const notNumber = env
      .fromElements(1, 2)
      .keyBy(() => 'k')
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(2))
      .evictor(DeltaEvictor.of(5, () => 'far' as unknown as number));
    await expect(notNumber.process(listed, Types.STRING()).collect()).rejects.toThrow(/DeltaEvictor: the delta function returned string, not a number/);
    expect(() => seq().countWindow(3, 0)).toThrow(/positive count/);
    expect(() => seq().window(GlobalWindows.create()).evictor({ spec: { type: 'count' } } as never)).toThrow(/evictor\(\) needs an Evictor/);
  });

  it('tumbling processing-time windows fire while the job runs; each record in one window', async () => {
    const out = await env
      .fromSequence(1, 12)
      .map(async (n: number) => (await sleep(100), n))
      .keyBy(() => 'all')
      .window(TumblingProcessingTimeWindows.of(400))
      .process((_k: string, ctx: ProcessWindowFunctionContext<TimeWindow>, xs: number[]) => [{ start: ctx.window().start, end: ctx.window().end, xs }])
      .collect();
    expect(out.length).toBeGreaterThanOrEqual(2);
    for (const w of out as { start: number; end: number; xs: number[] }[]) {
      expect(w.start % 400).toBe(0);
      expect(w.end - w.start).toBe(400);
    }
    // as in Java, the window still open when the bounded input ends does not fire (its processing-time
    // timer is not due yet): the fired windows hold the records from 1 on, each once
    const seen = out.flatMap((w) => (w as { xs: number[] }).xs).sort((a, b) => a - b);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
  });

  it('a record later than its window (past the watermark) is dropped; allowedLateness keeps it and fires again', async () => {
    const stamps = [100, 1100, 2100, 3100, 4100, 5100, 200];
    const run = (lateness: number) =>
      slowEvents(stamps)
        .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner((e) => e.at))
        .keyBy(() => 'k')
        .window(TumblingEventTimeWindows.of(1000))
        .allowedLateness(lateness)
        .process((_k: string, ctx: ProcessWindowFunctionContext<TimeWindow>, xs: { at: number }[]) => [`${ctx.window().start}: ${xs.map((x) => x.at).join(',')}`], Types.STRING())
        .process({ processElement: (s: string, ctx) => [`${s} @${ctx.timestamp()}`] }, Types.STRING())
        .collect();
    // by the time 200 arrives the watermark is past 999 (window [0,1000) fired and was cleaned up)
    expect((await run(0)).filter((s) => s.startsWith('0:'))).toEqual(['0: 100 @999']);
    // the late firing (on the record, not a timer) also carries the window's end as its timestamp
    expect((await run(60_000)).filter((s) => s.startsWith('0:'))).toEqual(['0: 100 @999', '0: 100,200 @999']);
  });

  it('sideOutputLateData: a record no window takes goes to the side output with its timestamp; with allowedLateness it stays in its window', async () => {
    const stamps = [100, 1100, 2100, 3100, 4100, 5100, 200, 300];
    const tooLate = new OutputTag<{ at: number }>('too-late');
    const windowed = (lateness: number) =>
      slowEvents(stamps)
        .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner((e) => e.at))
        .keyBy(() => 'k')
        .window(TumblingEventTimeWindows.of(1000))
        .allowedLateness(lateness)
        .sideOutputLateData(tooLate)
        .process((_k: string, ctx: ProcessWindowFunctionContext<TimeWindow>, xs: { at: number }[]) => [`${ctx.window().start}: ${xs.map((x) => x.at).join(',')}`], Types.STRING());
    // 200 and 300 arrive after the watermark passed 999: late, each to the side output as itself, at its own time
    const late = await windowed(0)
      .getSideOutput(tooLate)
      .process({ processElement: (e: { at: number }, ctx) => [`${e.at} @${ctx.timestamp()}`] }, Types.STRING())
      .collect();
    expect(late).toEqual(['200 @200', '300 @300']);
    // within the allowed lateness the window takes them: nothing is late
    expect(await windowed(60_000).getSideOutput(tooLate).collect()).toEqual([]);
    expect(() => slowEvents(stamps).keyBy(() => 'k').window(TumblingEventTimeWindows.of(1000)).sideOutputLateData('late' as unknown as OutputTag<{ at: number }>)).toThrow('sideOutputLateData needs an OutputTag');
  });

  it("a ProcessWindowFunction's windowState() per window and globalState() per key, its clear(ctx) at cleanup, and its open(ctx)", async () => {
    // 250 comes after 2100: [0, 1000) has fired, and is not cleaned up before 2499 (999 + lateness 1500): it fires again
    const stamps = [100, 1100, 2100, 250, 3100, 4100, 5100];
    const firings = new ValueStateDescriptor<number>('firings');
    const total = new ValueStateDescriptor<number>('total');
    const cleared = new ValueStateDescriptor<[windows: number, firings: number]>('cleared');
    class CountFirings {
      opened = 'not opened';
      open(ctx: KeyedRuntimeContext) {
        this.opened = `opened on subtask ${ctx.getIndexOfThisSubtask()}`;
      }
      async process(_k: string, ctx: ProcessWindowFunctionContext<TimeWindow>, xs: { at: number }[]) {
        const mine = ctx.windowState().getState(firings);
        const n = ((await mine.value()) ?? 0) + 1;
        await mine.update(n);
        const all = ctx.globalState().getState(total);
        const t = ((await all.value()) ?? 0) + 1;
        await all.update(t);
        const [windows, gone] = (await ctx.globalState().getState(cleared).value()) ?? [0, 0];
        return [`${ctx.window().start} [${xs.map((x) => x.at).join(',')}]: firing ${n}, ${t} in all, ${windows} cleared with ${gone} firings, ${this.opened}`];
      }
      async clear(ctx: ProcessWindowFunctionContext<TimeWindow>) {
        const mine = ctx.windowState().getState(firings);
        const sofar = ctx.globalState().getState(cleared);
        const [windows, gone] = (await sofar.value()) ?? [0, 0];
        await sofar.update([windows + 1, gone + ((await mine.value()) ?? 0)]);
        await mine.clear();
      }
    }
    const out = await slowEvents(stamps)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner((e) => e.at))
      .keyBy(() => 'k')
      .window(TumblingEventTimeWindows.of(1000))
      .allowedLateness(1500)
      .process(new CountFirings(), Types.STRING())
      .collect();
    expect(out).toEqual([
      '0 [100]: firing 1, 1 in all, 0 cleared with 0 firings, opened on subtask 0',
      '1000 [1100]: firing 1, 2 in all, 0 cleared with 0 firings, opened on subtask 0',
      '0 [100,250]: firing 2, 3 in all, 0 cleared with 0 firings, opened on subtask 0',
      // [0, 1000) was cleaned up at watermark 2499, before [2000, 3000) fired at 2999, and so on
      '2000 [2100]: firing 1, 4 in all, 1 cleared with 2 firings, opened on subtask 0',
      '3000 [3100]: firing 1, 5 in all, 2 cleared with 3 firings, opened on subtask 0',
      '4000 [4100]: firing 1, 6 in all, 3 cleared with 4 firings, opened on subtask 0',
      '5000 [5100]: firing 1, 7 in all, 4 cleared with 5 firings, opened on subtask 0',
    ]);
    // as in Flink, session windows (merging) have no per-window state
    const sessions = env
      .fromCollection([{ at: 1 }])
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ at: number }>().withTimestampAssigner((e) => e.at))
      .keyBy(() => 'k')
      .window(EventTimeSessionWindows.withGap(100))
      .process((_k: string, ctx: ProcessWindowFunctionContext<TimeWindow>) => (ctx.windowState(), ['never']), Types.STRING());
    await expect(sessions.collect()).rejects.toThrow(/Per-window state is not allowed when using merging windows/);
  });

  it('errors: a throwing reduce names its line; event-time windows over records without timestamps say so', async () => {
    const fail = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return e as Error;
      }
      throw new Error('the job did not fail');
    };
    const thrown = await fail(
      timedSales()
        .keyBy((s) => s.shop)
        .window(TumblingEventTimeWindows.of(1000))
        .reduce((a, b) => {
          if (b.amount === 2) throw new RangeError('no twos');
          return a;
        })
        .collect(),
    );
    expect(thrown).toBeInstanceOf(FlinkError);
    expect(thrown.message).toContain('RangeError: no twos');
    expect(thrown.message).toMatch(/datastream-time\.test\.ts:\d+/);
    const untimed = await fail(env.fromElements(1, 2).keyBy((n: number) => n).window(TumblingEventTimeWindows.of(10)).reduce((a, b) => a + b).collect());
    expect(untimed.message).toContain('the record has no timestamp for the event-time windows');
    expect(() => TumblingEventTimeWindows.of(0)).toThrow(/positive/);
    expect(() => env.fromElements(1).keyBy((n: number) => n).window(GlobalWindows.create()).allowedLateness(5)).toThrow(/event-time/);
    // the session survives
    expect(await env.fromElements(1, 2).keyBy(() => 0).window(GlobalWindows.create()).trigger(CountTrigger.of(2)).reduce((a, b) => a + b).collect()).toEqual([3]);
  });
});

// the functions embedded mode runs too (docs/datastream.md § Embedded mode), with the same expectations
describe.each(['process', 'embedded'] as const)('ReducingState, AggregatingState and state TTL (%s mode)', (mode) => {
  let env!: StreamExecutionEnvironment;
  beforeAll(async () => {
    env = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '1', 'python.fn-execution.bundle.size': '1', 'tsflink.udf.execution-mode': mode });
  });

  it('a ReducingState (max) and an AggregatingState (average) per key', async () => {
    class Stats {
      private max!: ReducingState<number>;
      private avg!: AggregatingState<number, number>;
      open(ctx: KeyedRuntimeContext): void {
        this.max = ctx.getReducingState(new ReducingStateDescriptor<number>('max', (a, b) => Math.max(a, b)));
        this.avg = ctx.getAggregatingState(
          new AggregatingStateDescriptor<number, [number, number], number>('avg', {
            createAccumulator: () => [0, 0],
            add: (v, [s, n]) => [s + v, n + 1],
            getResult: ([s, n]) => s / n,
            merge: ([a, n], [b, m]) => [a + b, n + m],
          }),
        );
      }
      async processElement(v: { k: string; x: number }): Promise<string[]> {
        const before = await this.max.get();
        await this.max.add(v.x);
        await this.avg.add(v.x);
        if (v.x === 0) {
          await this.max.clear();
          await this.avg.clear();
        }
        return [`${v.k} before=${before} max=${await this.max.get()} avg=${await this.avg.get()}`];
      }
    }
    const input = [
      { k: 'a', x: 4 },
      { k: 'b', x: 1 },
      { k: 'a', x: 2 },
      { k: 'a', x: 9 },
      { k: 'a', x: 0 },
      { k: 'a', x: 3 },
    ];
    const out = await env.fromCollection(input).keyBy((v) => v.k).process(new Stats(), Types.STRING()).collect();
    expect(out).toEqual(['a before=null max=4 avg=4', 'b before=null max=1 avg=1', 'a before=4 max=4 avg=3', 'a before=4 max=9 avg=5', 'a before=9 max=null avg=null', 'a before=null max=3 avg=3']);
  });

  it('a ValueState with a TTL forgets a value not written for longer than the TTL', async () => {
    class Remember {
      private last!: ValueState<number>;
      private plain!: ValueState<number>;
      open(ctx: KeyedRuntimeContext): void {
        this.last = ctx.getState(new ValueStateDescriptor<number>('last').enableTimeToLive(StateTtlConfig.newBuilder(1000).neverReturnExpired().build()));
        this.plain = ctx.getState(new ValueStateDescriptor<number>('plain'));
      }
      async processElement(n: number): Promise<string[]> {
        const seen = `${n}: ttl=${await this.last.value()} plain=${await this.plain.value()}`;
        await this.last.update(n);
        await this.plain.update(n);
        return [seen];
      }
    }
    // records 1 and 2 close together, 3 after 2.5 s (beyond the 1 s TTL), 4 right after
    const gaps = new Map([[3, 2500]]);
    const out = await env
      .fromElements(1, 2, 3, 4)
      // an embedded function's Promise must settle within its call, so it waits without a timer; a
      // process-mode one with a timer, as its worker (one thread) runs the keyed function meanwhile
      .map(
        mode === 'process'
          ? async (n: number) => (await sleep(gaps.get(n) ?? 50), n)
          : (n: number) => {
              const until = Date.now() + (gaps.get(n) ?? 50);
              while (Date.now() < until);
              return n;
            },
      )
      .keyBy(() => 'k')
      .process(new Remember(), Types.STRING())
      .collect();
    expect(out).toEqual(['1: ttl=null plain=null', '2: ttl=1 plain=1', '3: ttl=null plain=2', '4: ttl=3 plain=3']);
    expect(() => StateTtlConfig.newBuilder(0)).toThrow(/positive/);
  });
});
