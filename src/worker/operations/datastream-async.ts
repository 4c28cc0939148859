/**
 * The worker's async wait queue for AsyncDataStream (a stage of the DataStream operation, as
 * PyFlink's AsyncOperation in pyflink/fn_execution/datastream/process/async_function/ is for its
 * stateless function URN): each input's call runs concurrently with the others, up to `capacity`
 * inputs in flight; results leave in input order (ordered) or as calls complete (unordered, never
 * across a watermark: PyFlink's segments); a timeout bounds all attempts of an input and then
 * asks the function's `timeout()` (or fails); a retry strategy repeats an attempt whose results or
 * error match its predicates, after its backoff. Java's AsyncWaitOperator semantics throughout.
 */
import type { AsyncWaitSpec } from '../../api/datastream/descriptor';
import type { ResultFuture, ShippedAsyncFunction } from '../../api/datastream/async-data-stream';
import type { AsyncRetryStrategy } from '../../api/datastream/async-retry';

/** One input in the queue. */
interface Entry {
  value: unknown;
  ts: number | null;
  wm: number | null;
  rawTs: unknown;
  /** Inputs of one segment (between two watermarks) may overtake each other (unordered). */
  segment: number;
  results?: unknown[];
}

/** Where completed inputs' results go, in emission order. */
export type AsyncEmit = (results: unknown[], ts: number | null, wm: number | null, rawTs: unknown) => void;

/** Java's TimeoutException of the default AsyncFunction.timeout(), with the function and input. */
class AsyncTimeoutError extends Error {
  override name = 'TimeoutException';
}

