/**
 * `flink:transform:stream_group_aggregate:v1` and `…:stream_group_table_aggregate:v1`: streaming
 * GROUP BY with TypeScript aggregates, under flink-python's PythonStreamGroup(Table)AggregateOperator.
 *
 * The runner sends [record type, input row, timer timestamp, key] rows; input rows are buffered by
 * key, and at the end of the bundle each key's accumulators are read from Flink's keyed state
 * (value state "accumulators"), updated, written back, and the changed results are emitted as a
 * changelog (+I, -U/+U, -D), as PyFlink's GroupAggFunction / GroupTableAggFunction do. Since each
 * state request names its key, up to MAX_CONCURRENT_KEYS keys are read and updated at once.
 */
import type { LogicalTypeTree } from '../../api/values';
import { aggregateCalls, aggregateResultError, type AggregateCalls, type AggregateSlot } from '../aggregate/aggregate-slot';
import { ByteReader, ByteWriter } from '../coders/bytes';
import { rowDecoder, rowEncoder, type DecodedRow, type FieldError } from '../coders/row-coder';
import type { flinkApi } from '../fn-api';
import type { StateView } from '../state/data-views';
import { DistinctCounts } from '../aggregate/distinct';
import type { BagState, RemoteKeyedState } from '../state/keyed-state';
import { StateCache } from '../state/state-cache';
import { forEachElement, registerOperation, type Operation, type OperationContext } from './operation';

const NORMAL_RECORD = 0;
const INSERT = 0;
const UPDATE_BEFORE = 1;
const UPDATE_AFTER = 2;
const DELETE = 3;

/** Keys of a bundle updated at once (see finishBundle). */
const MAX_CONCURRENT_KEYS = 1000;

const isAccumulate = (kind: number) => kind === INSERT || kind === UPDATE_AFTER;

interface Group {
  key: unknown[];
  keyBytes: Buffer;
  rows: DecodedRow[];
  /** A state-cleanup timer fired for this key before its rows. */
  cleanup: boolean;
}

/** A tiny LRU of decoded accumulators by key (`python.state.cache-size`). */
class AccumulatorCache {
  private readonly map = new Map<string, unknown[]>();
  constructor(private readonly size: number) {}
  get(k: string): unknown[] | undefined {
    const v = this.map.get(k);
    if (v) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: unknown[]): void {
    if (this.size <= 0) return;
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
  }
  delete(k: string): void {
    this.map.delete(k);
  }
  clear(): void {
    this.map.clear();
  }
}

export class GroupAggregateOperation implements Operation {
  private readonly calls: AggregateCalls;
  private readonly slots: AggregateSlot[];
  private readonly grouping: number[];
  private readonly decodeInput: (r: ByteReader) => { type: number; row: DecodedRow | null; key: DecodedRow | null };
  private readonly encodeKey: (w: ByteWriter, values: readonly unknown[], kind?: number) => void;
  private readonly encodeOutput: (w: ByteWriter, values: readonly unknown[], kind?: number) => void;
  private readonly accumulators: BagState;
  private readonly cache: AccumulatorCache;
  private readonly generateUpdateBefore: boolean;
  private readonly stateCleaning: boolean;
  /** Index of the COUNT(*) the planner adds to find groups whose rows were all retracted. */
  private readonly countStar: number;
  /** The aggregates whose values are output columns (not an inserted COUNT(*)). */
  private readonly valueSlots: number[];
  /** DISTINCT calls' tuple counts, by slot. */
  private readonly distinctCounts = new Map<number, DistinctCounts>();
  private groups = new Map<string, Group>();
  private cacheToken = '';
  /** MapView state through the worker's cache: a value read in one bundle serves the next ones. */
  private readonly stateCache: StateCache;

