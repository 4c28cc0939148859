/**
 * The DataStream API's window operator in the worker (flink-fn-execution.proto WINDOW), as
 * PyFlink's worker runs its own (pyflink/fn_execution/datastream/window/window_operator.py):
 * Flink's Java side is flink-python's keyed process operator with the window namespace
 * serializer; the worker assigns windows, keeps each window's contents in Flink's keyed state
 * with the window as namespace, runs the trigger, and asks Flink for timers per (key, window).
 * Semantics are those of Java's WindowOperator: late records (window cleanup time at or before
 * the watermark) are dropped, a cleanup timer at maxTimestamp + allowedLateness clears a window,
 * merging (session) windows combine their contents and timers. Assigners and evictors, built-in or
 * TS, are in datastream-assigners.ts and datastream-evictors.ts.
 */
import { TimestampedValue, type CustomEvictor, type CustomWindowAssigner } from '../../api/datastream/custom-windows';
import { GlobalWindow, TimeWindow, type CustomTrigger, type TriggerContext, type TriggerSpec, type Window, type WindowSpec } from '../../api/datastream/windowing';
import type { AggregateFunction, ProcessWindowFunction, ProcessWindowFunctionContext } from '../../api/datastream/functions';
import type { KeyedStateStore as UserStateStore } from '../../api/datastream/state';
import { ByteWriter } from '../coders/bytes';
import { decoderFor, encoderFor } from '../coders/row-coder';
import { elementsOf } from '../state/keyed-state';
import type { KeyedStateStore } from '../state/state-cache';
import { windowAssigning, type WindowAssigning } from './datastream-assigners';
import { windowEvictor, type WindowEvictor } from './datastream-evictors';

const MAX_LONG = 2n ** 63n - 1n;
const PICKLED = { root: 'PICKLED', nullable: true, sql: 'PICKLED' };
const encodePickled = encoderFor(PICKLED);
const decodePickled = decoderFor(PICKLED);

/** A result of a fired window, with its timestamp (the window's maxTimestamp, as Java's). */
export interface WindowResult {
  value: unknown;
  timestamp: number | bigint;
}

/** What the window operator needs from the keyed operation: state, timers, the current key. */
export interface WindowHost {
  state(): KeyedStateStore;
  /** The current key's state key bytes, and its user value. */
  keyBytes(): Buffer;
  userKey(): unknown;
  /** operand 0 register event, 1 register processing, 2 delete event, 3 delete processing. */
  setTimer(operand: number, ts: number | bigint, namespace: Uint8Array): void;
  /** Writes a record (with the current input's timestamp) to the side output of a tag id. */
  sideOutput(tagId: string, value: unknown): void;
  /** The current key's state handles: in a window's namespace, or (none) the key's own. */
  stateStore(namespace?: Buffer): UserStateStore;
}

/** The user's functions: what the descriptor's shipped object holds. */
export interface WindowFunctions {
  reduce?: (a: unknown, b: unknown) => unknown;
  aggregate?: AggregateFunction<unknown, unknown, unknown>;
  process?: ProcessWindowFunction<unknown, unknown, unknown, Window>['process'];
  /** The ProcessWindowFunction's clear(ctx): when a window is cleaned up, for its per-window state. */
  clear?: (ctx: ProcessWindowFunctionContext<Window>) => unknown;
  /** DeltaEvictor's delta function. */
  delta?: (a: unknown, b: unknown) => number | Promise<number>;
  /** A TS trigger (the trigger spec's 'custom'). */
  trigger?: CustomTrigger<unknown, Window>;
  /** A TS window assigner (the assigner spec's 'custom'). */
  assigner?: CustomWindowAssigner<unknown, Window>;
  /** A TS evictor (the evictor spec's 'custom'). */
  evictor?: CustomEvictor<unknown, Window>;
}

/** A record kept by an evicting window, with its timestamp (Java's TimestampedValue). */
type Timestamped = [timestamp: number | null, value: unknown];

/** TimeWindow.Serializer (flink-table-runtime): start and end as longs; GlobalWindow: one byte. */
function encodeWindow(w: Window): Buffer {
  if (w instanceof GlobalWindow) return Buffer.of(0);
  const b = Buffer.alloc(16);
  b.writeBigInt64BE(BigInt(w.start), 0);
  b.writeBigInt64BE(BigInt(w.end), 8);
  return b;
}

