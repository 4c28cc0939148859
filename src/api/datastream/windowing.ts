/**
 * Windows of the DataStream API, mirroring org.apache.flink.streaming.api.windowing.*: assigners,
 * triggers and the windows themselves. Assigners and triggers are descriptions (plain data): the
 * worker's window operator (src/worker/operations/datastream-window.ts) runs them on Flink's keyed
 * state, as PyFlink's worker runs its own, with the window as the state namespace. Times are ms.
 */
import type { CustomEvictor, CustomWindowAssigner } from './custom-windows';
import type { KeyedStateStore } from './state';

/** A window [start, end) of event or processing time. */
export class TimeWindow {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  /** The last timestamp in the window (end - 1). */
  maxTimestamp(): number {
    return this.end - 1;
  }

  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }
}

/** The one window of GlobalWindows. */
export class GlobalWindow {
  static readonly INSTANCE = new GlobalWindow();
  private constructor() {}

  /** Long.MAX_VALUE, as a bigint (beyond a safe JS number). */
  maxTimestamp(): bigint {
    return 2n ** 63n - 1n;
  }

  toString(): string {
    return 'GlobalWindow';
  }
}

export type Window = TimeWindow | GlobalWindow;

export type WindowAssignerSpec =
  | { type: 'tumbling'; time: 'event' | 'processing'; size: number; offset: number }
  | { type: 'sliding'; time: 'event' | 'processing'; size: number; slide: number; offset: number }
  | { type: 'session'; time: 'event' | 'processing'; gap: number }
  | { type: 'global' }
  /**
   * a TS assigner (CustomWindowAssigner), shipped with the window's functions: its time, the
   * windows it makes (the Java side's namespace serializer), whether it merges (mergeWindows)
   */
  | { type: 'custom'; time: 'event' | 'processing'; window: 'time' | 'global'; merging: boolean };

export type TriggerSpec =
  | { type: 'eventTime' }
  | { type: 'processingTime' }
  | { type: 'count'; count: number }
  | { type: 'never' }
  | { type: 'purging'; nested: TriggerSpec }
  /** a TS trigger (CustomTrigger), shipped with the window's functions */
  | { type: 'custom' };

/** Assigns each record to windows; `W` is the window type the window functions see. */
export class WindowAssigner<W extends Window = Window> {
  declare readonly __window?: W;
  constructor(
    readonly spec: WindowAssignerSpec,
    /** the TS assigner the spec's 'custom' stands for */
    readonly custom?: CustomWindowAssigner<never, W>,
    /** its getDefaultTrigger(), asked once when it was given to window() */
    private readonly customDefaultTrigger?: Trigger<W>,
  ) {}

  /** The trigger used when none is set (WindowAssigner.getDefaultTrigger). */
  defaultTrigger(): Trigger<W> {
    const s = this.spec;
    if (s.type === 'custom') return this.customDefaultTrigger!;
    if (s.type === 'global') return new Trigger({ type: 'never' });
    return new Trigger({ type: s.time === 'event' ? 'eventTime' : 'processingTime' });
  }

  isEventTime(): boolean {
    return this.spec.type !== 'global' && this.spec.time === 'event';
  }

  /** Whether windows merge (Java's MergingWindowAssigner): session windows, or a TS assigner with mergeWindows. */
  isMerging(): boolean {
    return this.spec.type === 'session' || (this.spec.type === 'custom' && this.spec.merging);
  }

  /** The Java side's window namespace serializer: TimeWindow's or GlobalWindow's. */
  namespace(): 'time' | 'global' {
    if (this.spec.type === 'custom') return this.spec.window;
    return this.spec.type === 'global' ? 'global' : 'time';
  }
}

/**
 * When a window's function runs (FIRE) and its contents are dropped (PURGE): a built-in trigger
 * (EventTimeTrigger, CountTrigger, ...) described as data, or a TS trigger (CustomTrigger) shipped
 * with the window's functions.
 */
export class Trigger<_W extends Window = Window> {
  constructor(
    readonly spec: TriggerSpec,
    /** the TS trigger the spec's 'custom' stands for */
    readonly custom?: CustomTrigger<never, _W>,
  ) {}
}

/** Mirrors Flink's TriggerResult: what a trigger decides for its window. */
export const TriggerResult = { CONTINUE: 'CONTINUE', FIRE: 'FIRE', PURGE: 'PURGE', FIRE_AND_PURGE: 'FIRE_AND_PURGE' } as const;
export type TriggerResult = (typeof TriggerResult)[keyof typeof TriggerResult];