  constructor(
    private readonly ctx: OperationContext<flinkApi.UserDefinedAggregateFunctions>,
    private readonly table: boolean,
  ) {
    const spec = ctx.udfs;
    const state = ctx.keyedState();
    this.grouping = spec.grouping ?? [];
    this.generateUpdateBefore = !!spec.generate_update_before;
    this.stateCleaning = !!spec.state_cleaning_enabled;
    this.countStar = spec.index_of_count_star ?? -1;
    const input = ctx.inputType.fields!;
    const rowType = input[1].type;
    const keyType = input[3].type;
    this.decodeInput = inputDecoder(rowType, keyType);
    this.encodeKey = rowEncoder(keyType);
    this.encodeOutput = rowEncoder(ctx.outputType);
    this.stateCache = new StateCache(() => state, {
      entries: spec.state_cache_size ?? 1000,
      mapReads: spec.map_state_read_cache_size ?? 1000,
      mapWrites: spec.map_state_write_cache_size ?? 1000,
    });
    // ListViews are read whole on each get(): caching them would keep big lists in the worker
    const views = { bag: (name: string) => state.bag(name), map: (name: string) => this.stateCache.map(name) };
    this.calls = aggregateCalls(spec, table ? [] : ctx.outputType.fields!.slice(this.grouping.length), views);
    this.slots = this.calls.slots;
    this.valueSlots = this.calls.valueSlots;
    this.accumulators = state.bag('accumulators');
    this.slots.forEach((s, i) => s.distinct && this.distinctCounts.set(i, new DistinctCounts(state.map(`agg${i}distinct`))));
    this.cache = new AccumulatorCache(spec.state_cache_size ?? 1000);
  }

  async open(): Promise<void> {
    for (const s of this.slots) await s.open(this.ctx.functionContext);
  }

  process(input: ByteReader): void {
    forEachElement(input, this.decodeInput, ({ type, row, key }) => {
      if (type === NORMAL_RECORD) {
        const values = row!.values;
        const keyValues = this.grouping.map((i) => values[i]);
        this.groupOf(keyValues).rows.push(row!);
      } else if (this.stateCleaning) {
        this.groupOf(key!.values).cleanup = true;
      }
    });
  }

  private groupOf(keyValues: unknown[]): Group {
    const w = new ByteWriter(32);
    this.encodeKey(w, keyValues);
    const keyBytes = w.take();
    const id = keyBytes.toString('latin1');
    let g = this.groups.get(id);
    if (!g) this.groups.set(id, (g = { key: keyValues, keyBytes, rows: [], cleanup: false }));
    return g;
  }

  async finishBundle(out: ByteWriter): Promise<void> {
    const groups = [...this.groups.entries()];
    this.groups = new Map();
    const token = this.ctx.cacheToken();
    if (token !== this.cacheToken) {
      // another operator instance's state (a restarted task): what the cache holds is not its
      this.cache.clear();
      this.cacheToken = token;
    }
    this.stateCache.begin(token);
    const writes: Promise<unknown>[] = [];
    // whether a view's map iteration left early still holds an iterator (not the views: those of
    // every key of the bundle would stay in memory with it)
    const bundle = { openIterators: false };
    try {
      // cleanup timers first (PyFlink clears at once, before the bundle's buffered rows are applied)
      for (const [id, g] of groups) if (g.cleanup) writes.push(this.clearKey(id, g.keyBytes));
      // keys are updated concurrently: while one waits for state (its accumulators, a MapView
      // read), the others' requests go out, instead of one state round trip after another
      // (bench/udaf.ts); at most MAX_CONCURRENT_KEYS at a time, so a bundle of 100,000 keys holds
      // neither all their reads in flight nor all their accumulators in memory at once
      let next = 0;
      const updater = async () => {
        while (next < groups.length) {
          const [id, g] = groups[next++];
          if (!g.rows.length) continue;
          const stored = g.cleanup ? null : (this.cache.get(id) ?? (await this.readAccumulators(g.keyBytes)));
          await this.update(id, g, stored, out, writes, bundle);
        }
      };
      const updaters = Array.from({ length: Math.min(MAX_CONCURRENT_KEYS, groups.length) }, updater);
      const failed = (await Promise.allSettled(updaters)).find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    } finally {
      // every write reaches Flink before the bundle ends (and so before a checkpoint)
      await Promise.all(writes);
    }
    await this.stateCache.flush();
    if (bundle.openIterators) {
      await this.ctx.keyedState().clearIterators(groups[groups.length - 1][1].keyBytes);
    }
  }

