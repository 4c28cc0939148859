/**
 * `flink:transform:stream_group_window_aggregate:v1`: TUMBLE and HOP group windows (event or
 * processing time) with TypeScript aggregates, under flink-python's
 * PythonStreamGroupWindowAggregateOperator, with PyFlink's semantics (GroupWindowAggFunction with
 * the general window process function and the event-/processing-time triggers):
 * - a record comes with the operator's current watermark; it is accumulated into each of its
 *   windows that is not late, whose accumulators live in Flink's keyed state under the window as
 *   namespace (value state "window_state");
 * - the worker asks Flink for timers (trigger at the window's end, cleanup after the allowed
 *   lateness) by emitting timer records; Flink sends fired timers back as input records;
 * - a fired window emits key + aggregate values + window properties (start, end, rowtime as
 *   epoch millis; Flink turns them into timestamps), and its state is dropped at cleanup time.
 * SESSION windows merge as PyFlink's do (a per-key map of session → the window holding its
 * accumulators, merged with the function's merge()). Row-count TUMBLE and HOP windows (on processing
 * time) count each key's rows in keyed state ('count-window-assigner', PyFlink's count assigners)
 * and fire a window with its last row, as PyFlink's CountTrigger does.
 */
import type { LogicalTypeTree } from '../../api/values';
import { aggregateCalls, aggregateResultError, type AggregateCalls, type AggregateSlot } from '../aggregate/aggregate-slot';
import { DistinctCounts } from '../aggregate/distinct';
import { ByteReader, ByteWriter } from '../coders/bytes';
import { decoderFor, rowDecoder, rowEncoder, type DecodedRow, type FieldError } from '../coders/row-coder';
import { flinkApi } from '../fn-api';
import { elementsOf, IterateType, type BagState, type MapState } from '../state/keyed-state';
import { forEachElement, registerOperation, type Operation, type OperationContext } from './operation';

const NORMAL_RECORD = 0;
const TRIGGER_TIMER = 1;
const REGISTER_EVENT_TIMER = 0;
const REGISTER_PROCESSING_TIMER = 1;
const DELETE_EVENT_TIMER = 2;
const DELETE_PROCESSING_TIMER = 3;
const INSERT = 0;
const MAX_LONG = Number.MAX_SAFE_INTEGER;
const isAccumulate = (kind: number) => kind === 0 || kind === 2;

const W = flinkApi.GroupWindow;

interface TimeWindow {
  start: number;
  end: number;
}
const maxTimestamp = (w: TimeWindow) => w.end - 1;

function encodeWindow(w: TimeWindow): Buffer {
  const out = new ByteWriter(16);
  out.i64Number(w.start);
  out.i64Number(w.end);
  return out.take();
}

/** A row-count window as Flink's CountWindow.Serializer writes it: its id. */
function encodeCountWindow(id: number): Buffer {
  const out = new ByteWriter(8);
  out.i64Number(id);
  return out.take();
}

function decodeWindow(b: Uint8Array): TimeWindow {
  const r = new ByteReader(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  return { start: r.i64Number(), end: r.i64Number() };
}

/** Epoch millis → the same wall-clock time in `zone`, read as UTC (Flink's TimeWindowUtil.toUtcTimestampMills). */
function shifter(zone: string): (ms: number) => number {
  if (!zone || zone === 'UTC' || zone === 'Z') return (ms) => ms;
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (ms) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + (((ms % 1000) + 1000) % 1000);
  };
}

