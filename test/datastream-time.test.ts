/**
 * Event time and windows of the DataStream API on the real mini-cluster: WatermarkStrategy with TS
 * timestamp assigners (Java's watermark generators), event-time timers driven by its watermarks,
 * and keyed windows run by the worker's window operator on Flink's keyed state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkError, Session, StreamExecutionEnvironment, Types, WatermarkStrategy, type KeyedProcessFunction } from '../src/index';

let env: StreamExecutionEnvironment;

beforeAll(async () => {
  // parallelism 1: one ordered stream; one-element bundles, so watermarks interleave with records
  env = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '1', 'python.fn-execution.bundle.size': '1' });
});

afterAll(async () => {
  await (await Session.running())?.close();
});

const MIN_WATERMARK = -(2 ** 63);
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
