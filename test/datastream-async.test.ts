/**
 * Async I/O in the DataStream API (AsyncDataStream) on the real mini-cluster: the TS AsyncFunction
 * runs in the Node worker under flink-python's process operator, as PyFlink 2.3's does; the
 * worker's queue gives ordered/unordered results, the capacity, the timeout and retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AsyncDataStream,
  AsyncRetryStrategies,
  FlinkError,
  RetryPredicates,
  Session,
  StreamExecutionEnvironment,
  Types,
  type AsyncFunction,
  type ResultFuture,
} from '../src/index';

let env: StreamExecutionEnvironment;

beforeAll(async () => {
  // parallelism 1: one input order to keep or to reorder
  // bundles cut by size only: a bundle time passing while the first job starts its worker would
  // finish a bundle early, and an unordered queue cannot reorder across bundles
  env = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '1', 'python.fn-execution.bundle.time': '60000' });
});

afterAll(async () => {
  await (await Session.running())?.close();
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function failureOf(job: Promise<unknown>): Promise<string> {
  try {
    await job;
  } catch (e) {
    expect(e).toBeInstanceOf(FlinkError);
    return String((e as Error).message);
  }
  throw new Error('the job did not fail');
}

describe('ordered and unordered results', () => {
  // the larger the input, the longer its call: the calls complete in the reverse of input order
  const slowTimesTen = async (x: number) => {
    await sleep(x * 80);
    return [x * 10];
  };

  it('unorderedWait emits the faster calls first', async () => {
    const out = await AsyncDataStream.unorderedWait(env.fromElements(5, 4, 3, 2, 1), slowTimesTen, 10_000).collect();
    expect(out).toEqual([10, 20, 30, 40, 50]);
  });

  it('orderedWait keeps the input order', async () => {
    const out = await AsyncDataStream.orderedWait(env.fromElements(5, 4, 3, 2, 1), slowTimesTen, 10_000).collect();
    expect(out).toEqual([50, 40, 30, 20, 10]);
  });

  it('an AsyncFunction class with open(), typed output, resultFuture.complete, chained between maps', async () => {
    class Lookup implements AsyncFunction<number, string> {
      private prefix = '';
      open(): void {
        this.prefix = 'id-';
      }
      asyncInvoke(x: number, resultFuture: ResultFuture<string>): void {
        // Java's callback style: no Promise, the result future is completed later
        setTimeout(() => resultFuture.complete([`${this.prefix}${x}`, `${this.prefix}${x}b`]), (4 - x) * 50);
      }
    }
    const input = env.fromElements(1, 2, 3).map((x) => x + 1);
    const looked = AsyncDataStream.orderedWait(input, new Lookup(), 10_000, 10, undefined, Types.STRING());
    const out = await looked.map((s) => s.toUpperCase(), Types.STRING()).collect();
    expect(out).toEqual(['ID-2', 'ID-2B', 'ID-3', 'ID-3B', 'ID-4', 'ID-4B']);
  });
});

describe('capacity', () => {
  it('never has more than `capacity` inputs in flight', async () => {
    class Probe implements AsyncFunction<number, number> {
      private inFlight = 0;
      async asyncInvoke(): Promise<number[]> {
        const seen = ++this.inFlight;
        await sleep(40);
        this.inFlight--;
        return [seen];
      }
    }
    const numbers = Array.from({ length: 12 }, (_, i) => i);
    const seen = await AsyncDataStream.unorderedWait(env.fromCollection(numbers), new Probe(), 10_000, 3).collect();
    expect(seen).toHaveLength(12);
    // all 12 arrive at once: the queue runs 3 at a time, and does run 3 at a time
    expect(Math.max(...seen)).toBe(3);
  });
});

describe('timeout', () => {
  it('a call over the timeout fails the job with an error naming the function and the input', async () => {
    const slowLookup = async (x: number): Promise<number[]> => {
      if (x === 3) await new Promise(() => undefined); // never answers
      return [x];
    };
    const msg = await failureOf(AsyncDataStream.orderedWait(env.fromElements(1, 2, 3, 4), slowLookup, 300).collect());
    expect(msg).toContain("TypeScript UDF 'slowLookup' failed");
    expect(msg).toContain('Async function call has timed out');
    expect(msg).toContain('gave no result for input 3 within 300 ms');
  });

  it("the function's timeout() gives the results of a call over the timeout; the session goes on", async () => {
    class WithFallback implements AsyncFunction<number, string> {
      async asyncInvoke(x: number): Promise<string[]> {
        await sleep(x === 2 ? 5_000 : 10);
        return [`value ${x}`];
      }
      timeout(x: number): string[] {
        return [`fallback ${x}`];
      }
    }
    const out = await AsyncDataStream.orderedWait(env.fromElements(1, 2, 3), new WithFallback(), 400).collect();
    expect(out).toEqual(['value 1', 'fallback 2', 'value 3']);
  });
});

describe('retries', () => {
  /** Fails its first two calls per input, then answers with the number of the attempt. */
  class Flaky implements AsyncFunction<number, { x: number; attempt: number }> {
    private readonly attempts = new Map<number, number>();
    async asyncInvoke(x: number) {
      const n = (this.attempts.get(x) ?? 0) + 1;
      this.attempts.set(x, n);
      await sleep(5);
      if (n < 3) throw new Error(`attempt ${n} of ${x} failed`);
      return [{ x, attempt: n }];
    }
  }

  it('a fixed-delay strategy on errors succeeds on the 3rd attempt', async () => {
    const retry = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<{ x: number; attempt: number }>(2, 50).ifException(RetryPredicates.HAS_EXCEPTION_PREDICATE).build();
    const out = await AsyncDataStream.unorderedWaitWithRetry(env.fromElements(1, 2, 3), new Flaky(), 10_000, 10, retry).collect();
    expect(out.sort((a, b) => a.x - b.x)).toEqual([
      { x: 1, attempt: 3 },
      { x: 2, attempt: 3 },
      { x: 3, attempt: 3 },
    ]);
  });

  it('with one retry allowed, the 2nd attempt\'s error fails the job', async () => {
    const retry = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<{ x: number; attempt: number }>(1, 50).ifException(RetryPredicates.HAS_EXCEPTION_PREDICATE).build();
    const msg = await failureOf(AsyncDataStream.orderedWait(env.fromElements(1), new Flaky(), 10_000, 10, retry).collect());
    expect(msg).toContain('attempt 2 of 1 failed');
  });

  it('an exponential-backoff strategy on empty results: attempts after 100 ms, then 200 ms', async () => {
    class EmptyTwice implements AsyncFunction<string, number[]> {
      private readonly times: number[] = [];
      async asyncInvoke(): Promise<number[][]> {
        this.times.push(Date.now());
        if (this.times.length < 3) return [];
        return [this.times.slice(1).map((t, i) => t - this.times[i])];
      }
    }
    const retry = new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<number[]>(5, 100, 1_000, 2).ifResult(RetryPredicates.EMPTY_RESULT_PREDICATE).build();
    const [gaps] = await AsyncDataStream.orderedWait(env.fromElements('a'), new EmptyTwice(), 10_000, 1, retry).collect();
    expect(gaps).toHaveLength(2);
    // timers never fire early (1 ms of rounding allowed); an upper bound would test the machine
    expect(gaps[0]).toBeGreaterThanOrEqual(99);
    expect(gaps[1]).toBeGreaterThanOrEqual(199);
  });

  it('the timeout bounds all attempts of an input', async () => {
    const retry = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<number>(100, 100).ifException(RetryPredicates.HAS_EXCEPTION_PREDICATE).build();
    const alwaysFails = async (): Promise<number[]> => {
      throw new Error('down');
    };
    const msg = await failureOf(AsyncDataStream.orderedWait(env.fromElements(7), alwaysFails, 450, 10, retry).collect());
    expect(msg).toContain("'alwaysFails' gave no result for input 7 within 450 ms");
    // retried (more than one attempt), and cut short by the timeout: 100 attempts are allowed, 100 ms
    // apart, and 450 ms hold at most 5 (fewer when the machine is busy)
    const attempts = Number(/\((\d+) attempts\)/.exec(msg)?.[1]);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(5);
  });
});