export class GroupWindowAggregateOperation implements Operation {
  private readonly calls: AggregateCalls;
  private readonly slots: AggregateSlot[];
  private readonly grouping: number[];
  private readonly decodeRecord: (r: ByteReader) => Input;
  private readonly encodeKey: (w: ByteWriter, values: readonly unknown[], kind?: number) => void;
  private readonly encodeOutput: (w: ByteWriter, values: readonly unknown[], kind?: number) => void;
  private readonly resultFieldCount: number;
  private readonly windowState: BagState;
  /** Session windows: which windows exist per key, and where their accumulators are. */
  private readonly sessions?: SessionWindows;
  /** Row-count windows: the rows each key has seen so far. */
  private readonly rowCounts?: BagState;
  private cacheToken = '';
  private readonly valueSlots: number[];
  /** DISTINCT calls' tuple counts, by slot, per key and window. */
  private readonly distinctCounts = new Map<number, DistinctCounts>();
  private readonly eventTime: boolean;
  private readonly size: number;
  private readonly slide: number;
  private readonly lateness: number;
  private readonly timeField: number;
  private readonly properties: ((w: TimeWindow) => number)[];
  private readonly shift: (ms: number) => number;
  private watermark = -MAX_LONG;
  /** Records and fired timers of the running bundle, in arrival order. */
  private pending: Input[] = [];

  constructor(private readonly ctx: OperationContext<flinkApi.UserDefinedAggregateFunctions>) {
    const spec = ctx.udfs;
    const win = spec.group_window!;
    this.eventTime = !!win.is_row_time;
    this.size = Number(win.window_size ?? 0);
    this.slide = win.window_type === W.WindowType.SLIDING_GROUP_WINDOW ? Number(win.window_slide ?? 0) : this.size;
    this.lateness = Number(win.allowedLateness ?? 0);
    this.timeField = win.time_field_index ?? 0;
    this.shift = shifter(win.shift_timezone ?? 'UTC');
    this.properties = (win.namedProperties ?? []).map((p) => {
      switch (p) {
        case W.WindowProperty.WINDOW_START:
          return (w: TimeWindow) => w.start;
        case W.WindowProperty.WINDOW_END:
          return (w: TimeWindow) => w.end;
        case W.WindowProperty.ROW_TIME_ATTRIBUTE:
          return (w: TimeWindow) => w.end - 1;
        default:
          return () => -1;
      }
    });
    this.grouping = spec.grouping ?? [];
    const input = ctx.inputType.fields!;
    const rowType = input[1].type;
    const timerType = input[4].type;
    const keyType = timerType.fields![1].type;
    this.decodeRecord = inputDecoder(rowType, timerType);
    this.encodeKey = rowEncoder(keyType);
    this.encodeOutput = rowEncoder(ctx.outputType);
    const resultType = ctx.outputType.fields![1].type;
    this.resultFieldCount = resultType.fields!.length;
    const state = ctx.keyedState();
    this.calls = aggregateCalls(spec, resultType.fields!.slice(this.grouping.length), state);
    this.slots = this.calls.slots;
    this.valueSlots = this.calls.valueSlots;
    this.windowState = state.bag('window_state');
    this.slots.forEach((s, i) => s.distinct && this.distinctCounts.set(i, new DistinctCounts(state.map(`agg${i}distinct`))));
    if (!win.is_time_window) this.rowCounts = state.bag('count-window-assigner');
    if (win.window_type === W.WindowType.SESSION_GROUP_WINDOW) {
      const viewful = this.slots.find((sl) => sl.views.length > 0);
      if (viewful) {
        throw new Error(`TypeScript UDAF '${viewful.name}' has ListView/MapView fields, which SESSION windows cannot merge yet; use TUMBLE or HOP windows, or an accumulator without data views`);
      }
      const distinct = this.slots.find((sl) => sl.distinct);
      if (distinct) {
        throw new Error(`DISTINCT calls of '${distinct.name}' cannot be merged across SESSION windows yet; use TUMBLE or HOP windows, or aggregate over a SELECT DISTINCT subquery`);
      }
      this.sessions = new SessionWindows(Number(win.window_gap ?? 0), state.map('session-window-mapping'));
    }
  }

  async open(): Promise<void> {
    for (const s of this.slots) await s.open(this.ctx.functionContext);
  }

  process(input: ByteReader): void {
    forEachElement(input, this.decodeRecord, (rec) => this.pending.push(rec));
  }

