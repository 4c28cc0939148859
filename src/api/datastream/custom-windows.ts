/**
 * Window assigners and evictors written in TypeScript, mirroring Flink's WindowAssigner,
 * MergingWindowAssigner and Evictor (as PyFlink runs its Python assigners in its worker). They are
 * shipped with the window's functions (their spec says 'custom') and called by the worker's window
 * operator (src/worker/operations/datastream-window.ts); what they return is checked there.
 */
import { asTrigger, Evictor, WindowAssigner, type CustomTrigger, type GlobalWindow, type TimeWindow, type Trigger, type Window } from './windowing';

/**
 * Which windows an assigner makes (Java's WindowAssigner.getWindowSerializer). The windows are the
 * state namespace of Flink's operator, whose serializer knows the two window types of TSFlink:
 * TimeWindow (start and end as longs) and GlobalWindow.
 */
export class WindowSerializer<_W extends Window> {
  static readonly TIME_WINDOW = new WindowSerializer<TimeWindow>('time');
  static readonly GLOBAL_WINDOW = new WindowSerializer<GlobalWindow>('global');
  private constructor(
    /** the namespace serializer of the Java side (DataStreams.window's "time" or "global") */
    readonly namespace: 'time' | 'global',
  ) {}
}

/** Mirrors Flink's WindowAssigner.WindowAssignerContext. */
export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

/** Mirrors Flink's MergingWindowAssigner.MergeCallback: says which windows merge into which. */
export interface MergeCallback<W extends Window> {
  merge(toBeMerged: Iterable<W>, mergeResult: W): void;
}

/**
 * A window assigner written in TypeScript (Flink's WindowAssigner): an object or class instance
 * given to `keyBy(...).window(assigner)`. `assignWindows` gets each record with its timestamp
 * (null when it has none) and returns its windows (an iterable; empty drops the record), which
 * must be of the type `getWindowSerializer()` declares: `new TimeWindow(start, end)` (end after
 * start) or `GlobalWindow.INSTANCE`. With `mergeWindows` it is a MergingWindowAssigner (TimeWindows
 * only): the key's windows and the new one are offered to it at each record, and the windows it
 * merges through the callback become one (their contents, trigger and timers), as session windows
 * do. Its methods other than getDefaultTrigger/isEventTime/getWindowSerializer may be async.
 */
export interface CustomWindowAssigner<T = unknown, W extends Window = Window> {
  assignWindows(element: T, timestamp: number | null, context: WindowAssignerContext): Iterable<W> | Promise<Iterable<W>>;
  /** The trigger used unless window(...).trigger(t) sets one: a built-in one or a TS trigger. */
  getDefaultTrigger(): Trigger<W> | CustomTrigger<T, W>;
  getWindowSerializer(): WindowSerializer<W>;
  /** Whether windows follow event time (watermarks: lateness, cleanup) rather than processing time. */
  isEventTime(): boolean;
  /** MergingWindowAssigner.mergeWindows: calls callback.merge(toBeMerged, mergeResult) for each merge. */
  mergeWindows?(windows: W[], callback: MergeCallback<W>): void | Promise<void>;
}

const ASSIGNER_METHODS = ['assignWindows', 'getDefaultTrigger', 'getWindowSerializer', 'isEventTime'] as const;

function missingMethods(o: unknown, methods: readonly string[]): readonly string[] {
  return typeof o === 'object' && o !== null ? methods.filter((m) => typeof (o as Record<string, unknown>)[m] !== 'function') : methods;
}

/** A built-in assigner as it is; a TS assigner as the WindowAssigner standing for it, its declarations checked. */
export function asWindowAssigner<W extends Window>(a: WindowAssigner<W> | CustomWindowAssigner<never, W>): WindowAssigner<W> {
  if (a instanceof WindowAssigner) return a;
  const missing = missingMethods(a, ASSIGNER_METHODS);
  if (missing.length > 0) {
    throw new TypeError(`window() needs a WindowAssigner (TumblingEventTimeWindows.of(ms), ...) or an object with ${ASSIGNER_METHODS.join(', ')}; missing ${missing.join(', ')}`);
  }
  const serializer: unknown = a.getWindowSerializer();
  if (!(serializer instanceof WindowSerializer)) {
    throw new TypeError(`getWindowSerializer() of the window assigner returned ${String(serializer)}: TSFlink's windows are TimeWindows (WindowSerializer.TIME_WINDOW) or GlobalWindow (WindowSerializer.GLOBAL_WINDOW)`);
  }
  const eventTime: unknown = a.isEventTime();
  if (typeof eventTime !== 'boolean') throw new TypeError(`isEventTime() of the window assigner returned ${String(eventTime)}, not a boolean`);
  const merging = typeof a.mergeWindows === 'function';
  if (merging && serializer.namespace !== 'time') throw new TypeError('a merging window assigner (one with mergeWindows) must make TimeWindows: there is only one GlobalWindow');
  const trigger = asTrigger<W>(a.getDefaultTrigger() as Trigger<W> | CustomTrigger<never, W>);
  return new WindowAssigner<W>({ type: 'custom', time: eventTime ? 'event' : 'processing', window: serializer.namespace, merging }, a, trigger);
}

/** Mirrors Flink's TimestampedValue: a record of a window with its timestamp, as an Evictor sees it. */
export class TimestampedValue<T> {
  constructor(
    private readonly value: T,
    private readonly timestamp: number | null,
  ) {}

  getValue(): T {
    return this.value;
  }

  hasTimestamp(): boolean {
    return this.timestamp !== null;
  }

  /** The record's timestamp; as in Java, asking for a missing one is an error. */
  getTimestamp(): number {
    if (this.timestamp === null) throw new Error("the record has no timestamp: did you forget assignTimestampsAndWatermarks(...)?");
    return this.timestamp;
  }
}

/** Mirrors Flink's Evictor.EvictorContext. */
export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

/**
 * An evictor written in TypeScript (Flink's Evictor), given to `window(...).evictor(e)`. When the
 * window fires, evictBefore gets its records before the window function runs and evictAfter after
 * it; each removes records from `elements` in place (`elements.splice(i, 1)`, Java's
 * `iterator.remove()`) and returns nothing. What is left stays in the window. `size` is the
 * number of records. Either may be async.
 */
export interface CustomEvictor<T = unknown, W extends Window = Window> {
  evictBefore(elements: TimestampedValue<T>[], size: number, window: W, evictorContext: EvictorContext): void | Promise<void>;
  evictAfter(elements: TimestampedValue<T>[], size: number, window: W, evictorContext: EvictorContext): void | Promise<void>;
}

const EVICTOR_METHODS = ['evictBefore', 'evictAfter'] as const;

/** A built-in evictor as it is; a TS evictor as the Evictor standing for it. */
export function asEvictor<T, W extends Window>(e: Evictor<T> | CustomEvictor<T, W>): Evictor<T> {
  if (e instanceof Evictor) return e;
  const missing = missingMethods(e, EVICTOR_METHODS);
  if (missing.length > 0) {
    throw new TypeError(`evictor() needs an Evictor (CountEvictor.of(n), TimeEvictor.of(ms), DeltaEvictor.of(threshold, fn)) or an object with ${EVICTOR_METHODS.join(', ')}; missing ${missing.join(', ')}`);
  }
  return new Evictor<T>({ type: 'custom' }, undefined, e as CustomEvictor<unknown, Window>);
}
