/**
 * Evictors for the worker's window operator, as Java's: CountEvictor, TimeEvictor and DeltaEvictor
 * (their Java code: each evicts before or, doEvictAfter, after the window function), and TS ones
 * (CustomEvictor), which remove records from the array they are given, as Java's evictors remove
 * them through the iterator; additions or a returned value are refused.
 */
import type { CustomEvictor, EvictorContext, TimestampedValue } from '../../api/datastream/custom-windows';
import type { EvictorSpec, Window } from '../../api/datastream/windowing';
import { shippedOrigin } from '../load-shipped';

/** Java's Evictor, over the window's records in place. */
export interface WindowEvictor {
  evictBefore(elements: TimestampedValue<unknown>[], window: Window, ctx: EvictorContext): Promise<void>;
  evictAfter(elements: TimestampedValue<unknown>[], window: Window, ctx: EvictorContext): Promise<void>;
}

/** Keeps the elements `keep` says, in place. */
function retain(elements: TimestampedValue<unknown>[], keep: boolean[]): void {
  let j = 0;
  for (let i = 0; i < elements.length; i++) if (keep[i]) elements[j++] = elements[i];
  elements.length = j;
}

/** What a built-in evictor removes (its Java evict method). */
async function evictBuiltin(e: Exclude<EvictorSpec, { type: 'custom' }>, elements: TimestampedValue<unknown>[], delta: ((a: unknown, b: unknown) => unknown) | undefined): Promise<void> {
  switch (e.type) {
    case 'count':
      if (elements.length > e.maxCount) elements.splice(0, elements.length - e.maxCount);
      return;
    case 'time': {
      // Java: nothing without timestamps (judged by the first record); else the newest timestamp - size is the cut-off
      if (elements.length === 0 || !elements[0].hasTimestamp()) return;
      let newest = -Infinity;
      for (const r of elements) if (r.hasTimestamp() && r.getTimestamp() > newest) newest = r.getTimestamp();
      const cutoff = newest - e.windowSize;
      retain(
        elements,
        elements.map((r) => r.hasTimestamp() && r.getTimestamp() > cutoff),
      );
      return;
    }
    case 'delta': {
      if (elements.length === 0) return;
      const last = elements[elements.length - 1].getValue();
      const keep: boolean[] = [];
      for (const r of elements) {
        const d: unknown = await delta!(r.getValue(), last);
        if (typeof d !== 'number') throw new TypeError(`DeltaEvictor: the delta function returned ${typeof d === 'object' ? JSON.stringify(d) : typeof d}, not a number`);
        keep.push(d < e.threshold);
      }
      retain(elements, keep);
      return;
    }
  }
}

export function windowEvictor(spec: EvictorSpec, custom: CustomEvictor<unknown, Window> | undefined, delta: ((a: unknown, b: unknown) => unknown) | undefined, name: string): WindowEvictor {
  if (spec.type !== 'custom') {
    return {
      evictBefore: async (elements) => {
        if (!spec.after) await evictBuiltin(spec, elements, delta);
      },
      evictAfter: async (elements) => {
        if (spec.after) await evictBuiltin(spec, elements, delta);
      },
    };
  }
  if (!custom) throw new Error(`window '${name}' has a TS evictor that was not shipped`);
  const e = custom;
  const run = async (method: 'evictBefore' | 'evictAfter', elements: TimestampedValue<unknown>[], w: Window, ctx: EvictorContext): Promise<void> => {
    const given = new Set(elements);
    const returned: unknown = await e[method](elements, elements.length, w, ctx);
    const where = () => {
      const origin = shippedOrigin(e[method] as Function);
      return `${method}() of the evictor of '${name}'${origin ? ` (${origin})` : ''}`;
    };
    if (returned !== undefined) {
      throw new TypeError(`${where()} returned a value: an evictor removes records from the elements it is given, in place (elements.splice(i, 1), as Java's iterator.remove()), and returns nothing`);
    }
    const seen = new Set<TimestampedValue<unknown>>();
    for (const r of elements) {
      if (!given.has(r) || seen.has(r)) throw new TypeError(`${where()} added records to the window's elements: an evictor only removes them`);
      seen.add(r);
    }
  };
  return {
    evictBefore: (elements, w, ctx) => run('evictBefore', elements, w, ctx),
    evictAfter: (elements, w, ctx) => run('evictAfter', elements, w, ctx),
  };
}
