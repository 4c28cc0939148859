/**
 * Broadcast state (Flink's BroadcastStream / BroadcastConnectedStream, PyFlink's
 * data_stream.BroadcastStream): `stream.broadcast(descriptor)` sends every record to every subtask
 * of the next operator; `other.connect(broadcastStream).process(fn)` runs a TS
 * BroadcastProcessFunction (or, when `other` is keyed, a KeyedBroadcastProcessFunction) in which
 * `ctx.getBroadcastState(descriptor)` is Flink's operator broadcast state: read-only in
 * processElement, writable in processBroadcastElement. Built on the JVM side as PyFlink builds it
 * (dev.tsflink.datastream.Broadcasts: flink-python's Python(Keyed)BroadcastStateTransformation).
 */
import { callSync } from '../../gateway/jvm';
import { toJavaJson } from '../../gateway/java-json';
import { shipValueSync } from '../udf/ship';
import { SingleOutputStreamOperator, type DataStream } from './data-stream';
import type { DataStreamFunctionDescriptor } from './descriptor';
import type { Collector, RichFunction, SideOutputTag, KeyedTimerService, TimerService } from './functions';
import type { KeyedRuntimeContext, MapStateDescriptor } from './state';
import { Types, type TypeInformation } from './types';

const BROADCASTS = 'dev.tsflink.datastream.Broadcasts';

/** Flink's ReadOnlyBroadcastState: what processElement sees of a broadcast state. */
export interface ReadOnlyBroadcastState<K, V> {
  get(key: K): Promise<V | undefined>;
  contains(key: K): Promise<boolean>;
  /** All entries (Java's immutableEntries()). */
  entries(): Promise<[K, V][]>;
  keys(): Promise<K[]>;
  values(): Promise<V[]>;
  isEmpty(): Promise<boolean>;
}

/** Flink's BroadcastState: writable, in processBroadcastElement. */
export interface BroadcastState<K, V> extends ReadOnlyBroadcastState<K, V> {
  put(key: K, value: V): Promise<void>;
  putAll(entries: Iterable<[K, V]>): Promise<void>;
  remove(key: K): Promise<void>;
  clear(): Promise<void>;
}

interface BaseBroadcastContext {
  /** The record's timestamp, or null when it has none. */
  timestamp(): number | null;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** Emits to a side output (see SingleOutputStreamOperator.getSideOutput). */
  output<X>(tag: SideOutputTag<X>, value: X): void;
}

/** BroadcastProcessFunction.ReadOnlyContext: the regular input's side. */
export interface BroadcastReadOnlyContext extends BaseBroadcastContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V>;
  timerService(): TimerService;
}

/** BroadcastProcessFunction.Context: the broadcast input's side. */
export interface BroadcastContext extends BaseBroadcastContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
}

/** KeyedBroadcastProcessFunction.ReadOnlyContext: also the current key and its timers. */
export interface KeyedBroadcastReadOnlyContext<K> extends BaseBroadcastContext {
  getBroadcastState<MK, MV>(descriptor: MapStateDescriptor<MK, MV>): ReadOnlyBroadcastState<MK, MV>;
  getCurrentKey(): K;
  timerService(): KeyedTimerService;
}

export interface KeyedBroadcastOnTimerContext<K> extends KeyedBroadcastReadOnlyContext<K> {
  timeDomain(): 'EVENT_TIME' | 'PROCESSING_TIME';
}

type Out<R> = void | Iterable<R> | Promise<void | Iterable<R>>;

/** Flink's BroadcastProcessFunction over a non-keyed stream and a broadcast stream. */
export interface BroadcastProcessFunction<IN1, IN2, OUT> extends RichFunction {
  processElement(value: IN1, ctx: BroadcastReadOnlyContext, out: Collector<OUT>): Out<OUT>;
  processBroadcastElement(value: IN2, ctx: BroadcastContext, out: Collector<OUT>): Out<OUT>;
}

/** Flink's KeyedBroadcastProcessFunction: keyed state and timers on the regular side. */
export interface KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> {
  open?(ctx: KeyedRuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement(value: IN1, ctx: KeyedBroadcastReadOnlyContext<K>, out: Collector<OUT>): Out<OUT>;
  processBroadcastElement(value: IN2, ctx: BroadcastContext, out: Collector<OUT>): Out<OUT>;
  onTimer?(timestamp: number, ctx: KeyedBroadcastOnTimerContext<K>, out: Collector<OUT>): Out<OUT>;
}

/** A stream broadcast with the descriptors of the broadcast states it fills (DataStream.broadcast(descriptors)). */
export class BroadcastStream<T> {
  readonly descriptors: readonly MapStateDescriptor[];
  constructor(
    readonly input: DataStream<T>,
    descriptors: readonly MapStateDescriptor[],
  ) {
    for (const d of descriptors) {
      if (d?.kind !== 'map') throw new TypeError('broadcast() takes MapStateDescriptors (broadcast state is a map)');
    }
    this.descriptors = descriptors;
  }

  getType(): TypeInformation<T> {
    return this.input.getType();
  }
}

/** A (keyed or non-keyed) stream connected with a BroadcastStream. */
export class BroadcastConnectedStream<IN1, IN2> {
  constructor(
    readonly nonBroadcastStream: DataStream<IN1>,
    readonly broadcastStream: BroadcastStream<IN2>,
  ) {}

  /** A BroadcastProcessFunction, or on a keyed stream a KeyedBroadcastProcessFunction. */
  // F: an object literal may carry its own fields (state handles), typed as `this` in its methods
  process<R, F extends BroadcastProcessFunction<IN1, IN2, R> | KeyedBroadcastProcessFunction<unknown, IN1, IN2, R> = BroadcastProcessFunction<IN1, IN2, R>>(
    fn: F,
    outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>(),
  ): SingleOutputStreamOperator<R> {
    for (const m of ['processElement', 'processBroadcastElement']) {
      if (typeof (fn as unknown as Record<string, unknown> | null)?.[m] !== 'function') throw new TypeError(`broadcast process: the function object has no ${m}() method`);
    }
    const keyed = 'keyType' in this.nonBroadcastStream;
    const name = keyed ? 'Keyed-Broadcast-Process' : 'Broadcast-Process';
    const names = this.broadcastStream.descriptors.map((d) => d.name);
    const d: DataStreamFunctionDescriptor = {
      tsflink: 1,
      kind: keyed ? 'keyedBroadcastProcess' : 'broadcastProcess',
      name,
      code: shipValueSync(fn, name),
      broadcastStates: names,
    };
    const payload = Buffer.from(JSON.stringify(d), 'utf8').toString('base64');
    const h = callSync<number>(BROADCASTS, 'process', this.nonBroadcastStream.handle, this.broadcastStream.input.handle, toJavaJson(names), payload, toJavaJson(outputType.spec), name);
    return new SingleOutputStreamOperator<R>(this.nonBroadcastStream.env, h, outputType);
  }
}