function decodeWindow(b: Uint8Array, global: boolean): Window {
  if (global) return GlobalWindow.INSTANCE;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return new TimeWindow(Number(buf.readBigInt64BE(0)), Number(buf.readBigInt64BE(8)));
}

/** A namespace no real window uses, for the key's set of session windows. */
const SESSIONS_NAMESPACE = encodeWindow(new TimeWindow(Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER));

function pickle(v: unknown): Buffer {
  const w = new ByteWriter();
  encodePickled(w, v);
  return Buffer.from(w.take());
}

const FIRE = 1;
const PURGE = 2;

export class WindowOperator {
  private readonly global: boolean;
  private readonly eventTime: boolean;
  private readonly merging: boolean;
  private readonly assigning: WindowAssigning;
  private readonly evictor?: WindowEvictor;
  private watermark = Number.MIN_SAFE_INTEGER;

  constructor(
    private readonly spec: WindowSpec,
    private readonly fns: WindowFunctions,
    private readonly host: WindowHost,
    private readonly name: string,
  ) {
    const a = spec.assigner;
    this.global = a.type === 'global' || (a.type === 'custom' && a.window === 'global');
    this.eventTime = a.type !== 'global' && a.time === 'event';
    this.merging = a.type === 'session' || (a.type === 'custom' && a.merging);
    this.assigning = windowAssigning(a, fns.assigner, name);
    if (spec.evictor) this.evictor = windowEvictor(spec.evictor, fns.evictor, fns.delta, name);
  }

  // ---- state of the current key, per window -------------------------------------------------

  private async getOne(name: string, ns: Buffer): Promise<unknown> {
    for (const v of elementsOf(await this.host.state().bag(name).get(this.host.keyBytes(), ns), decodePickled)) return v;
    return undefined;
  }

  private async setOne(name: string, ns: Buffer, v: unknown): Promise<void> {
    const bag = this.host.state().bag(name);
    await bag.clear(this.host.keyBytes(), ns);
    await bag.append(this.host.keyBytes(), pickle(v), ns);
  }

  private clearState(name: string, ns: Buffer): Promise<unknown> {
    return this.host.state().bag(name).clear(this.host.keyBytes(), ns);
  }

  /** Adds a record to the window's contents (reduced, accumulated or appended; with an evictor, appended with its timestamp). */
  private async addToContents(w: Window, value: unknown, timestamp: number | null): Promise<void> {
    const ns = encodeWindow(w);
    if (this.spec.evictor) {
      await this.host.state().bag('window-contents').append(this.host.keyBytes(), pickle([timestamp, value] satisfies Timestamped), ns);
      return;
    }
    switch (this.spec.contents) {
      case 'list':
        await this.host.state().bag('window-contents').append(this.host.keyBytes(), pickle(value), ns);
        return;
      case 'reduce': {
        const prev = await this.getOne('window-contents', ns);
        await this.setOne('window-contents', ns, prev === undefined ? value : await this.fns.reduce!(prev, value));
        return;
      }
      case 'aggregate': {
        const agg = this.fns.aggregate!;
        const prev = await this.getOne('window-contents', ns);
        await this.setOne('window-contents', ns, agg.add(value, prev === undefined ? agg.createAccumulator() : prev));
        return;
      }
    }
  }

  /** The window's records as the window function sees them (none: the window is empty). */
  private async contents(w: Window): Promise<unknown[]> {
    const ns = encodeWindow(w);
    if (this.spec.contents === 'list') return [...elementsOf(await this.host.state().bag('window-contents').get(this.host.keyBytes(), ns), decodePickled)];
    const v = await this.getOne('window-contents', ns);
    if (v === undefined) return [];
    return [this.spec.contents === 'aggregate' ? this.fns.aggregate!.getResult(v) : v];
  }

