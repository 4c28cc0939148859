/**
 * Keyed state of the DataStream API (org.apache.flink.api.common.state.*): descriptors name a
 * state; the handles a KeyedProcessFunction gets from its runtime context read and write Flink's
 * keyed state of the current key. Every access is a request to Flink's state backend (through the
 * worker's state client), hence async.
 */
import type { AggregateFunction, ReduceFunction } from './functions';

/** Mirrors org.apache.flink.api.common.state.StateTtlConfig (processing-time TTL, as Flink's). */
export class StateTtlConfig {
  private constructor(
    readonly ttlMs: number,
    readonly updateType: 'OnCreateAndWrite' | 'OnReadAndWrite',
    readonly stateVisibility: 'NeverReturnExpired' | 'ReturnExpiredIfNotCleanedUp',
    readonly cleanupInBackground: boolean,
  ) {}

  /** A builder of a TTL of ttlMs, refreshed on create and write, never returning expired values (Flink's defaults). */
  static newBuilder(ttlMs: number): StateTtlConfigBuilder {
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`a state TTL must be a positive whole number of ms, got ${String(ttlMs)}`);
    return new StateTtlConfigBuilder(ttlMs, (t, u, v, c) => new StateTtlConfig(t, u, v, c));
  }
}

export class StateTtlConfigBuilder {
  private updateType: StateTtlConfig['updateType'] = 'OnCreateAndWrite';
  private visibility: StateTtlConfig['stateVisibility'] = 'NeverReturnExpired';
  private background = true;
  constructor(
    private readonly ttlMs: number,
    private readonly make: (t: number, u: StateTtlConfig['updateType'], v: StateTtlConfig['stateVisibility'], c: boolean) => StateTtlConfig,
  ) {}

  setUpdateType(t: StateTtlConfig['updateType']): this {
    this.updateType = t;
    return this;
  }
  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType('OnCreateAndWrite');
  }
  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType('OnReadAndWrite');
  }
  setStateVisibility(v: StateTtlConfig['stateVisibility']): this {
    this.visibility = v;
    return this;
  }
  neverReturnExpired(): this {
    return this.setStateVisibility('NeverReturnExpired');
  }
  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility('ReturnExpiredIfNotCleanedUp');
  }
  disableCleanupInBackground(): this {
    this.background = false;
    return this;
  }
  build(): StateTtlConfig {
    return this.make(this.ttlMs, this.updateType, this.visibility, this.background);
  }
}

abstract class StateDescriptor {
  ttlConfig?: StateTtlConfig;
  constructor(readonly name: string) {
    if (typeof name !== 'string' || name === '') throw new TypeError('a state descriptor needs a name');
  }

  /** Entries expire ttl after their last write (or read): Flink's StateDescriptor.enableTimeToLive. */
  enableTimeToLive(config: StateTtlConfig): this {
    this.ttlConfig = config;
    return this;
  }
}

export class ValueStateDescriptor<_T = unknown> extends StateDescriptor {
  readonly kind = 'value';
}

export class ListStateDescriptor<_T = unknown> extends StateDescriptor {
  readonly kind = 'list';
}

export class MapStateDescriptor<_K = unknown, _V = unknown> extends StateDescriptor {
  readonly kind = 'map';
}

/** A value combined with each added one by the reduce function. */
export class ReducingStateDescriptor<T = unknown> extends StateDescriptor {
  readonly kind = 'reducing';
  constructor(
    name: string,
    readonly reduceFunction: ReduceFunction<T> | ((a: T, b: T) => T),
  ) {
    super(name);
  }
}

/** An accumulator each added value goes into (AggregateFunction); get() is its result. */
export class AggregatingStateDescriptor<IN = unknown, ACC = unknown, OUT = unknown> extends StateDescriptor {
  readonly kind = 'aggregating';
  constructor(
    name: string,
    readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name);
  }
}

export interface ValueState<T> {
  /** The key's value, or null when none was set. */
  value(): Promise<T | null>;
  update(value: T): Promise<void>;
  clear(): Promise<void>;
}

export interface ListState<T> {
  get(): Promise<T[]>;
  add(value: T): Promise<void>;
  update(values: readonly T[]): Promise<void>;
  clear(): Promise<void>;
}

export interface MapState<K, V> {
  get(key: K): Promise<V | undefined>;
  put(key: K, value: V): Promise<void>;
  contains(key: K): Promise<boolean>;
  remove(key: K): Promise<void>;
  isEmpty(): Promise<boolean>;
  clear(): Promise<void>;
}

/** Flink's ReducingState / AggregatingState: add values, get the reduced value / the result (null when empty). */
export interface AppendingState<IN, OUT> {
  get(): Promise<OUT | null>;
  add(value: IN): Promise<void>;
  clear(): Promise<void>;
}
export type ReducingState<T> = AppendingState<T, T>;
export type AggregatingState<IN, OUT> = AppendingState<IN, OUT>;

/**
 * Flink's KeyedStateStore: the state of the current key, made from descriptors. A keyed function's
 * RuntimeContext is one; a ProcessWindowFunction's context has two (windowState() per window,
 * globalState() per key).
 */
export interface KeyedStateStore {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** What a keyed function's open(ctx) gets: Flink's RuntimeContext state accessors. */
export interface KeyedRuntimeContext extends KeyedStateStore {
  getIndexOfThisSubtask(): number;
  getNumberOfParallelSubtasks(): number;
}
