/**
 * The DataStream API's window operator in the worker (flink-fn-execution.proto WINDOW), as
 * PyFlink's worker runs its own (pyflink/fn_execution/datastream/window/window_operator.py):
 * Flink's Java side is flink-python's keyed process operator with the window namespace
 * serializer; the worker assigns windows, keeps each window's contents in Flink's keyed state
 * with the window as namespace, runs the trigger, and asks Flink for timers per (key, window).
 * Semantics are those of Java's WindowOperator: late records (window cleanup time at or before
 * the watermark) are dropped, a cleanup timer at maxTimestamp + allowedLateness clears a window,
 * merging (session) windows combine their contents and timers.
 */
import { GlobalWindow, TimeWindow, type CustomTrigger, type TriggerContext, type TriggerSpec, type Window, type WindowSpec } from '../../api/datastream/windowing';
import type { AggregateFunction, ProcessWindowFunction, ProcessWindowFunctionContext } from '../../api/datastream/functions';
import type { KeyedStateStore as UserStateStore } from '../../api/datastream/state';
import { ByteWriter } from '../coders/bytes';
import { decoderFor, encoderFor } from '../coders/row-coder';
import { elementsOf } from '../state/keyed-state';
import type { KeyedStateStore } from '../state/state-cache';

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

/** TimeWindow.getWindowStartWithOffset (JS % truncates toward zero like Java's). */
function windowStart(ts: number, offset: number, size: number): number {
  const r = (ts - offset + size) % size;
  return ts - (r < 0 ? r + size : r);
}

const FIRE = 1;
const PURGE = 2;

export class WindowOperator {
  private readonly global: boolean;
  private readonly eventTime: boolean;
  private readonly merging: boolean;
  private watermark = Number.MIN_SAFE_INTEGER;

  constructor(
    private readonly spec: WindowSpec,
    private readonly fns: WindowFunctions,
    private readonly host: WindowHost,
    private readonly name: string,
  ) {
    const a = spec.assigner;
    this.global = a.type === 'global';
    this.eventTime = a.type !== 'global' && a.time === 'event';
    this.merging = a.type === 'session';
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

  private assign(timestamp: number | null): Window[] {
    const a = this.spec.assigner;
    if (a.type === 'global') return [GlobalWindow.INSTANCE];
    let ts: number;
    if (a.time === 'processing') ts = Date.now();
    else if (timestamp === null) {
      throw new Error(`the record has no timestamp for the event-time windows of '${this.name}': use assignTimestampsAndWatermarks() before keyBy()`);
    } else ts = timestamp;
    switch (a.type) {
      case 'tumbling': {
        const start = windowStart(ts, a.offset, a.size);
        return [new TimeWindow(start, start + a.size)];
      }
      case 'sliding': {
        const out: TimeWindow[] = [];
        for (let start = windowStart(ts, a.offset, a.slide); start > ts - a.size; start -= a.slide) out.push(new TimeWindow(start, start + a.size));
        return out;
      }
      case 'session':
        return [new TimeWindow(ts, ts + a.gap)];
    }
  }

  /**
   * The session windows of the key after adding `w`: overlapping ones merge into one (contents,
   * trigger state and timers). Kept as a list of [start, end] in the key's SESSIONS_NAMESPACE.
   */
  private async mergeSession(w: TimeWindow): Promise<TimeWindow> {
    const sessions = (((await this.getOne('window-sessions', SESSIONS_NAMESPACE)) as [number, number][] | undefined) ?? []).map(([s, e]) => new TimeWindow(s, e));
    const overlapping = sessions.filter((s) => s.intersects(w));
    const rest = sessions.filter((s) => !s.intersects(w));
    const merged = overlapping.reduce((acc, s) => acc.cover(s), w);
    // the contents move into the merged window; the others' timers and state go
    const moved = overlapping.filter((s) => s.start !== merged.start || s.end !== merged.end);
    if (moved.length > 0) {
      for (const s of moved) await this.mergeContents(s, merged);
      // as Java's WindowOperator: the trigger merges first (CountTrigger sums the moved windows'
      // counts), then each moved window's trigger state and timers go
      await this.mergeTrigger(this.spec.trigger, merged, moved);
      for (const s of moved) {
        await this.clearTrigger(this.spec.trigger, s);
        this.deleteCleanupTimer(s);
      }
    }
    await this.setOne('window-sessions', SESSIONS_NAMESPACE, [...rest, merged].map((s) => [s.start, s.end]));
    return merged;
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
    const elements = this.spec.evictor ? await this.evictingContents(w) : await this.contents(w);
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
   * An evicting window's firing (Java's EvictingWindowOperator): its records with their timestamps,
   * evicted before the function (or after: then the function sees them all), the function's input
   * made from what it sees (reduced, accumulated or the list), and the records left written back.
   */
  private async evictingContents(w: Window): Promise<unknown[]> {
    const ns = encodeWindow(w);
    const bag = this.host.state().bag('window-contents');
    const all = [...elementsOf(await bag.get(this.host.keyBytes(), ns), decodePickled)] as Timestamped[];
    if (all.length === 0) return [];
    const after = this.spec.evictor!.after;
    const seen = after ? all : await this.evict(all);
    const kept = after ? await this.evict(all) : seen;
    if (kept.length !== all.length) {
      await bag.clear(this.host.keyBytes(), ns);
      // one append of all of them (a bag's data is its elements one after another)
      if (kept.length > 0) await bag.append(this.host.keyBytes(), Buffer.concat(kept.map((r) => pickle(r))), ns);
    }
    const values = seen.map((r) => r[1]);
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

  /** The records an evictor leaves (Java's CountEvictor, TimeEvictor, DeltaEvictor). */
  private async evict(records: Timestamped[]): Promise<Timestamped[]> {
    const e = this.spec.evictor!;
    switch (e.type) {
      case 'count':
        return records.length <= e.maxCount ? records : records.slice(records.length - e.maxCount);
      case 'time': {
        // Java: nothing without timestamps (judged by the first record); else the newest timestamp - size is the cut-off
        if (records[0][0] === null) return records;
        let newest = -Infinity;
        for (const [ts] of records) if (ts !== null && ts > newest) newest = ts;
        const cutoff = newest - e.windowSize;
        return records.filter(([ts]) => ts !== null && ts > cutoff);
      }
      case 'delta': {
        const last = records[records.length - 1][1];
        const left: Timestamped[] = [];
        for (const r of records) {
          const delta: unknown = await this.fns.delta!(r[1], last);
          if (typeof delta !== 'number') throw new TypeError(`DeltaEvictor: the delta function returned ${typeof delta === 'object' ? JSON.stringify(delta) : typeof delta}, not a number`);
          if (delta < e.threshold) left.push(r);
        }
        return left;
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
    for (const assigned of this.assign(timestamp)) {
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
