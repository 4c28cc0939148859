/**
 * Mirrors org.apache.flink.streaming.api.datastream.WindowedStream. As PyFlink builds it: one
 * keyed operator of flink-python (function type WINDOW) with the window namespace serializer,
 * whose payload carries the user's functions and the window description; the worker's window
 * operator does the rest (src/worker/operations/datastream-window.ts).
 */
import { callSync } from '../../gateway/jvm';
import { toJavaJson } from '../../gateway/java-json';
import { DS, ship, SingleOutputStreamOperator, type KeyedStream } from './data-stream';
import type { AggregateFunction, ProcessWindowFunction, ReduceFunction } from './functions';
import { OutputTag } from './output-tag';
import { Types, type TypeInformation } from './types';
import { asEvictor, type CustomEvictor } from './custom-windows';
import { asTrigger, type CustomTrigger, type Evictor, type Trigger, type Window, type WindowAssigner, type WindowSpec } from './windowing';

type ProcessWindowFn<IN, OUT, K, W> = ProcessWindowFunction<IN, OUT, K, W> | ProcessWindowFunction<IN, OUT, K, W>['process'];

export class WindowedStream<T, K, W extends Window> {
  private windowTrigger: Trigger<W>;
  private lateness = 0;
  private lateDataTag?: string;
  private windowEvictor?: Evictor<T>;

  constructor(
    private readonly input: KeyedStream<T, K>,
    private readonly assigner: WindowAssigner<W>,
  ) {
    this.windowTrigger = this.mergeable(assigner.defaultTrigger());
  }

  /** Replaces the assigner's default trigger: a built-in one, or a TS trigger (CustomTrigger). */
  trigger(trigger: Trigger<W> | CustomTrigger<T, W>): this {
    const t = asTrigger(trigger as Trigger<W> | CustomTrigger<never, W>);
    this.windowTrigger = this.mergeable(t);
    return this;
  }

  /** Merging windows (sessions, a TS assigner with mergeWindows) need a trigger that can merge, as Java checks at runtime. */
  private mergeable(t: Trigger<W>): Trigger<W> {
    if (t.custom && this.assigner.isMerging() && !(typeof t.custom.canMerge === 'function' && t.custom.canMerge() && typeof t.custom.onMerge === 'function')) {
      throw new TypeError('a trigger of session windows (merging windows) needs canMerge() returning true and onMerge(window, ctx), as in Flink');
    }
    return t;
  }