  async finishBundle(out: ByteWriter): Promise<void> {
    const records = this.pending;
    this.pending = [];
    const token = this.ctx.cacheToken();
    if (token !== this.cacheToken) {
      this.sessions?.forget();
      this.cacheToken = token;
    }
    for (const rec of records) {
      if (rec.type === NORMAL_RECORD) {
        if (rec.watermark !== null) this.watermark = Math.max(this.watermark, rec.watermark);
        await this.processElement(rec.row!, out);
      } else {
        await this.onTimer(rec, out);
      }
    }
  }

  private keyOf(values: readonly unknown[]): { key: unknown[]; keyBytes: Buffer } {
    return this.keyFrom(this.grouping.map((i) => values[i]));
  }

  private keyFrom(key: unknown[]): { key: unknown[]; keyBytes: Buffer } {
    const w = new ByteWriter(32);
    this.encodeKey(w, key);
    return { key, keyBytes: w.take() };
  }

  /** The windows a timestamp falls into (TimeWindow.getWindowStartWithOffset, offset 0). */
  private windowsOf(ts: number): TimeWindow[] {
    const out: TimeWindow[] = [];
    const last = ts - (((ts % this.slide) + this.slide) % this.slide);
    for (let start = last; start > ts - this.size; start -= this.slide) out.push({ start, end: start + this.size });
    return out;
  }

  private cleanupTime(w: TimeWindow): number {
    if (!this.eventTime) return Math.max(0, maxTimestamp(w));
    const t = Math.max(0, maxTimestamp(w) + this.lateness);
    return t >= maxTimestamp(w) ? t : MAX_LONG;
  }

  private isLate(w: TimeWindow): boolean {
    return this.eventTime && this.cleanupTime(w) <= this.watermark;
  }

  private async processElement(row: DecodedRow, out: ByteWriter): Promise<void> {
    if (this.rowCounts) return this.processCounted(row, out);
    const { key, keyBytes } = this.keyOf(row.values);
    let ts: number;
    if (this.eventTime) {
      const t = row.values[this.timeField];
      if (!(t instanceof Date)) throw new Error('a row without its event time reached a window aggregate');
      ts = this.shift(t.getTime());
    } else {
      ts = this.shift(Date.now());
    }
    const windows = this.sessions ? await this.sessionOf(key, keyBytes, ts, out) : this.windowsOf(ts).filter((w) => !this.isLate(w));
    for (const w of windows) await this.accumulateInto(keyBytes, await this.stateNamespace(keyBytes, w), row);
    for (const w of windows) {
      // the event-/processing-time trigger: fire at once if the watermark already passed the end
      if (this.eventTime && maxTimestamp(w) <= this.watermark) await this.fire(key, keyBytes, w, out);
      else this.timer(out, this.eventTime ? REGISTER_EVENT_TIMER : REGISTER_PROCESSING_TIMER, key, maxTimestamp(w), w);
      const cleanup = this.cleanupTime(w);
      if (cleanup !== MAX_LONG && cleanup !== maxTimestamp(w)) {
        this.timer(out, this.eventTime ? REGISTER_EVENT_TIMER : REGISTER_PROCESSING_TIMER, key, cleanup, w);
      }
    }
  }

