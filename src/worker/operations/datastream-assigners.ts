/**
 * Window assignment for the worker's window operator: the built-in assigners (Java's arithmetic)
 * and TS ones (CustomWindowAssigner), whose windows are checked and made the operator's own
 * TimeWindow/GlobalWindow (a shipped assigner may construct a shipped copy of those classes). For
 * merging assigners, which windows merge: Java's TimeWindow.mergeWindows for session windows, the
 * user's mergeWindows otherwise.
 */
import type { CustomWindowAssigner } from '../../api/datastream/custom-windows';
import { GlobalWindow, TimeWindow, type Window, type WindowAssignerSpec } from '../../api/datastream/windowing';
import { shippedOrigin } from '../load-shipped';

/** A merge: the windows merged, and the window they become. */
export type Merge = [mergeResult: TimeWindow, toBeMerged: TimeWindow[]];

export interface WindowAssigning {
  /** The record's windows (with a processing-time assigner, by the clock). */
  assignWindows(element: unknown, timestamp: number | null): Promise<Window[]>;
  /** Of a merging assigner: which of the windows merge into which. */
  mergeWindows(windows: TimeWindow[]): Promise<Merge[]>;
}

/** TimeWindow.getWindowStartWithOffset (JS % truncates toward zero like Java's). */
function windowStart(ts: number, offset: number, size: number): number {
  const r = (ts - offset + size) % size;
  return ts - (r < 0 ? r + size : r);
}

/** Java's TimeWindow.mergeWindows: sorted by start, overlapping windows merge into their cover. */
export function mergeTimeWindows(windows: TimeWindow[]): Merge[] {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  const merges: Merge[] = [];
  let current: Merge | undefined;
  for (const w of sorted) {
    if (current && current[0].intersects(w)) {
      current[0] = current[0].cover(w);
      current[1].push(w);
    } else {
      if (current) merges.push(current);
      current = [w, [w]];
    }
  }
  if (current) merges.push(current);
  return merges.filter(([, merged]) => merged.length > 1);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v !== 'object' || v === null) return String(v);
  const name = (v as { constructor?: { name?: string } }).constructor?.name;
  try {
    return `${name && name !== 'Object' ? `${name} ` : ''}${JSON.stringify(v)}`;
  } catch {
    return name ?? 'an object';
  }
}

/** The built-in assigners' windows for a record at `ts`. */
function builtinWindows(a: Exclude<WindowAssignerSpec, { type: 'custom' }>, ts: number): Window[] {
  switch (a.type) {
    case 'global':
      return [GlobalWindow.INSTANCE];
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

export function windowAssigning(spec: WindowAssignerSpec, custom: CustomWindowAssigner<unknown, Window> | undefined, name: string): WindowAssigning {
  if (spec.type !== 'custom') {
    return {
      assignWindows: async (_element, timestamp) => {
        if (spec.type === 'global') return [GlobalWindow.INSTANCE];
        if (spec.time === 'processing') return builtinWindows(spec, Date.now());
        if (timestamp === null) throw new Error(`the record has no timestamp for the event-time windows of '${name}': use assignTimestampsAndWatermarks() before keyBy()`);
        return builtinWindows(spec, timestamp);
      },
      mergeWindows: async (windows) => mergeTimeWindows(windows),
    };
  }
  if (!custom) throw new Error(`window '${name}' has a TS window assigner that was not shipped`);
  const a = custom;
  const where = (method: 'assignWindows' | 'mergeWindows') => {
    const origin = shippedOrigin(a[method] as Function);
    return `${method}() of the window assigner of '${name}'${origin ? ` (${origin})` : ''}`;
  };

  /** One window the user's assigner made, as the operator's own; anything else fails naming the method and its line. */
  const window = (v: unknown, method: 'assignWindows' | 'mergeWindows'): Window => {
    if (spec.window === 'global') {
      if (v instanceof GlobalWindow || (v as { constructor?: { name?: string } } | null)?.constructor?.name === 'GlobalWindow') return GlobalWindow.INSTANCE;
      throw new TypeError(`${where(method)} returned ${describe(v)}: its getWindowSerializer() says GlobalWindow, so its windows are GlobalWindow.INSTANCE`);
    }
    const w = v as { start?: unknown; end?: unknown } | null;
    if (typeof v !== 'object' || w === null || !Number.isSafeInteger(w.start) || !Number.isSafeInteger(w.end)) {
      throw new TypeError(`${where(method)} returned ${describe(v)}: its getWindowSerializer() says TimeWindow, so its windows are new TimeWindow(start, end) of whole ms`);
    }
    const [start, end] = [w.start as number, w.end as number];
    if (end <= start) throw new RangeError(`${where(method)} returned the window [${start}, ${end}), of ${end - start} ms: a window ends after it starts`);
    return new TimeWindow(start, end);
  };

  return {
    assignWindows: async (element, timestamp) => {
      const returned: unknown = await a.assignWindows(element, timestamp, { getCurrentProcessingTime: () => Date.now() });
      if (typeof returned !== 'object' || returned === null || !(Symbol.iterator in returned)) {
        throw new TypeError(`${where('assignWindows')} returned ${describe(returned)}: it returns the record's windows, an array (or other iterable)`);
      }
      return [...(returned as Iterable<unknown>)].map((v) => window(v, 'assignWindows'));
    },
    mergeWindows: async (windows) => {
      const merges: Merge[] = [];
      const taken = new Set<string>();
      const key = (w: Window) => (w instanceof TimeWindow ? `${w.start},${w.end}` : 'global');
      const candidates = new Map(windows.map((w) => [key(w), w]));
      const returned: unknown = await a.mergeWindows!(windows, {
        merge: (toBeMerged, mergeResult) => {
          const merged: TimeWindow[] = [];
          for (const v of toBeMerged) {
            const w = candidates.get(key(window(v, 'mergeWindows')));
            if (!w) throw new TypeError(`${where('mergeWindows')} merged ${describe(v)}, which is not one of the windows it was given`);
            if (taken.has(key(w))) throw new TypeError(`${where('mergeWindows')} merged ${String(w)} twice`);
            taken.add(key(w));
            merged.push(w);
          }
          merges.push([window(mergeResult, 'mergeWindows') as TimeWindow, merged]);
        },
      });
      if (returned !== undefined) throw new TypeError(`${where('mergeWindows')} returned ${describe(returned)}: it says what merges through callback.merge(toBeMerged, mergeResult) and returns nothing`);
      return merges;
    },
  };
}
