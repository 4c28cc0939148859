/**
 * The DataStream API's function interfaces (org.apache.flink.api.common.functions.*,
 * org.apache.flink.streaming.api.functions.*). A plain function works wherever a one-method
 * interface is expected; objects and class instances may add RichFunction's open(ctx)/close().
 */
import type { FunctionContext } from '../udf/functions';
import type { KeyedRuntimeContext, KeyedStateStore } from './state';

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

/** A keyed function's timer service: timers of the current key, in ms. */
export interface KeyedTimerService extends TimerService {
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/** What ctx.output takes: an OutputTag (or anything with its id). */
export interface SideOutputTag<X> {
  readonly id: string;
  /** Phantom: the side output's record type. */
  readonly __side?: X;
}

export interface KeyedProcessFunctionContext<K> {
  timestamp(): number | null;
  /** Emits to a side output (see SingleOutputStreamOperator.getSideOutput). */
  output<X>(tag: SideOutputTag<X>, value: X): void;
  getCurrentKey(): K;
  timerService(): KeyedTimerService;
}

export interface OnTimerContext<K> extends KeyedProcessFunctionContext<K> {
  timeDomain(): 'EVENT_TIME' | 'PROCESSING_TIME';
}

export interface ProcessFunctionContext {
  /** The record's timestamp, or null when it has none. */
  timestamp(): number | null;
  timerService(): TimerService;
  /** Emits to a side output (see SingleOutputStreamOperator.getSideOutput). */
  output<X>(tag: SideOutputTag<X>, value: X): void;
}

export interface ProcessFunction<T, R> extends RichFunction {
  processElement(value: T, ctx: ProcessFunctionContext, out: Collector<R>): void | Iterable<R> | Promise<void | Iterable<R>>;
}

/** A keyed process function; open(ctx) gets a KeyedRuntimeContext for its state. */
export interface KeyedProcessFunction<K, T, R> {
  open?(ctx: KeyedRuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement(value: T, ctx: KeyedProcessFunctionContext<K>, out: Collector<R>): void | Iterable<R> | Promise<void | Iterable<R>>;
  /** Called when a timer set through ctx.timerService() fires. */
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<R>): void | Iterable<R> | Promise<void | Iterable<R>>;
}

/** Flink's AggregateFunction: an accumulator per window (kept in Flink state between records). */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  /** The accumulator with the record added (may be the same object, changed). */
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  /** Two accumulators as one (session windows merging). */
  merge(a: ACC, b: ACC): ACC;
}

export interface ProcessWindowFunctionContext<W> {
  window(): W;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** State of the current key in this window (cleared by your clear(ctx)); not for session windows, as in Flink. */
  windowState(): KeyedStateStore;
  /** State of the current key across its windows. */
  globalState(): KeyedStateStore;
}

/** Flink's ProcessWindowFunction: all of a window's records (or its one pre-aggregated result) when it fires. */
export interface ProcessWindowFunction<IN, OUT, K, W> {
  /** Gets the keyed RuntimeContext (state there is the key's, as globalState()'s). */
  open?(ctx: KeyedRuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  process(key: K, context: ProcessWindowFunctionContext<W>, elements: IN[], out: Collector<OUT>): void | Iterable<OUT> | Promise<void | Iterable<OUT>>;
  /** When the window is cleaned up (its end plus the allowed lateness): clear what you kept in context.windowState(). */
  clear?(context: ProcessWindowFunctionContext<W>): void | Promise<void>;
}

/** Flink's CoMapFunction: one result per record of either connected input. */
export interface CoMapFunction<IN1, IN2, OUT> extends RichFunction {
  map1(value: IN1): OUT | Promise<OUT>;
  map2(value: IN2): OUT | Promise<OUT>;
}

/** Flink's CoFlatMapFunction: zero or more results per record of either input. */
export interface CoFlatMapFunction<IN1, IN2, OUT> extends RichFunction {
  flatMap1(value: IN1, out: Collector<OUT>): void | Iterable<OUT> | Promise<void | Iterable<OUT>>;
  flatMap2(value: IN2, out: Collector<OUT>): void | Iterable<OUT> | Promise<void | Iterable<OUT>>;
}

/** Flink's CoProcessFunction over two connected (unkeyed) inputs. */
export interface CoProcessFunction<IN1, IN2, OUT> extends RichFunction {
  processElement1(value: IN1, ctx: ProcessFunctionContext, out: Collector<OUT>): void | Iterable<OUT> | Promise<void | Iterable<OUT>>;
  processElement2(value: IN2, ctx: ProcessFunctionContext, out: Collector<OUT>): void | Iterable<OUT> | Promise<void | Iterable<OUT>>;
}

/** Flink's KeyedCoProcessFunction: two inputs keyed alike, sharing the key's state and timers. */
export interface KeyedCoProcessFunction<K, IN1, IN2, OUT> {
  open?(ctx: KeyedRuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement1(value: IN1, ctx: KeyedProcessFunctionContext<K>, out: Collector<OUT>): void | Iterable<OUT> | Promise<void | Iterable<OUT>>;
  processElement2(value: IN2, ctx: KeyedProcessFunctionContext<K>, out: Collector<OUT>): void | Iterable<OUT> | Promise<void | Iterable<OUT>>;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void | Iterable<OUT> | Promise<void | Iterable<OUT>>;
}