/**
 * Mirrors Flink's Trigger.TriggerContext, for the current key and window: the clocks, timers (they
 * call the trigger's onEventTime/onProcessingTime for this window), and state in the window's
 * namespace (Java's getPartitionedState(descriptor) is getState/getListState/... here), which
 * your clear() clears.
 */
export interface TriggerContext extends KeyedStateStore {
  getCurrentWatermark(): number;
  getCurrentProcessingTime(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/**
 * A trigger written in TypeScript (Flink's Trigger, as PyFlink's Python triggers): an object or a
 * class instance with these methods, given to `window(...).trigger(t)` (or PurgingTrigger.of(t)).
 * Its methods may be async. With session windows it must have canMerge() returning true and
 * onMerge(window, ctx): the merged window's timers are yours to set again, and its state starts
 * empty (Flink's mergePartitionedState is not offered).
 */
export interface CustomTrigger<T = unknown, W extends Window = Window> {
  onElement(element: T, timestamp: number | null, window: W, ctx: TriggerContext): TriggerResult | Promise<TriggerResult>;
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult | Promise<TriggerResult>;
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult | Promise<TriggerResult>;
  /** When the window is cleaned up: delete its timers and clear its state. */
  clear(window: W, ctx: TriggerContext): void | Promise<void>;
  canMerge?(): boolean;
  onMerge?(window: W, ctx: TriggerContext): void | Promise<void>;
}

const TRIGGER_METHODS = ['onElement', 'onEventTime', 'onProcessingTime', 'clear'] as const;

/** A built-in trigger as it is, a TS trigger as the Trigger standing for it; anything else is refused, naming what is missing. */
export function asTrigger<W extends Window>(t: Trigger<W> | CustomTrigger<never, W>): Trigger<W> {
  if (t instanceof Trigger) return t;
  const missing = typeof t === 'object' && t !== null ? TRIGGER_METHODS.filter((m) => typeof (t as unknown as Record<string, unknown>)[m] !== 'function') : TRIGGER_METHODS;
  if (missing.length > 0) {
    throw new TypeError(`trigger() needs a Trigger (EventTimeTrigger.create(), CountTrigger.of(n), ...) or an object with ${TRIGGER_METHODS.join(', ')}; missing ${missing.join(', ')}`);
  }
  return new Trigger<W>({ type: 'custom' }, t);
}

function positive(what: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`${what} must be a positive whole number of ms, got ${String(ms)}`);
  return ms;
}

function offsetOf(offset: number, size: number): number {
  if (!Number.isSafeInteger(offset) || Math.abs(offset) >= size) throw new RangeError(`the offset must be a whole number of ms smaller than the window, got ${String(offset)}`);
  return offset;
}

function tumbling(time: 'event' | 'processing', size: number, offset: number): WindowAssigner<TimeWindow> {
  positive('the window size', size);
  return new WindowAssigner({ type: 'tumbling', time, size, offset: offsetOf(offset, size) });
}

function sliding(time: 'event' | 'processing', size: number, slide: number, offset: number): WindowAssigner<TimeWindow> {
  positive('the window size', size);
  positive('the slide', slide);
  return new WindowAssigner({ type: 'sliding', time, size, slide, offset: offsetOf(offset, slide) });
}

export const TumblingEventTimeWindows = {
  of: (sizeMs: number, offsetMs = 0): WindowAssigner<TimeWindow> => tumbling('event', sizeMs, offsetMs),
};
export const TumblingProcessingTimeWindows = {
  of: (sizeMs: number, offsetMs = 0): WindowAssigner<TimeWindow> => tumbling('processing', sizeMs, offsetMs),
};
export const SlidingEventTimeWindows = {
  of: (sizeMs: number, slideMs: number, offsetMs = 0): WindowAssigner<TimeWindow> => sliding('event', sizeMs, slideMs, offsetMs),
};
export const SlidingProcessingTimeWindows = {
  of: (sizeMs: number, slideMs: number, offsetMs = 0): WindowAssigner<TimeWindow> => sliding('processing', sizeMs, slideMs, offsetMs),
};
export const EventTimeSessionWindows = {
  withGap: (gapMs: number): WindowAssigner<TimeWindow> => new WindowAssigner({ type: 'session', time: 'event', gap: positive('the session gap', gapMs) }),
};
export const ProcessingTimeSessionWindows = {
  withGap: (gapMs: number): WindowAssigner<TimeWindow> => new WindowAssigner({ type: 'session', time: 'processing', gap: positive('the session gap', gapMs) }),
};
/** One window per key for all time; it fires only with a trigger (e.g. CountTrigger). */
export const GlobalWindows = {
  create: (): WindowAssigner<GlobalWindow> => new WindowAssigner({ type: 'global' }),
};

export const EventTimeTrigger = { create: <W extends Window>(): Trigger<W> => new Trigger({ type: 'eventTime' }) };
export const ProcessingTimeTrigger = { create: <W extends Window>(): Trigger<W> => new Trigger({ type: 'processingTime' }) };
/** Fires each time the window has count more records (the count kept in Flink state, per window). */
export const CountTrigger = {
  of: <W extends Window>(count: number): Trigger<W> => {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`CountTrigger needs a positive count, got ${String(count)}`);
    return new Trigger({ type: 'count', count });
  },
};
/** The nested trigger, but every FIRE also purges the window's contents. */
export const PurgingTrigger = {
  of: <W extends Window>(nested: Trigger<W> | CustomTrigger<never, W>): Trigger<W> => {
    const t = asTrigger(nested);
    return new Trigger<W>({ type: 'purging', nested: t.spec }, t.custom);
  },
};