  private async accumulateInto(keyBytes: Buffer, ns: Buffer, row: DecodedRow): Promise<void> {
    const accs = await this.accumulators(keyBytes, ns);
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (s.filterArg >= 0 && !row.values[s.filterArg]) continue;
      const distinct = this.distinctCounts.get(i);
      if (distinct && !(await distinct.admit(keyBytes, s.argsOf(row.values), isAccumulate(row.kind), ns))) continue;
      const r = isAccumulate(row.kind) ? s.accumulate(accs[i], row.values) : s.retract(accs[i], row.values);
      if (r instanceof Promise) await r;
    }
    await this.store(keyBytes, ns, accs);
  }

  /**
   * A row of a row-count window aggregate: the key's n-th row (from 0) belongs to the windows
   * `id` with id·slide ≤ n ≤ id·slide + size − 1 (PyFlink's count assigners); a window fires with
   * its last row, and its state goes with it, as no later row can reach it.
   */
  private async processCounted(row: DecodedRow, out: ByteWriter): Promise<void> {
    const { key, keyBytes } = this.keyOf(row.values);
    const stored = await this.rowCounts!.get(keyBytes);
    const n = stored.length ? new ByteReader(stored).i64Number() : 0;
    const counted = new ByteWriter(8);
    counted.i64Number(n + 1);
    await Promise.all([this.rowCounts!.clear(keyBytes), this.rowCounts!.append(keyBytes, counted.take())]);
    for (let id = Math.floor(n / this.slide); id >= 0 && n <= id * this.slide + this.size - 1; id--) {
      const ns = encodeCountWindow(id);
      await this.accumulateInto(keyBytes, ns, row);
      if (n === id * this.slide + this.size - 1) {
        await this.emit(key, await this.accumulators(keyBytes, ns), [], out);
        await this.clearWindowState(keyBytes, ns);
      }
    }
  }

  private async onTimer(rec: Input, out: ByteWriter): Promise<void> {
    const timer = rec.timer!;
    // the key comes as an object of its fields (the row decoder's form of a nested row)
    const { key: keyValues, keyBytes } = this.keyFrom(Object.values(timer.values[1] as Record<string, unknown>));
    const w = decodeWindow(timer.values[2] as Uint8Array);
    const time = rec.timestamp!;
    const eventTimer = timer.values[0] === REGISTER_EVENT_TIMER;
    if (eventTimer === this.eventTime && time === maxTimestamp(w)) await this.fire(keyValues, keyBytes, w, out);
    if (eventTimer === this.eventTime && time === this.cleanupTime(w)) {
      const ns = await this.stateNamespace(keyBytes, w);
      await this.clearWindowState(keyBytes, ns);
      await this.sessions?.retire(keyBytes, w);
    }
  }

  private clearWindowState(keyBytes: Buffer, ns: Buffer): Promise<unknown> {
    const sent: Promise<unknown>[] = [this.windowState.clear(keyBytes, ns), ...[...this.distinctCounts.values()].map((d) => d.clear(keyBytes, ns))];
    for (const s of this.slots) {
      for (const v of s.views) {
        v.view.bind(keyBytes, ns);
        sent.push(v.view.clearState());
      }
    }
    return Promise.all(sent);
  }

  /** Where a window's accumulators are: the window itself, or for a session the window it grew from. */
  private async stateNamespace(keyBytes: Buffer, w: TimeWindow): Promise<Buffer> {
    return encodeWindow(this.sessions ? ((await this.sessions.stateWindowOf(keyBytes, w)) ?? w) : w);
  }

  /**
   * The session window a row at `ts` belongs to, after merging it with the key's sessions it
   * touches (PyFlink's MergingWindowProcessFunction): the merged sessions' accumulators are merged
   * into one (the function's merge()), and their timers deleted. Empty when the session is late.
   */
  private async sessionOf(key: unknown[], keyBytes: Buffer, ts: number, out: ByteWriter): Promise<TimeWindow[]> {
    const sessions = this.sessions!;
    const actual = await sessions.add(keyBytes, { start: ts, end: ts + sessions.gap }, async (merged, target, mergedStateWindows) => {
      for (const w of merged) this.deleteTimers(out, key, w);
      if (!mergedStateWindows.length) return;
      const targetNs = encodeWindow(target);
      const accs = await this.accumulators(keyBytes, targetNs);
      for (const sw of mergedStateWindows) {
        const ns = encodeWindow(sw);
        if ((await this.windowState.get(keyBytes, ns)).length) {
          const others = await this.accumulators(keyBytes, ns);
          for (let i = 0; i < this.slots.length; i++) {
            const r = this.slots[i].merge(accs[i], others[i]);
            if (r instanceof Promise) await r;
          }
        }
        await this.clearWindowState(keyBytes, ns);
      }
      await this.store(keyBytes, targetNs, accs);
    });
    if (this.isLate(actual)) {
      await sessions.retire(keyBytes, actual);
      return [];
    }
    return [actual];
  }

  /** Deletes a window's trigger and cleanup timers (it was merged into another). */
  private deleteTimers(out: ByteWriter, key: unknown[], w: TimeWindow): void {
    const type = this.eventTime ? DELETE_EVENT_TIMER : DELETE_PROCESSING_TIMER;
    this.timer(out, type, key, maxTimestamp(w), w);
    const cleanup = this.cleanupTime(w);
    if (cleanup !== MAX_LONG && cleanup !== maxTimestamp(w)) this.timer(out, type, key, cleanup, w);
  }

  private async accumulators(keyBytes: Buffer, ns: Buffer): Promise<unknown[]> {
    const data = await this.windowState.get(keyBytes, ns);
    let accs: unknown[];
    if (data.length) {
      const r = new ByteReader(data);
      accs = this.slots.map((s) => s.readAccumulator(r));
    } else {
      accs = [];
      for (const s of this.slots) accs.push(await s.createAccumulator());
    }
    for (let i = 0; i < this.slots.length; i++) this.slots[i].bindViews(accs[i], keyBytes, ns);
    return accs;
  }

  private async store(keyBytes: Buffer, ns: Buffer, accs: unknown[]): Promise<void> {
    const w = new ByteWriter(64);
    for (let i = 0; i < this.slots.length; i++) this.slots[i].writeAccumulator(w, accs[i]);
    await Promise.all([
      ...this.slots.flatMap((s, i) => s.viewsIn(accs[i]).map((v) => v.flush())),
      this.windowState.clear(keyBytes, ns),
      this.windowState.append(keyBytes, w.take(), ns),
    ]);
  }

  /** Emits the window's result: key, aggregate values, window properties. */
  private async fire(key: unknown[], keyBytes: Buffer, w: TimeWindow, out: ByteWriter): Promise<void> {
    const accs = await this.accumulators(keyBytes, await this.stateNamespace(keyBytes, w));
    await this.emit(key, accs, this.properties.map((p) => p(w)), out);
  }

  private async emit(key: unknown[], accs: unknown[], properties: number[], out: ByteWriter): Promise<void> {
    const values: unknown[] = [...key];
    for (const i of this.valueSlots) values.push(await this.slots[i].getValue(accs[i]));
    values.push(...properties);
    const start = out.beginPrefixed();
    try {
      this.encodeOutput(out, [NORMAL_RECORD, values, null], INSERT);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      // the nested result row's encoder numbered the field within that row
      throw aggregateResultError(e, this.calls, ((e as FieldError).fieldIndex ?? 0) - this.grouping.length, false);
    }
    out.endPrefixed(start);
  }

  /** Asks Flink to register (or delete) a timer for the key and window. */
  private timer(out: ByteWriter, type: number, key: unknown[], time: number, w: TimeWindow): void {
    const start = out.beginPrefixed();
    this.encodeOutput(out, [TRIGGER_TIMER, null, [type, key, time, encodeWindow(w)]], INSERT);
    out.endPrefixed(start);
  }

  async close(): Promise<void> {
    for (const s of this.slots) await s.close();
  }
}

