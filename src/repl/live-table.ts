/**
 * The state behind a live result display: a changelog (+I/-U/+U/-D rows) folded into what one of
 * Zeppelin's display modes shows.
 *
 * - `update`: the table the changelog describes. A retraction removes one equal row; an update
 *   after (-U, +U) takes the retracted row's place, so a changing count stays on its line.
 * - `append`: every change as it arrives, newest last; the `op` column appears once the stream
 *   has shown a non-insert kind. Only the newest `maxRows` are kept.
 * - `single`: one value: the last row of the `update` table (e.g. `SELECT COUNT(*) FROM t`).
 */
import type { RowKind } from '../api/table-result';

export type DisplayMode = 'single' | 'update' | 'append';

export interface LiveSnapshot {
  /** Rows to show, at most maxRows (update/append) or one (single). */
  rows: unknown[][];
  /** Per-row kinds when the `op` column should be shown (append mode on a changelog stream). */
  kinds?: RowKind[];
  /** Rows the full result holds (update/single) or has held (append) right now. */
  total: number;
  /** Whether rows were left out to respect maxRows. */
  truncated: boolean;
}

/**
 * A value-equality key for a row, stable for bigint, bytes, Map and nested values (Dates reach the
 * replacer already turned into ISO strings by their toJSON).
 */
export function rowKey(values: readonly unknown[]): string {
  return JSON.stringify(values, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
    if (v instanceof Map) return { map: [...v.entries()] };
    return v;
  });
}

interface Slot {
  key: string;
  values: unknown[];
}

export class LiveTable {
  private readonly slots: (Slot | undefined)[] = [];
  private readonly positions = new Map<string, number[]>();
  private holes = 0;
  /** Where the last -U removed a row, so the following +U can take its place. */
  private lastRetracted?: number;
  private readonly appended: { kind: RowKind; values: unknown[] }[] = [];
  private sawChangelog = false;
  private changeCount = 0;
  private appendedTotal = 0;

  constructor(
    readonly mode: DisplayMode,
    readonly maxRows = 1000,
  ) {
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError(`maxRows must be a positive integer, got ${maxRows}`);
  }

  /** Changes applied so far (every +I/-U/+U/-D counts). */
  get changes(): number {
    return this.changeCount;
  }

  /** Rows in the current result: the table size (update/single) or rows received (append). */
  get size(): number {
    return this.mode === 'append' ? this.appendedTotal : this.slots.length - this.holes;
  }

  apply(kind: RowKind, values: unknown[]): void {
    this.changeCount++;
    if (kind !== '+I') this.sawChangelog = true;
    if (this.mode === 'append') {
      this.appendedTotal++;
      this.appended.push({ kind, values });
      if (this.appended.length > this.maxRows) this.appended.shift();
      return;
    }
    const key = rowKey(values);
    if (kind === '+I' || kind === '+U') this.insert(key, values, kind === '+U');
    else this.retract(key, kind === '-U');
  }

  private insert(key: string, values: unknown[], isUpdateAfter: boolean): void {
    let at: number;
    if (isUpdateAfter && this.lastRetracted !== undefined && this.slots[this.lastRetracted] === undefined) {
      at = this.lastRetracted;
      this.slots[at] = { key, values };
      this.holes--;
    } else {
      at = this.slots.push({ key, values }) - 1;
    }
    this.lastRetracted = undefined;
    const list = this.positions.get(key);
    if (list) list.push(at);
    else this.positions.set(key, [at]);
  }

  private retract(key: string, isUpdateBefore: boolean): void {
    const list = this.positions.get(key);
    // A retraction of a row we never saw (e.g. dropped upstream) changes nothing.
    if (!list || list.length === 0) return;
    const at = list.pop()!;
    if (list.length === 0) this.positions.delete(key);
    this.slots[at] = undefined;
    this.holes++;
    this.lastRetracted = isUpdateBefore ? at : undefined;
    if (this.holes > 1024 && this.holes * 2 > this.slots.length) this.compact();
  }

  private compact(): void {
    const live = this.slots.filter((s): s is Slot => s !== undefined);
    this.slots.length = 0;
    this.positions.clear();
    this.holes = 0;
    this.lastRetracted = undefined;
    live.forEach((s, i) => {
      this.slots.push(s);
      const list = this.positions.get(s.key);
      if (list) list.push(i);
      else this.positions.set(s.key, [i]);
    });
  }

  snapshot(): LiveSnapshot {
    if (this.mode === 'append') {
      return {
        rows: this.appended.map((r) => r.values),
        kinds: this.sawChangelog ? this.appended.map((r) => r.kind) : undefined,
        total: this.appendedTotal,
        truncated: this.appendedTotal > this.appended.length,
      };
    }
    const live: unknown[][] = [];
    for (const s of this.slots) if (s) live.push(s.values);
    if (this.mode === 'single') {
      return { rows: live.length ? [live[live.length - 1]] : [], total: live.length, truncated: live.length > 1 };
    }
    return { rows: live.slice(0, this.maxRows), total: live.length, truncated: live.length > this.maxRows };
  }
}