export type EvictorSpec =
  | { type: 'count'; maxCount: number; after: boolean }
  | { type: 'time'; windowSize: number; after: boolean }
  | { type: 'delta'; threshold: number; after: boolean }
  /** a TS evictor (CustomEvictor), shipped with the window's functions */
  | { type: 'custom' };

/**
 * Removes records from a window when it fires, before the window function runs or (doEvictAfter)
 * after it; what is left stays in the window. Mirrors Java's Evictor; T is the record type.
 */
export class Evictor<T = unknown> {
  declare readonly __record?: T;
  constructor(
    readonly spec: EvictorSpec,
    /** DeltaEvictor's delta function (shipped to the worker with the window's functions). */
    readonly delta?: (a: T, b: T) => number | Promise<number>,
    /** the TS evictor the spec's 'custom' stands for */
    readonly custom?: CustomEvictor<unknown, Window>,
  ) {}
}

/** Keeps the last maxCount records of the window (Java's CountEvictor). */
export const CountEvictor = {
  of: <T>(maxCount: number, doEvictAfter = false): Evictor<T> => {
    if (!Number.isSafeInteger(maxCount) || maxCount < 1) throw new RangeError(`CountEvictor needs a positive count, got ${String(maxCount)}`);
    return new Evictor<T>({ type: 'count', maxCount, after: doEvictAfter });
  },
};
/** Keeps the records whose timestamp is within windowSize ms of the window's newest record (Java's TimeEvictor). */
export const TimeEvictor = {
  of: <T>(windowSize: number, doEvictAfter = false): Evictor<T> => new Evictor<T>({ type: 'time', windowSize: positive('TimeEvictor window size', windowSize), after: doEvictAfter }),
};
/** Removes the records whose delta to the window's last record is at least threshold (Java's DeltaEvictor). */
export const DeltaEvictor = {
  of: <T>(threshold: number, deltaFunction: (a: T, b: T) => number | Promise<number>, doEvictAfter = false): Evictor<T> => {
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new RangeError(`DeltaEvictor needs a numeric threshold, got ${String(threshold)}`);
    if (typeof deltaFunction !== 'function') throw new TypeError('DeltaEvictor needs a delta function (a, b) => number');
    return new Evictor<T>({ type: 'delta', threshold, after: doEvictAfter }, deltaFunction);
  },
};

/** What the worker's window operator needs besides the functions. */
export interface WindowSpec {
  assigner: WindowAssignerSpec;
  trigger: TriggerSpec;
  allowedLateness: number;
  /** How records are kept per window: one reduced value, one accumulator, or all of them. */
  contents: 'reduce' | 'aggregate' | 'list';
  /** The id of the OutputTag that late records go to (sideOutputLateData); dropped without one. */
  lateDataTag?: string;
  /** With an evictor, all records are kept (with their timestamps) whatever `contents` says, as Java's EvictingWindowOperator. */
  evictor?: EvictorSpec;
}
