/**
 * Base classes and runtime context of TypeScript user-defined functions, mirroring Flink's
 * ScalarFunction / TableFunction / AsyncScalarFunction and FunctionContext (and PyFlink's
 * equivalents). This module is loaded by the UDF worker too, so it must stay dependency-free.
 */

export interface Counter {
  inc(n?: number): void;
  dec(n?: number): void;
  getCount(): number;
}

export interface Meter {
  /** Marks `n` (default 1) events. */
  markEvent(n?: number): void;
  getCount(): number;
}

export interface Distribution {
  update(value: number): void;
}

/** Flink metrics of the function's operator (visible in the web UI / REST API). */
export interface MetricGroup {
  /** A sub-group `name`, or a key-value group `name`=`value` when `value` is given. */
  addGroup(name: string, value?: string): MetricGroup;
  counter(name: string): Counter;
  /** A gauge reporting `fn()` (an integer) after each bundle. */
  gauge(name: string, fn: () => number): void;
  /** A meter: events per second averaged over `timeSpanInSeconds` (default 60). */
  meter(name: string, timeSpanInSeconds?: number): Meter;
  distribution(name: string): Distribution;
}

/** What `open(ctx)` receives: metrics, job parameters and task information. */
export interface FunctionContext {
  getMetricGroup(): MetricGroup;
  /** A job parameter (`pipeline.global-job-parameters`), or `defaultValue`. */
  getJobParameter(key: string, defaultValue: string): string;
  getTaskName(): string;
  getNumberOfParallelSubtasks(): number;
  getIndexOfThisSubtask(): number;
  /** The task name with its subtask: `name (index+1/parallelism)#attempt`, as Flink logs it. */
  getTaskNameWithSubtasks(): string;
  /** The operator's max parallelism (the number of key groups). */
  getMaxNumberOfParallelSubtasks(): number;
  /** 0 on the first run of the task, +1 on each restart after a failure. */
  getAttemptNumber(): number;
}

abstract class UserDefinedFunction {
  /** Called once per parallel instance before the first row. */
  open?(ctx: FunctionContext): void | Promise<void>;
  /** Called when the instance is discarded. */
  close?(): void | Promise<void>;
  /**
   * False if the function may return different results for the same arguments (random, time,
   * external state): the planner then neither folds constant calls nor reuses one call's result.
   * Read once, when udf()/udtf()/... wraps the instance; their `deterministic` option overrides it.
   */
  isDeterministic(): boolean {
    return true;
  }
}

/** A scalar function: `eval` maps the arguments of one row to one value. */
export abstract class ScalarFunction<A extends unknown[] = unknown[], R = unknown> extends UserDefinedFunction {
  abstract eval(...args: A): R;
}

/** A table function: `eval` yields (or returns an array of) zero or more rows per input row. */
export abstract class TableFunction<A extends unknown[] = unknown[], R = unknown> extends UserDefinedFunction {
  abstract eval(...args: A): Iterable<R> | null | undefined;
}

/** An async scalar function: `eval` returns a Promise; several rows are in flight at once. */
export abstract class AsyncScalarFunction<A extends unknown[] = unknown[], R = unknown> extends UserDefinedFunction {
  abstract eval(...args: A): Promise<R>;
}

/**
 * A list in an aggregate function's accumulator that lives in Flink's list state (Flink's
 * `ListView`): declare its field with `DataTypes.LIST_VIEW(elementType)` in the accumulator type.
 * Inside a job only the elements a call touches are in the worker's memory, so a list of millions
 * of elements is fine. Writes are synchronous (buffered until the key's accumulators are stored);
 * reads are asynchronous, as they may ask Flink. `new ListView()` in `createAccumulator` is a
 * placeholder the worker replaces with the state-backed view (and an in-memory list elsewhere).
 */
export class ListView<T = unknown> {
  private list: T[] = [];

  /** The elements, in insertion order. */
  async *get(): AsyncIterable<T> {
    yield* this.list;
  }

  add(value: T): void {
    if (value === null || value === undefined) throw new TypeError('a ListView cannot hold null elements');
    this.list.push(value);
  }