  /** Moves `from`'s contents into `into` (session windows merging). */
  private async mergeContents(from: TimeWindow, into: TimeWindow): Promise<void> {
    const src = encodeWindow(from);
    const dst = encodeWindow(into);
    if (this.spec.contents === 'list' || this.spec.evictor) {
      const data = await this.host.state().bag('window-contents').get(this.host.keyBytes(), src);
      if (data.length > 0) await this.host.state().bag('window-contents').append(this.host.keyBytes(), data, dst);
    } else {
      const a = await this.getOne('window-contents', src);
      const b = await this.getOne('window-contents', dst);
      if (a !== undefined) {
        const merged = b === undefined ? a : this.spec.contents === 'reduce' ? await this.fns.reduce!(b, a) : this.fns.aggregate!.merge(b, a);
        await this.setOne('window-contents', dst, merged);
      }
    }
    await this.clearState('window-contents', src);
  }

  // ---- time -----------------------------------------------------------------------------------

  private maxTs(w: Window): number | bigint {
    return w.maxTimestamp();
  }

  /** When the window's state is dropped (Java's WindowOperator.cleanupTime). */
  private cleanupTime(w: Window): number | bigint {
    if (w instanceof GlobalWindow) return MAX_LONG;
    if (!this.eventTime) return w.maxTimestamp();
    return w.maxTimestamp() + this.spec.allowedLateness;
  }

  private isLate(w: Window): boolean {
    const c = this.cleanupTime(w);
    return this.eventTime && typeof c === 'number' && c <= this.watermark;
  }

  private registerCleanupTimer(w: Window): void {
    const c = this.cleanupTime(w);
    if (c === MAX_LONG) return;
    this.host.setTimer(this.eventTime ? 0 : 1, c, encodeWindow(w));
  }

  private deleteCleanupTimer(w: Window): void {
    const c = this.cleanupTime(w);
    if (c === MAX_LONG) return;
    this.host.setTimer(this.eventTime ? 2 : 3, c, encodeWindow(w));
  }

  // ---- triggers (EventTimeTrigger, ProcessingTimeTrigger, CountTrigger, PurgingTrigger) ---------

  /** A TS trigger's context for window `w` of the current key (Flink's TriggerContext). */
  private triggerContext(w: Window): TriggerContext {
    const ns = encodeWindow(w);
    const timer = (operand: number) => (time: number) => this.host.setTimer(operand, time, ns);
    return {
      ...this.host.stateStore(ns),
      getCurrentWatermark: () => this.watermark,
      getCurrentProcessingTime: () => Date.now(),
      registerEventTimeTimer: timer(0),
      registerProcessingTimeTimer: timer(1),
      deleteEventTimeTimer: timer(2),
      deleteProcessingTimeTimer: timer(3),
    };
  }

  /** A TS trigger's TriggerResult as FIRE/PURGE bits; anything else fails naming the trigger. */
  private triggerBits(result: unknown, method: string): number {
    switch (result) {
      case 'CONTINUE':
        return 0;
      case 'FIRE':
        return FIRE;
      case 'PURGE':
        return PURGE;
      case 'FIRE_AND_PURGE':
        return FIRE | PURGE;
      default:
        throw new TypeError(`the trigger of '${this.name}' returned ${typeof result === 'string' ? `'${result}'` : String(result)} from ${method}(): a TriggerResult is CONTINUE, FIRE, PURGE or FIRE_AND_PURGE`);
    }
  }

  private customTrigger(): CustomTrigger<unknown, Window> {
    const t = this.fns.trigger;
    if (!t) throw new Error(`window '${this.name}' has a TS trigger that was not shipped`);
    return t;
  }

  private async onElement(t: TriggerSpec, w: Window, element: unknown, timestamp: number | null): Promise<number> {
    switch (t.type) {
      case 'custom':
        return this.triggerBits(await this.customTrigger().onElement(element, timestamp, w, this.triggerContext(w)), 'onElement');
      case 'eventTime':
        if (w.maxTimestamp() <= this.watermark) return FIRE;
        this.host.setTimer(0, this.maxTs(w), encodeWindow(w));
        return 0;
      case 'processingTime':
        this.host.setTimer(1, this.maxTs(w), encodeWindow(w));
        return 0;
      case 'count': {
        const ns = encodeWindow(w);
        const n = (((await this.getOne('trigger-count', ns)) as number | undefined) ?? 0) + 1;
        if (n >= t.count) {
          await this.clearState('trigger-count', ns);
          return FIRE;
        }
        await this.setOne('trigger-count', ns, n);
        return 0;
      }
      case 'never':
        return 0;
      case 'purging': {
        const r = await this.onElement(t.nested, w, element, timestamp);
        return r & FIRE ? FIRE | PURGE : r;
      }
    }
  }