/**
 * The session windows of each key, in Flink's map state ('session-window-mapping': window → the
 * window whose namespace holds its accumulators), with a per-key cache of the sorted windows.
 */
class SessionWindows {
  private readonly cache = new Map<string, TimeWindow[]>();

  constructor(
    readonly gap: number,
    private readonly mapping: MapState,
  ) {}

  forget(): void {
    this.cache.clear();
  }

  private async sorted(keyBytes: Buffer): Promise<TimeWindow[]> {
    const id = keyBytes.toString('latin1');
    let windows = this.cache.get(id);
    if (!windows) {
      windows = [];
      for await (const batch of this.mapping.iterate(keyBytes, IterateType.KEYS, { finished: false })) {
        for (const w of elementsOf(batch, (r) => ({ start: r.i64Number(), end: r.i64Number() }))) windows.push(w);
      }
      windows.sort(compareWindows);
      if (this.cache.size >= 10_000) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(id, windows);
    }
    return windows;
  }

  async stateWindowOf(keyBytes: Buffer, w: TimeWindow): Promise<TimeWindow | undefined> {
    const v = await this.mapping.get(keyBytes, encodeWindow(w));
    return v ? decodeWindow(v) : undefined;
  }

  /**
   * Adds a session; returns the (possibly merged) session it is now part of. `onMerge` gets the
   * sessions that merged away, the resulting session's state window, and the state windows whose
   * accumulators go into it.
   */
  async add(
    keyBytes: Buffer,
    added: TimeWindow,
    onMerge: (merged: TimeWindow[], target: TimeWindow, mergedStateWindows: TimeWindow[]) => Promise<void>,
  ): Promise<TimeWindow> {
    const windows = await this.sorted(keyBytes);
    // the sessions just before and after the new one (SessionWindowAssigner.merge_windows)
    const at = windows.findIndex((w) => compareWindows(w, added) >= 0);
    const neighbours = [at >= 0 ? windows[at] : undefined, at > 0 ? windows[at - 1] : at < 0 ? windows[windows.length - 1] : undefined];
    let result = added;
    const merged: TimeWindow[] = [];
    for (const n of neighbours) {
      if (n && n.start <= result.end && n.end >= result.start) {
        merged.push(n);
        result = { start: Math.min(result.start, n.start), end: Math.max(result.end, n.end) };
      }
    }
    if (!merged.length) {
      windows.push(added);
      windows.sort(compareWindows);
      await this.mapping.write(keyBytes, [{ key: encodeWindow(added), value: encodeWindow(added) }]);
      return added;
    }
    const existing = merged.filter((w) => !sameWindow(w, result));
    if (!existing.length) return result; // the new session lies inside an existing one
    const stateWindows = await Promise.all(merged.map((w) => this.stateWindowOf(keyBytes, w)));
    const target = stateWindows.find(Boolean) ?? result;
    for (const w of merged) windows.splice(windows.findIndex((x) => sameWindow(x, w)), 1);
    windows.push(result);
    windows.sort(compareWindows);
    await this.mapping.write(keyBytes, [
      ...merged.map((w) => ({ key: encodeWindow(w), deleted: true as const })),
      { key: encodeWindow(result), value: encodeWindow(target) },
    ]);
    await onMerge(merged, target, stateWindows.filter((w): w is TimeWindow => !!w && !sameWindow(w, target)));
    return result;
  }