  addAll(values: Iterable<T>): void {
    for (const v of values) this.add(v);
  }

  clear(): void {
    this.list = [];
  }
}

/**
 * A map in an aggregate function's accumulator that lives in Flink's map state (Flink's `MapView`):
 * declare its field with `DataTypes.MAP_VIEW(keyType, valueType)`. As with ListView, writes are
 * synchronous and reads asynchronous.
 */
export class MapView<K = unknown, V = unknown> {
  private map = new Map<K, V | null>();

  /** The value of `key`, or null when there is none. */
  async get(key: K): Promise<V | null> {
    return this.map.get(key) ?? null;
  }

  put(key: K, value: V | null): void {
    this.map.set(key, value);
  }

  putAll(entries: Iterable<readonly [K, V | null]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  remove(key: K): void {
    this.map.delete(key);
  }

  async contains(key: K): Promise<boolean> {
    return this.map.has(key);
  }

  async *entries(): AsyncIterable<[K, V | null]> {
    yield* this.map.entries();
  }

  async *keys(): AsyncIterable<K> {
    yield* this.map.keys();
  }

  async *values(): AsyncIterable<V | null> {
    yield* this.map.values();
  }

  async isEmpty(): Promise<boolean> {
    return this.map.size === 0;
  }

  clear(): void {
    this.map.clear();
  }
}

/**
 * An aggregate function (Flink's `AggregateFunction<T, ACC>`): many rows of a group → one value.
 * The accumulator must be a mutable container (an object for a ROW accumulator type, an array, a
 * Map): `accumulate` and `retract` change it in place. It is stored in Flink's keyed state between
 * bundles, encoded with the declared `accumulatorType`. Methods may return Promises (to read a
 * ListView or MapView).
 */
export abstract class AggregateFunction<T = unknown, ACC = unknown, A extends unknown[] = unknown[]> extends UserDefinedFunction {
  abstract createAccumulator(): ACC;
  abstract accumulate(accumulator: ACC, ...args: A): void | Promise<void>;
  /** Needed when the input is an updating table (an aggregate over an aggregate, a join's output). */
  retract?(accumulator: ACC, ...args: A): void | Promise<void>;
  /** Merges `others` into `accumulator` (session windows). */
  merge?(accumulator: ACC, others: ACC[]): void | Promise<void>;
  abstract getValue(accumulator: ACC): T | Promise<T>;
  resetAccumulator?(accumulator: ACC): void | Promise<void>;
}

/** Where `emitUpdateWithRetract` sends its changes (Flink's `RetractableCollector`). */
export interface RetractableCollector<T> {
  /** Emits a new row (+I). */
  collect(row: T): void;
  /** Retracts a row emitted before (-D). */
  retract(row: T): void;
}

/**
 * A table aggregate function (Flink's `TableAggregateFunction<T, ACC>`): many rows of a group → zero
 * or more rows, used with `groupBy(...).flatAggregate(call(f, ...))`. `emitValue` yields the
 * group's current rows (objects with the result type's fields, arrays, or the single column's value);
 * when a group changes, its previous rows are retracted first. Or, instead, `emitUpdateWithRetract`
 * sends only what changed (the accumulator must remember what it emitted).
 */
export abstract class TableAggregateFunction<T = unknown, ACC = unknown, A extends unknown[] = unknown[]> extends UserDefinedFunction {
  abstract createAccumulator(): ACC;
  abstract accumulate(accumulator: ACC, ...args: A): void | Promise<void>;
  retract?(accumulator: ACC, ...args: A): void | Promise<void>;
  merge?(accumulator: ACC, others: ACC[]): void | Promise<void>;
  emitValue?(accumulator: ACC): Iterable<T> | AsyncIterable<T> | Promise<Iterable<T>>;
  emitUpdateWithRetract?(accumulator: ACC, out: RetractableCollector<T>): void | Promise<void>;
}

export type UdfKind = 'scalar' | 'table' | 'async' | 'aggregate' | 'tableAggregate';