  private async onTime(t: TriggerSpec, eventTimer: boolean, time: number | bigint, w: Window): Promise<number> {
    switch (t.type) {
      case 'custom': {
        const trigger = this.customTrigger();
        const method = eventTimer ? 'onEventTime' : 'onProcessingTime';
        return this.triggerBits(await trigger[method](Number(time), w, this.triggerContext(w)), method);
      }
      case 'eventTime':
        return eventTimer && time === w.maxTimestamp() ? FIRE : 0;
      case 'processingTime':
        return eventTimer ? 0 : FIRE;
      case 'purging': {
        const r = await this.onTime(t.nested, eventTimer, time, w);
        return r & FIRE ? FIRE | PURGE : r;
      }
      default:
        return 0;
    }
  }

  /** The trigger's state and timers for the window, dropped (Trigger.clear). */
  private async clearTrigger(t: TriggerSpec, w: Window): Promise<void> {
    switch (t.type) {
      case 'custom':
        await this.customTrigger().clear(w, this.triggerContext(w));
        return;
      case 'eventTime':
        this.host.setTimer(2, this.maxTs(w), encodeWindow(w));
        return;
      case 'processingTime':
        this.host.setTimer(3, this.maxTs(w), encodeWindow(w));
        return;
      case 'count':
        await this.clearState('trigger-count', encodeWindow(w));
        return;
      case 'purging':
        return this.clearTrigger(t.nested, w);
    }
  }

  /** A merged window's trigger state (Trigger.onMerge): timers for it, counts summed. */
  private async mergeTrigger(t: TriggerSpec, merged: TimeWindow, from: TimeWindow[]): Promise<void> {
    switch (t.type) {
      case 'custom':
        await this.customTrigger().onMerge?.(merged, this.triggerContext(merged));
        return;
      case 'eventTime':
        if (merged.maxTimestamp() > this.watermark) this.host.setTimer(0, merged.maxTimestamp(), encodeWindow(merged));
        return;
      case 'processingTime':
        this.host.setTimer(1, merged.maxTimestamp(), encodeWindow(merged));
        return;
      case 'count': {
        let n = ((await this.getOne('trigger-count', encodeWindow(merged))) as number | undefined) ?? 0;
        for (const w of from) n += ((await this.getOne('trigger-count', encodeWindow(w))) as number | undefined) ?? 0;
        await this.setOne('trigger-count', encodeWindow(merged), n);
        return;
      }
      case 'purging':
        return this.mergeTrigger(t.nested, merged, from);
    }
  }

  // ---- the operator -----------------------------------------------------------------------------

  /**
   * The key's windows after adding `w` (Java's MergingWindowSet.addWindow): the assigner's
   * mergeWindows says which of them and `w` merge; each merge becomes its merge result (contents,
   * trigger state and timers), and the window `w`'s record goes to is returned. The windows are
   * kept as a list of [start, end] in the key's SESSIONS_NAMESPACE; a merged window's contents move
   * into the merge result (Java keeps a state-window mapping instead; the results are the same).
   */
  private async mergeSession(w: TimeWindow): Promise<TimeWindow> {
    const same = (a: TimeWindow, b: TimeWindow) => a.start === b.start && a.end === b.end;
    let windows = (((await this.getOne('window-sessions', SESSIONS_NAMESPACE)) as [number, number][] | undefined) ?? []).map(([s, e]) => new TimeWindow(s, e));
    let result = w;
    let mergedNew = false;
    for (const [mergeResult, toBeMerged] of await this.assigning.mergeWindows([...windows, w])) {
      // the new window holds nothing yet: it merges by adding its record to the merge result
      const merged = toBeMerged.filter((m) => !same(m, w));
      if (merged.length < toBeMerged.length) {
        mergedNew = true;
        result = mergeResult;
      }
      windows = windows.filter((x) => !merged.some((m) => same(m, x)));
      if (!windows.some((x) => same(x, mergeResult))) windows.push(mergeResult);
      const moved = merged.filter((m) => !same(m, mergeResult));
      if (moved.length === 0) continue;
      // Java's WindowOperator: a merge may not make an event-time window late
      if (this.eventTime && mergeResult.maxTimestamp() + this.spec.allowedLateness <= this.watermark) {
        throw new Error(`The end timestamp of an event-time window cannot become earlier than the current watermark by merging. Current watermark: ${this.watermark} window: ${String(mergeResult)}`);
      }
      for (const s of moved) await this.mergeContents(s, mergeResult);
      // as Java's WindowOperator: the trigger merges first (CountTrigger sums the moved windows'
      // counts), then each moved window's trigger state and timers go
      await this.mergeTrigger(this.spec.trigger, mergeResult, moved);
      for (const s of moved) {
        await this.clearTrigger(this.spec.trigger, s);
        this.deleteCleanupTimer(s);
      }
    }
    if (!mergedNew && !windows.some((x) => same(x, w))) windows.push(w);
    await this.setOne('window-sessions', SESSIONS_NAMESPACE, windows.map((s) => [s.start, s.end]));
    return result;
  }