  abortBundle(): void {
    this.stateCache.discard();
    this.cache.clear();
  }

  private async readAccumulators(keyBytes: Buffer): Promise<unknown[] | null> {
    const data = await this.accumulators.get(keyBytes);
    if (!data.length) return null;
    const r = new ByteReader(data);
    return this.slots.map((s) => s.readAccumulator(r));
  }

  private clearKey(id: string, keyBytes: Buffer): Promise<unknown> {
    this.cache.delete(id);
    const sent: Promise<unknown>[] = [this.accumulators.clear(keyBytes), ...[...this.distinctCounts.values()].map((d) => d.clear(keyBytes))];
    for (const s of this.slots) {
      for (const v of s.views) {
        v.view.bind(keyBytes);
        sent.push(v.view.clearState());
      }
    }
    return Promise.all(sent);
  }

  /** Applies one key's rows (PyFlink's GroupAggFunction.finish_bundle for one key). */
  private async update(id: string, g: Group, stored: unknown[] | null, out: ByteWriter, writes: Promise<unknown>[], bundle: { openIterators: boolean }): Promise<void> {
    const views: StateView[] = [];
    try {
      await this.applyRows(id, g, stored, out, writes, views);
    } finally {
      if (views.some((v) => v.hasOpenIterator)) bundle.openIterators = true;
    }
  }

  private async applyRows(id: string, g: Group, stored: unknown[] | null, out: ByteWriter, writes: Promise<unknown>[], views: StateView[]): Promise<void> {
    let rows = g.rows;
    let accs = stored;
    const firstRow = accs === null;
    if (firstRow) {
      // retractions of rows this key never saw (state expired or cleaned up) are dropped
      const start = rows.findIndex((r) => isAccumulate(r.kind));
      if (start < 0) return;
      rows = rows.slice(start);
      accs = [];
      for (const s of this.slots) accs.push(await s.createAccumulator());
    }
    for (let i = 0; i < this.slots.length; i++) views.push(...this.slots[i].bindViews(accs![i], g.keyBytes));

    const before = !firstRow && !this.table ? await this.values(accs!) : undefined;
    const updates = this.table && this.slots[0].emitsUpdates;
    if (this.table && !updates && !firstRow && this.generateUpdateBefore) await this.emitTable(g.key, accs!, DELETE, out);

    for (const row of rows) {
      const accumulate = isAccumulate(row.kind);
      for (let i = 0; i < this.slots.length; i++) {
        const s = this.slots[i];
        if (s.filterArg >= 0 && !row.values[s.filterArg]) continue;
        const distinct = this.distinctCounts.get(i);
        if (distinct && !(await distinct.admit(g.keyBytes, s.argsOf(row.values), accumulate))) continue;
        const r = accumulate ? s.accumulate(accs![i], row.values) : s.retract(accs![i], row.values);
        if (r instanceof Promise) await r;
      }
    }

    const viewWrites = () => views.map((v) => v.flush());
    if (this.countStar >= 0 && ((accs![this.countStar] as number[])[0] ?? 0) === 0) {
      // every row of the key was retracted: retract its result and forget the key
      // (a table aggregate's rows were already retracted above, when update-before is on)
      if (!firstRow && !this.table) this.emit(g.key, before!, DELETE, out);
      writes.push(this.clearKey(id, g.keyBytes));
      return;
    }

    if (updates) {
      await this.emitUpdates(g.key, accs!, out);
    } else if (this.table) {
      await this.emitTable(g.key, accs!, INSERT, out);
    } else {
      const after = await this.values(accs!);
      if (firstRow) this.emit(g.key, after, INSERT, out);
      else if (!sameRow(this.rowBytes(g.key, before!), this.rowBytes(g.key, after))) {
        if (this.generateUpdateBefore) this.emit(g.key, before!, UPDATE_BEFORE, out);
        this.emit(g.key, after, UPDATE_AFTER, out);
      }
    }
    writes.push(...viewWrites());
    const w = new ByteWriter(64);
    for (let i = 0; i < this.slots.length; i++) this.slots[i].writeAccumulator(w, accs![i]);
    const bytes = w.take();
    writes.push(this.accumulators.clear(g.keyBytes), this.accumulators.append(g.keyBytes, bytes));
    this.cache.set(id, accs!);
  }

