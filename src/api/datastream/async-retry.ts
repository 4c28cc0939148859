/**
 * Mirrors org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy and
 * org.apache.flink.streaming.util.retryable.{AsyncRetryStrategies, RetryPredicates} (PyFlink's
 * async_retry_strategies.py): when and how often an async I/O call is tried again.
 *
 * This module has no runtime imports on purpose: a strategy is shipped to the worker with the
 * AsyncFunction, and a class that references no other module ships as it is.
 */

/** The conditions for a retry: on the results of an attempt, and/or on its error. */
export interface AsyncRetryPredicate<OUT> {
  /** Retry when this returns true for an attempt's results (e.g. an empty lookup). */
  resultPredicate(): ((results: readonly OUT[]) => boolean) | undefined;
  /** Retry when this returns true for an attempt's error. */
  exceptionPredicate(): ((error: unknown) => boolean) | undefined;
}

/** Flink's AsyncRetryStrategy. `currentAttempts` is 1 after the first call. */
export interface AsyncRetryStrategy<OUT> {
  /** Whether another attempt may follow attempt number `currentAttempts`. */
  canRetry(currentAttempts: number): boolean;
  /** The delay before the next attempt, after attempt number `currentAttempts`. */
  getBackoffTimeMillis(currentAttempts: number): number;
  getRetryPredicate(): AsyncRetryPredicate<OUT>;
}

class RetryPredicate<OUT> implements AsyncRetryPredicate<OUT> {
  constructor(
    private readonly onResult?: (results: readonly OUT[]) => boolean,
    private readonly onException?: (error: unknown) => boolean,
  ) {}

  resultPredicate(): ((results: readonly OUT[]) => boolean) | undefined {
    return this.onResult;
  }

  exceptionPredicate(): ((error: unknown) => boolean) | undefined {
    return this.onException;
  }
}

class NoRetryStrategy implements AsyncRetryStrategy<unknown> {
  canRetry(): boolean {
    return false;
  }

  getBackoffTimeMillis(): number {
    return -1;
  }

  getRetryPredicate(): AsyncRetryPredicate<unknown> {
    return new RetryPredicate<unknown>();
  }
}

function positive(what: string, v: number, integer = true): void {
  if (typeof v !== 'number' || !(v > 0) || (integer && !Number.isInteger(v))) throw new RangeError(`${what} should be greater than zero, got ${String(v)}`);
}

/** Retries after a fixed delay, at most `maxAttempts` times (Java's FixedDelayRetryStrategy). */
export class FixedDelayRetryStrategy<OUT> implements AsyncRetryStrategy<OUT> {
  constructor(
    private readonly maxAttempts: number,
    private readonly backoffTimeMillis: number,
    private readonly predicate: AsyncRetryPredicate<OUT>,
  ) {}

  // Java's `currentAttempts <= maxAttempts`: maxAttempts retries after the first call
  canRetry(currentAttempts: number): boolean {
    return currentAttempts <= this.maxAttempts;
  }

  getBackoffTimeMillis(): number {
    return this.backoffTimeMillis;
  }

  getRetryPredicate(): AsyncRetryPredicate<OUT> {
    return this.predicate;
  }
}

/**
 * Retries with a delay that starts at `initialDelay` and is multiplied by `multiplier` after each
 * attempt, up to `maxRetryDelay` (Java's ExponentialBackoffDelayRetryStrategy). Java keeps the last
 * delay in the strategy, shared by all records; here the delay is computed from the record's own
 * attempt count, which gives the same sequence for each record.
 */
export class ExponentialBackoffDelayRetryStrategy<OUT> implements AsyncRetryStrategy<OUT> {
  constructor(
    private readonly maxAttempts: number,
    private readonly initialDelay: number,
    private readonly maxRetryDelay: number,
    private readonly multiplier: number,
    private readonly predicate: AsyncRetryPredicate<OUT>,
  ) {}

  canRetry(currentAttempts: number): boolean {
    return currentAttempts <= this.maxAttempts;
  }

  getBackoffTimeMillis(currentAttempts: number): number {
    let delay = this.initialDelay;
    for (let i = 1; i < currentAttempts && delay < this.maxRetryDelay; i++) delay = Math.trunc(Math.min(delay * this.multiplier, this.maxRetryDelay));
    return Math.min(delay, this.maxRetryDelay);
  }

  getRetryPredicate(): AsyncRetryPredicate<OUT> {
    return this.predicate;
  }
}

class FixedDelayRetryStrategyBuilder<OUT> {
  private onResult?: (results: readonly OUT[]) => boolean;
  private onException?: (error: unknown) => boolean;

  constructor(
    private readonly maxAttempts: number,
    private readonly backoffTimeMillis: number,
  ) {
    positive('maxAttempts', maxAttempts);
    positive('backoffTimeMillis', backoffTimeMillis);
  }

  ifResult(resultRetryPredicate: (results: readonly OUT[]) => boolean): this {
    this.onResult = resultRetryPredicate;
    return this;
  }

  ifException(exceptionRetryPredicate: (error: unknown) => boolean): this {
    this.onException = exceptionRetryPredicate;
    return this;
  }

  build(): FixedDelayRetryStrategy<OUT> {
    return new FixedDelayRetryStrategy<OUT>(this.maxAttempts, this.backoffTimeMillis, new RetryPredicate(this.onResult, this.onException));
  }
}

class ExponentialBackoffDelayRetryStrategyBuilder<OUT> {
  private onResult?: (results: readonly OUT[]) => boolean;
  private onException?: (error: unknown) => boolean;

  constructor(
    private readonly maxAttempts: number,
    private readonly initialDelay: number,
    private readonly maxRetryDelay: number,
    private readonly multiplier: number,
  ) {
    positive('maxAttempts', maxAttempts);
    positive('initialDelay', initialDelay);
    positive('maxRetryDelay', maxRetryDelay);
    positive('multiplier', multiplier, false);
  }

  ifResult(resultRetryPredicate: (results: readonly OUT[]) => boolean): this {
    this.onResult = resultRetryPredicate;
    return this;
  }

  ifException(exceptionRetryPredicate: (error: unknown) => boolean): this {
    this.onException = exceptionRetryPredicate;
    return this;
  }

  build(): ExponentialBackoffDelayRetryStrategy<OUT> {
    return new ExponentialBackoffDelayRetryStrategy<OUT>(
      this.maxAttempts,
      this.initialDelay,
      this.maxRetryDelay,
      this.multiplier,
      new RetryPredicate(this.onResult, this.onException),
    );
  }
}

/** Java's AsyncRetryStrategies: `new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder(3, 100).ifException(...).build()`. */
export const AsyncRetryStrategies = {
  NO_RETRY_STRATEGY: new NoRetryStrategy() as AsyncRetryStrategy<unknown>,
  FixedDelayRetryStrategyBuilder,
  ExponentialBackoffDelayRetryStrategyBuilder,
};

/** Java's RetryPredicates. */
export const RetryPredicates = {
  /** Retry when an attempt gave no results. */
  EMPTY_RESULT_PREDICATE: (results: readonly unknown[]): boolean => results.length === 0,
  /** Retry on any error. */
  HAS_EXCEPTION_PREDICATE: (error: unknown): boolean => error !== undefined,
  /** Retry on errors of a class (or its subclasses). */
  createExceptionTypePredicate:
    (errorClass: abstract new (...args: never[]) => unknown) =>
    (error: unknown): boolean =>
      error instanceof errorClass,
};