  private async dropSession(w: TimeWindow): Promise<void> {
    const sessions = ((await this.getOne('window-sessions', SESSIONS_NAMESPACE)) as [number, number][] | undefined) ?? [];
    const left = sessions.filter(([s, e]) => s !== w.start || e !== w.end);
    if (left.length === 0) await this.clearState('window-sessions', SESSIONS_NAMESPACE);
    else await this.setOne('window-sessions', SESSIONS_NAMESPACE, left);
  }

  private async sessionExists(w: TimeWindow): Promise<boolean> {
    const sessions = ((await this.getOne('window-sessions', SESSIONS_NAMESPACE)) as [number, number][] | undefined) ?? [];
    return sessions.some(([s, e]) => s === w.start && e === w.end);
  }

  /** The window function's results for a firing window. */
  private async fire(w: Window, out: WindowResult[]): Promise<void> {
    if (this.evictor) return this.fireEvicting(w, this.evictor, out);
    await this.emit(w, await this.contents(w), out);
  }

  /** The window function over the window's contents (none: nothing), its results to `out`. */
  private async emit(w: Window, elements: unknown[], out: WindowResult[]): Promise<void> {
    if (elements.length === 0) return;
    const timestamp = this.maxTs(w);
    if (!this.fns.process) {
      for (const value of elements) out.push({ value, timestamp });
      return;
    }
    const results: unknown[] = [];
    const ctx = this.processContext(w);
    const returned = await this.fns.process(this.host.userKey(), ctx, elements, { collect: (x) => void results.push(x) });
    if (returned !== undefined && returned !== null) for (const r of returned as Iterable<unknown>) results.push(r);
    for (const value of results) out.push({ value, timestamp });
  }

  /**
   * An evicting window's firing (Java's EvictingWindowOperator.emitWindowContents): its records
   * with their timestamps, evictBefore, the function over what is left (reduced, accumulated or
   * the list), evictAfter, and the records left written back.
   */
  private async fireEvicting(w: Window, evictor: WindowEvictor, out: WindowResult[]): Promise<void> {
    const ns = encodeWindow(w);
    const bag = this.host.state().bag('window-contents');
    const records = [...elementsOf(await bag.get(this.host.keyBytes(), ns), decodePickled)] as Timestamped[];
    if (records.length === 0) return;
    const elements = records.map(([ts, value]) => new TimestampedValue(value, ts));
    const ctx = { getCurrentProcessingTime: () => Date.now(), getCurrentWatermark: () => this.watermark };
    await evictor.evictBefore(elements, w, ctx);
    await this.emit(w, await this.functionInput(elements.map((e) => e.getValue())), out);
    await evictor.evictAfter(elements, w, ctx);
    if (elements.length !== records.length) {
      await bag.clear(this.host.keyBytes(), ns);
      // one append of all of them (a bag's data is its elements one after another)
      const kept = elements.map((e) => pickle([e.hasTimestamp() ? e.getTimestamp() : null, e.getValue()] satisfies Timestamped));
      if (kept.length > 0) await bag.append(this.host.keyBytes(), Buffer.concat(kept), ns);
    }
  }