  /** Forgets a session (cleaned up, or late). */
  async retire(keyBytes: Buffer, w: TimeWindow): Promise<void> {
    const windows = await this.sorted(keyBytes);
    const i = windows.findIndex((x) => sameWindow(x, w));
    if (i >= 0) windows.splice(i, 1);
    await this.mapping.write(keyBytes, [{ key: encodeWindow(w), deleted: true }]);
  }
}

const compareWindows = (a: TimeWindow, b: TimeWindow) => a.start - b.start || a.end - b.end;
const sameWindow = (a: TimeWindow, b: TimeWindow) => a.start === b.start && a.end === b.end;

interface Input {
  type: number;
  row: DecodedRow | null;
  timestamp: number | null;
  watermark: number | null;
  timer: DecodedRow | null;
}

/** [record type, row, timer timestamp, watermark, timer (type, key, window)] rows. */
function inputDecoder(rowType: LogicalTypeTree, timerType: LogicalTypeTree): (r: ByteReader) => Input {
  const row = rowDecoder(rowType);
  const timer = rowDecoder(timerType);
  const tinyint = decoderFor({ root: 'TINYINT', nullable: true, sql: 'TINYINT' });
  return (r) => {
    const mask = r.u8(); // 2 kind bits, then the null bits of the 5 fields
    const type = mask & 0x20 ? NORMAL_RECORD : (tinyint(r) as number);
    const value = mask & 0x10 ? null : row(r);
    const timestamp = mask & 0x08 ? null : r.i64Number();
    const watermark = mask & 0x04 ? null : r.i64Number();
    const t = mask & 0x02 ? null : timer(r);
    return { type, row: value, timestamp, watermark, timer: t };
  };
}

registerOperation(
  'flink:transform:stream_group_window_aggregate:v1',
  (ctx) => new GroupWindowAggregateOperation(ctx as unknown as OperationContext<flinkApi.UserDefinedAggregateFunctions>),
  'aggregate',
);