function describe(v: unknown): string {
  try {
    const s = typeof v === 'string' ? `'${v}'` : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 200)}…` : s;
  } catch {
    return String(v);
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export class AsyncWaitStage {
  /** The user's object (open/close), or the plain function. */
  readonly target: object;
  private readonly invoke: (input: unknown, rf: ResultFuture<unknown>) => unknown;
  private readonly onTimeout?: (input: unknown, rf: ResultFuture<unknown>) => unknown;
  private readonly retry: AsyncRetryStrategy<unknown>;
  private readonly retryOnResult?: (results: readonly unknown[]) => boolean;
  private readonly retryOnError?: (error: unknown) => boolean;
  /** Inputs not yet emitted, in input order. */
  private entries: Entry[] = [];
  /** Unordered: completed entries, in completion order. */
  private completed: Entry[] = [];
  private segment = 0;
  private lastWatermark: number | null = null;
  private failure: unknown;
  /** Waiters for room in the queue / for an empty queue. */
  private waiters: (() => void)[] = [];
  /** Bumped on reset: calls of a failed bundle no longer touch the queue. */
  private epoch = 0;

  constructor(
    private readonly name: string,
    shipped: ShippedAsyncFunction,
    private readonly spec: AsyncWaitSpec,
    private readonly emit: AsyncEmit,
  ) {
    const fn = shipped.fn as ((...a: unknown[]) => unknown) | { asyncInvoke(...a: unknown[]): unknown; timeout?(...a: unknown[]): unknown };
    this.target = fn;
    if (typeof fn === 'function') {
      this.invoke = fn;
    } else {
      if (typeof fn?.asyncInvoke !== 'function') throw new TypeError(`async function '${name}': the shipped object has no asyncInvoke() method`);
      this.invoke = fn.asyncInvoke.bind(fn);
      if (typeof fn.timeout === 'function') this.onTimeout = fn.timeout.bind(fn);
    }
    this.retry = shipped.retry;
    const predicate = this.retry.getRetryPredicate();
    this.retryOnResult = predicate.resultPredicate();
    this.retryOnError = predicate.exceptionPredicate();
  }

  /** Whether inputs are still in the queue. */
  get busy(): boolean {
    return this.entries.length > 0;
  }

  /** Queues one input (waiting for room, as Java's put blocks) and starts its call. */
  async admit(value: unknown, ts: number | null, wm: number | null, rawTs: unknown): Promise<void> {
    while (this.entries.length >= this.spec.capacity && this.failure === undefined) await this.progress();
    this.throwFailure();
    // a higher watermark starts a new segment: unordered results do not overtake it
    if (wm !== null && (this.lastWatermark === null || wm > this.lastWatermark)) {
      if (this.lastWatermark !== null) this.segment++;
      this.lastWatermark = wm;
    }
    const entry: Entry = { value, ts, wm, rawTs, segment: this.segment };
    this.entries.push(entry);
    this.start(entry);
  }

  /** Resolves once every queued input has been emitted; rejects with the first failure. */
  async drain(): Promise<void> {
    while (this.entries.length > 0 && this.failure === undefined) await this.progress();
    this.throwFailure();
  }

  /** Forgets the queue after a failed bundle (late completions are ignored). */
  reset(): void {
    this.epoch++;
    this.entries = [];
    this.completed = [];
    this.failure = undefined;
    this.wakeAll();
  }

  private throwFailure(): void {
    if (this.failure === undefined) return;
    const f = this.failure;
    this.reset();
    throw f;
  }

  private progress(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wakeAll(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  private fail(e: unknown): void {
    this.failure ??= e;
    this.wakeAll();
  }

  /**
   * The calls of one input: attempts until one is final (not retried), or the timeout. Java's
   * ResultHandler and RetryableResultHandlerDelegator: one outcome per input, later ones ignored.
   */
  private start(entry: Entry): void {
    const epoch = this.epoch;
    let settled = false;
    let attempts = 1;
    /** The attempt whose outcome is awaited (0: none); each call gets its own token. */
    let live = 0;
    let token = 0;
    let retryTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    const settle = (results: unknown[] | undefined, error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(retryTimer);
      if (epoch !== this.epoch) return;
      if (error !== undefined || results === undefined) this.fail(error ?? new Error(`async function '${this.name}' completed without results`));
      else this.complete(entry, results);
    };
    const asResults = (v: unknown, from: string): unknown[] => {
      if (!Array.isArray(v)) {
        throw new TypeError(
          `the ${from} of async function '${this.name}' should be an array of results (Java's ResultFuture.complete(collection)), got ${v === null ? 'null' : typeof v}: ${describe(v)}`,
        );
      }
      return v;
    };
    // the outcome of attempt `n`: final, or retried after the strategy's backoff
    const outcome = (n: number, results: unknown, error: unknown, failed: boolean) => {
      if (settled || n !== live) return;
      live = 0; // this attempt is decided; anything else it sends is ignored
      let rs: unknown[] | undefined;
      if (!failed) {
        try {
          rs = asResults(results, 'result');
        } catch (e) {
          return settle(undefined, e);
        }
      }
      let again = false;
      try {
        again = failed ? !!this.retryOnError?.(error) : !!this.retryOnResult?.(rs!);
        again &&= this.retry.canRetry(attempts);
      } catch (e) {
        return settle(undefined, e);
      }
      if (!again) return failed ? settle(undefined, error ?? new Error(`async function '${this.name}' failed with ${String(error)}`)) : settle(rs);
      retryTimer = setTimeout(() => {
        attempts++;
        run();
      }, Math.max(0, this.retry.getBackoffTimeMillis(attempts)));
    };
    const run = () => {
      if (settled) return;
      const n = ++token;
      live = n;
      const rf: ResultFuture<unknown> = {
        complete: (results) => outcome(n, results, undefined, false),
        completeExceptionally: (error) => outcome(n, undefined, error, true),
      };
      try {
        const r = this.invoke(entry.value, rf);
        if (isThenable(r)) {
          r.then(
            (v) => {
              // undefined: the function completes through resultFuture instead
              if (v !== undefined) outcome(n, v, undefined, false);
            },
            (e: unknown) => outcome(n, undefined, e, true),
          );
        } else if (r !== undefined) {
          outcome(n, r, undefined, false);
        }
      } catch (e) {
        outcome(n, undefined, e, true);
      }
    };
    if (this.spec.timeoutMs > 0) {
      timeoutTimer = setTimeout(() => {
        if (settled) return;
        clearTimeout(retryTimer);
        live = 0; // late results of the running attempt are ignored
        if (!this.onTimeout) {
          return settle(
            undefined,
            new AsyncTimeoutError(
              `Async function call has timed out: '${this.name}' gave no result for input ${describe(entry.value)} within ${this.spec.timeoutMs} ms` +
                `${attempts > 1 ? ` (${attempts} attempts)` : ''}; give it a timeout() method for a fallback result`,
            ),
          );
        }
        let done = false;
        const once = (results: unknown, error: unknown, failed: boolean) => {
          if (done) return;
          done = true;
          if (failed) return settle(undefined, error);
          try {
            settle(asResults(results, 'timeout() result'));
          } catch (e) {
            settle(undefined, e);
          }
        };
        const rf: ResultFuture<unknown> = { complete: (rs) => once(rs, undefined, false), completeExceptionally: (e) => once(undefined, e, true) };
        try {
          const r = this.onTimeout(entry.value, rf);
          if (isThenable(r)) r.then((v) => v !== undefined && once(v, undefined, false), (e: unknown) => once(undefined, e, true));
          else if (r !== undefined) once(r, undefined, false);
        } catch (e) {
          once(undefined, e, true);
        }
      }, this.spec.timeoutMs);
    }
    run();
  }

  /** An input's results are in: emits what may leave the queue now. */
  private complete(entry: Entry, results: unknown[]): void {
    entry.results = results;
    if (this.spec.ordered) {
      while (this.entries.length > 0 && this.entries[0].results !== undefined) this.out(this.entries.shift()!);
    } else {
      this.completed.push(entry);
      // only the oldest segment's inputs may leave (those before the watermark go first)
      for (;;) {
        const head = this.entries[0]?.segment;
        const i = this.completed.findIndex((e) => e.segment === head);
        if (head === undefined || i < 0) break;
        const [e] = this.completed.splice(i, 1);
        this.entries.splice(this.entries.indexOf(e), 1);
        this.out(e);
      }
    }
    this.wakeAll();
  }

  private out(e: Entry): void {
    try {
      this.emit(e.results!, e.ts, e.wm, e.rawTs);
    } catch (err) {
      this.fail(err);
    }
  }
}