  /** How long after its end (event time) a window still takes late records and fires again. */
  allowedLateness(ms: number): this {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`allowedLateness must be a non-negative whole number of ms, got ${String(ms)}`);
    if (ms > 0 && !this.assigner.isEventTime()) throw new Error('allowedLateness applies to event-time windows only');
    this.lateness = ms;
    return this;
  }

  /**
   * Removes records from a firing window before (or, doEvictAfter, after) the window function sees
   * them: CountEvictor, TimeEvictor, DeltaEvictor, or a TS evictor (CustomEvictor). The window then
   * keeps all its records, even for reduce and aggregate, which run over what is left at each
   * firing (as in Java).
   */
  evictor(evictor: Evictor<T> | CustomEvictor<T, W>): this {
    this.windowEvictor = asEvictor(evictor);
    return this;
  }

  /**
   * Late records (event time: every window of theirs already past its allowed lateness) go to this
   * side output instead of being dropped; read them with getSideOutput(tag) on the window's result.
   */
  sideOutputLateData(tag: OutputTag<T>): this {
    if (!(tag instanceof OutputTag)) throw new TypeError('sideOutputLateData needs an OutputTag');
    this.lateDataTag = tag.id;
    return this;
  }

  private build<R>(contents: WindowSpec['contents'], fns: object, outType: TypeInformation<R>, name: string): SingleOutputStreamOperator<R> {
    const spec: WindowSpec = { assigner: this.assigner.spec, trigger: this.windowTrigger.spec, allowedLateness: this.lateness, contents, lateDataTag: this.lateDataTag, evictor: this.windowEvictor?.spec };
    if (this.windowEvictor?.delta) fns = { ...fns, delta: this.windowEvictor.delta };
    if (this.windowEvictor?.custom) fns = { ...fns, evictor: this.windowEvictor.custom };
    if (this.windowTrigger.custom) fns = { ...fns, trigger: this.windowTrigger.custom };
    if (this.assigner.custom) fns = { ...fns, assigner: this.assigner.custom };
    const h = callSync<number>(DS, 'window', this.input.handle, ship('window', name, fns, spec), this.assigner.namespace(), toJavaJson(outType.spec), name);
    return new SingleOutputStreamOperator<R>(this.input.env, h, outType);
  }

  /**
   * Each window's records reduced to one (incrementally: one value per window in Flink state), or
   * that one value through a ProcessWindowFunction.
   */
  reduce(fn: ReduceFunction<T> | ((a: T, b: T) => T)): SingleOutputStreamOperator<T>;
  reduce<R>(fn: ReduceFunction<T> | ((a: T, b: T) => T), windowFn: ProcessWindowFn<T, R, K, W>, outputType?: TypeInformation<R>): SingleOutputStreamOperator<R>;
  reduce<R>(fn: ReduceFunction<T> | ((a: T, b: T) => T), windowFn?: ProcessWindowFn<T, R, K, W>, outputType?: TypeInformation<R>): SingleOutputStreamOperator<R | T> {
    checkFn('reduce', fn, 'reduce');
    if (windowFn !== undefined) checkFn('reduce', windowFn, 'process');
    const outType = windowFn === undefined ? this.input.type : (outputType ?? Types.PICKLED_BYTE_ARRAY<R>());
    return this.build<R | T>('reduce', { reduce: fn, process: windowFn }, outType as TypeInformation<R | T>, 'Window(Reduce)');
  }

  /** Each window's records into an accumulator (AggregateFunction), its result optionally through a ProcessWindowFunction. */
  aggregate<ACC, V>(fn: AggregateFunction<T, ACC, V>, outputType?: TypeInformation<V>): SingleOutputStreamOperator<V>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFn: ProcessWindowFn<V, R, K, W>, outputType?: TypeInformation<R>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(
    fn: AggregateFunction<T, ACC, V>,
    windowFnOrType?: ProcessWindowFn<V, R, K, W> | TypeInformation<V>,
    outputType?: TypeInformation<R>,
  ): SingleOutputStreamOperator<V | R> {
    for (const m of ['createAccumulator', 'add', 'getResult', 'merge'] as const) {
      if (typeof (fn as unknown as Record<string, unknown> | null)?.[m] !== 'function') throw new TypeError(`aggregate() needs an AggregateFunction: ${m}() is missing`);
    }
    const windowFn = windowFnOrType instanceof Object && !('spec' in windowFnOrType) ? (windowFnOrType as ProcessWindowFn<V, R, K, W>) : undefined;
    if (windowFn !== undefined) checkFn('aggregate', windowFn, 'process');
    const outType = windowFn === undefined ? ((windowFnOrType as TypeInformation<V> | undefined) ?? Types.PICKLED_BYTE_ARRAY<V>()) : (outputType ?? Types.PICKLED_BYTE_ARRAY<R>());
    return this.build<V | R>('aggregate', { aggregate: fn, process: windowFn }, outType as TypeInformation<V | R>, 'Window(Aggregate)');
  }

  /** All of a window's records (kept in a list state per window) to a ProcessWindowFunction when it fires. */
  process<R>(fn: ProcessWindowFn<T, R, K, W>, outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>()): SingleOutputStreamOperator<R> {
    checkFn('process', fn, 'process');
    return this.build<R>('list', { process: fn }, outputType, 'Window(Process)');
  }
}

function checkFn(what: string, fn: unknown, method: string): void {
  if (typeof fn === 'function') return;
  if (typeof fn === 'object' && fn !== null && typeof (fn as Record<string, unknown>)[method] === 'function') return;
  throw new TypeError(`${what}() needs a function or an object with ${method}()`);
}
