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
}

abstract class UserDefinedFunction {
  /** Called once per parallel instance before the first row. */
  open?(ctx: FunctionContext): void | Promise<void>;
  /** Called when the instance is discarded. */
  close?(): void | Promise<void>;
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

export type UdfKind = 'scalar' | 'table' | 'async';