  private async values(accs: unknown[]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const i of this.valueSlots) out.push(await this.slots[i].getValue(accs[i]));
    return out;
  }

  private rowBytes(key: unknown[], values: unknown[]): Buffer {
    const w = new ByteWriter(64);
    this.encodeChecked(w, [...key, ...values], INSERT);
    return w.take();
  }

  private emit(key: unknown[], values: unknown[], kind: number, out: ByteWriter): void {
    const start = out.beginPrefixed();
    this.encodeChecked(out, [...key, ...values], kind);
    out.endPrefixed(start);
  }

  /** Encodes an output row; a result that does not fit names the aggregate that produced it. */
  private encodeChecked(w: ByteWriter, values: unknown[], kind: number): void {
    try {
      this.encodeOutput(w, values, kind);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      throw aggregateResultError(e, this.calls, ((e as FieldError).fieldIndex ?? 0) - this.grouping.length, this.table);
    }
  }

  /** A table aggregate's row as the output row's values after the key columns. */
  private tableRowValues(key: unknown[], r: unknown): unknown[] {
    const fields = this.ctx.outputType.fields!.slice(key.length);
    if (Array.isArray(r)) return r;
    if (fields.length === 1 && (r === null || typeof r !== 'object' || r instanceof Date)) return [r];
    return fields.map((f) => (r as Record<string, unknown>)[f.name]);
  }

  /** A table aggregate's changes, as its emitUpdateWithRetract sends them. */
  private async emitUpdates(key: unknown[], accs: unknown[], out: ByteWriter): Promise<void> {
    const r = this.slots[0].emitUpdateWithRetract(accs[0], {
      collect: (row) => this.emit(key, this.tableRowValues(key, row), INSERT, out),
      retract: (row) => this.emit(key, this.tableRowValues(key, row), DELETE, out),
    });
    if (r instanceof Promise) await r;
  }

  /** A table aggregate's rows for the key, each joined to the key columns. */
  private async emitTable(key: unknown[], accs: unknown[], kind: number, out: ByteWriter): Promise<void> {
    const slot = this.slots[0];
    let rows = slot.emitValue(accs[0]);
    if (rows instanceof Promise) rows = await rows;
    const emitOne = (r: unknown) => this.emit(key, this.tableRowValues(key, r), kind, out);
    if (rows && typeof (rows as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      for await (const r of rows as AsyncIterable<unknown>) emitOne(r);
    } else if (rows && typeof (rows as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const r of rows as Iterable<unknown>) emitOne(r);
    } else if (rows !== null && rows !== undefined) {
      throw new TypeError(`TypeScript UDTAF '${slot.name}': emitValue() must return an iterable of rows (e.g. be a generator)`);
    }
  }

  async close(): Promise<void> {
    for (const s of this.slots) await s.close();
  }
}

function sameRow(a: Buffer, b: Buffer): boolean {
  return a.equals(b);
}

/** Decodes the runner's [record type, row (with its kind), timestamp, key] input rows. */
function inputDecoder(rowType: LogicalTypeTree, keyType: LogicalTypeTree) {
  const row = rowDecoder(rowType);
  const key = rowDecoder(keyType);
  return (r: ByteReader) => {
    const mask = r.u8(); // 2 kind bits, then null bits of the 4 fields
    const type = mask & 0x20 ? NORMAL_RECORD : r.i8();
    const value = mask & 0x10 ? null : row(r);
    if (!(mask & 0x08)) r.i64();
    const k = mask & 0x04 ? null : key(r);
    return { type, row: value, key: k };
  };
}

registerOperation('flink:transform:stream_group_aggregate:v1', (ctx) => new GroupAggregateOperation(ctx as unknown as OperationContext<flinkApi.UserDefinedAggregateFunctions>, false), 'aggregate');
registerOperation('flink:transform:stream_group_table_aggregate:v1', (ctx) => new GroupAggregateOperation(ctx as unknown as OperationContext<flinkApi.UserDefinedAggregateFunctions>, true), 'aggregate');
