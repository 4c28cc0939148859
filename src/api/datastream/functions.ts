/**
 * The DataStream API's function interfaces (org.apache.flink.api.common.functions.*,
 * org.apache.flink.streaming.api.functions.*). A plain function works wherever a one-method
 * interface is expected; objects and class instances may add RichFunction's open(ctx)/close().
 */
import type { FunctionContext } from '../udf/functions';

/** Flink's Collector: emits a result. */
export interface Collector<T> {
  collect(value: T): void;
}

export interface RichFunction {
  open?(ctx: FunctionContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

export interface MapFunction<T, R> extends RichFunction {
  map(value: T): R | Promise<R>;
}

export interface FlatMapFunction<T, R> extends RichFunction {
  /** Emit through out.collect, or return an iterable of results. */
  flatMap(value: T, out: Collector<R>): void | Iterable<R> | Promise<void | Iterable<R>>;
}

export interface FilterFunction<T> extends RichFunction {
  filter(value: T): boolean | Promise<boolean>;
}

export interface KeySelector<T, K> {
  getKey(value: T): K;
}

export interface ReduceFunction<T> extends RichFunction {
  reduce(a: T, b: T): T;
}

export interface TimerService {
  currentWatermark(): number;
  currentProcessingTime(): number;
}

export interface ProcessFunctionContext {
  /** The record's timestamp, or null when it has none. */
  timestamp(): number | null;
  timerService(): TimerService;
}

export interface ProcessFunction<T, R> extends RichFunction {
  processElement(value: T, ctx: ProcessFunctionContext, out: Collector<R>): void | Iterable<R> | Promise<void | Iterable<R>>;
}

export interface KeyedProcessFunction<K, T, R> extends RichFunction {
  processElement(value: T, ctx: ProcessFunctionContext & { getCurrentKey(): K }, out: Collector<R>): void | Iterable<R> | Promise<void | Iterable<R>>;
}