describe('errors', () => {
  it('bad arguments are refused where the operator is added', () => {
    const s = env.fromElements(1);
    const f = async (x: number) => [x];
    expect(() => AsyncDataStream.orderedWait(s, f, 1000, 0)).toThrow(/capacity must be a positive integer/);
    const retry = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<number>(2, 10).ifException(() => true).build();
    expect(() => AsyncDataStream.orderedWait(s, f, 0, 10, retry)).toThrow(/Timeout should be configured when do async with retry/);
    expect(() => AsyncDataStream.orderedWait(s.keyBy((x) => x), f, 1000)).toThrow(/KeyedStream is not supported yet/);
    expect(() => AsyncDataStream.orderedWait(s, {} as AsyncFunction<number, number>, 1000)).toThrow(/asyncInvoke/);
    expect(() => new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder(0, 10)).toThrow(/maxAttempts should be greater than zero/);
  });

  it('a result that is not an array, and a throwing call, fail the job with their function and line', async () => {
    const notAList = async (x: number) => x * 2;
    const msg = await failureOf(AsyncDataStream.orderedWait(env.fromElements(1), notAList as unknown as (x: number) => Promise<number[]>, 1000).collect());
    expect(msg).toContain("TypeScript UDF 'notAList' failed");
    expect(msg).toContain('should be an array of results');
    const throwing = async (x: number): Promise<number[]> => {
      if (x === 2) throw new Error('lookup of 2 failed');
      return [x];
    };
    const msg2 = await failureOf(AsyncDataStream.unorderedWait(env.fromElements(1, 2, 3), throwing, 1000).collect());
    expect(msg2).toContain('lookup of 2 failed');
    expect(msg2).toMatch(/datastream-async\.test\.ts:\d+/);
  });
});