  /** What the window function gets from an evicting window's records: them, reduced, or accumulated. */
  private async functionInput(values: unknown[]): Promise<unknown[]> {
    if (values.length === 0) return [];
    switch (this.spec.contents) {
      case 'list':
        return values;
      case 'reduce': {
        let acc = values[0];
        for (const v of values.slice(1)) acc = await this.fns.reduce!(acc, v);
        return [acc];
      }
      case 'aggregate': {
        const agg = this.fns.aggregate!;
        let acc = agg.createAccumulator();
        for (const v of values) acc = agg.add(v, acc);
        return [agg.getResult(acc)];
      }
    }
  }

  /**
   * What a ProcessWindowFunction's process() and clear() get: the window, the clocks, and Flink's
   * two state stores: windowState() in the window's namespace (not for merging windows, as in
   * Java), globalState() the key's own.
   */
  private processContext(w: Window): ProcessWindowFunctionContext<Window> {
    return {
      window: () => w,
      currentProcessingTime: () => Date.now(),
      currentWatermark: () => this.watermark,
      windowState: () => {
        if (this.merging) throw new Error('Per-window state is not allowed when using merging windows (session windows), as in Flink');
        return this.host.stateStore(encodeWindow(w));
      },
      globalState: () => this.host.stateStore(),
    };
  }

  private async clearAll(w: Window): Promise<void> {
    // Java's WindowOperator.clearAllState: the function's clear(ctx) first, for its per-window state
    if (this.fns.clear) await this.fns.clear(this.processContext(w));
    await this.clearState('window-contents', encodeWindow(w));
    await this.clearTrigger(this.spec.trigger, w);
    if (this.merging) await this.dropSession(w as TimeWindow);
  }

  async processElement(value: unknown, timestamp: number | null, watermark: number | null): Promise<WindowResult[]> {
    if (watermark !== null) this.watermark = watermark;
    const out: WindowResult[] = [];
    let skipped = true;
    for (const assigned of await this.assigning.assignWindows(value, timestamp)) {
      if (this.isLate(assigned)) continue; // as Java's WindowOperator: no late window takes the record
      skipped = false;
      const w = this.merging ? await this.mergeSession(assigned as TimeWindow) : assigned;
      await this.addToContents(w, value, timestamp);
      const r = await this.onElement(this.spec.trigger, w, value, timestamp);
      if (r & FIRE) await this.fire(w, out);
      if (r & PURGE) await this.clearState('window-contents', encodeWindow(w));
      this.registerCleanupTimer(w);
    }
    // Java's WindowOperator: a record no window took, and late itself, goes to the late-data side output (or is dropped)
    if (skipped && this.spec.lateDataTag !== undefined && this.isLateRecord(timestamp)) this.host.sideOutput(this.spec.lateDataTag, value);
    return out;
  }

  /** Java's isElementLate: event time, and the record's timestamp + allowed lateness at or before the watermark. */
  private isLateRecord(timestamp: number | null): boolean {
    return this.eventTime && timestamp !== null && timestamp + this.spec.allowedLateness <= this.watermark;
  }

  /** A fired timer of (the current key, window namespace). */
  async onTimer(eventTimer: boolean, time: bigint | number, watermark: number | null, namespace: Uint8Array): Promise<WindowResult[]> {
    if (watermark !== null) this.watermark = watermark;
    const w = decodeWindow(namespace, this.global);
    const out: WindowResult[] = [];
    // a merged-away session's timers were deleted; one already due may still arrive
    if (this.merging && !(await this.sessionExists(w as TimeWindow))) return out;
    const t = typeof time === 'bigint' && time >= BigInt(Number.MIN_SAFE_INTEGER) && time <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(time) : time;
    const r = await this.onTime(this.spec.trigger, eventTimer, t, w);
    if (r & FIRE) await this.fire(w, out);
    if (r & PURGE) await this.clearState('window-contents', encodeWindow(w));
    if (eventTimer === this.eventTime && t === this.cleanupTime(w)) await this.clearAll(w);
    return out;
  }
}
