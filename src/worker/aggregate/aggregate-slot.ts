/**
 * One aggregate call of a Python-style aggregate operator, ready to run: the function (a TypeScript
 * UDAF/UDTAF or a Flink built-in), how its arguments come from the input row, its FILTER column,
 * how its accumulator is stored, and its data views.
 *
 * A TypeScript accumulator is stored with its declared accumulator type (the row coder), so a
 * wrong accumulator fails naming the UDAF and the field, and what is in Flink's state is as stable
 * as the declared type; its ListView/MapView fields are stored in state of their own instead.
 */
import { serialize, deserialize } from 'node:v8';
import type { FunctionContext } from '../../api/udf/functions';
import type { LogicalTypeTree } from '../../api/values';
import { ByteReader, ByteWriter } from '../coders/bytes';
import { decodeConstant } from '../coders/pickle';
import { decoderFor, encoderFor, rowDecoder, rowEncoder } from '../coders/row-coder';
import { rowTypeOfSchema } from '../coders/schema';
import type { flinkApi } from '../fn-api';
import { loadShipped } from '../load-shipped';
import { coerceConstant, parseDescriptor, UdfError } from '../udf-loader';
import { StateListView, StateMapView, type StateView } from '../state/data-views';
import type { BagState } from '../state/keyed-state';
import type { KeyedMap } from '../state/state-cache';
import { builtinAggregate } from './builtins';

/** Where the data views' state comes from: ListViews read Flink directly, MapViews may go through a StateCache. */
export interface ViewStates {
  bag(name: string): BagState;
  map(name: string): KeyedMap;
}

type Method = (...args: unknown[]) => unknown;

/** The methods of Flink's AggregateFunction / TableAggregateFunction the operation calls. */
interface AggregateMethods {
  createAccumulator: Method;
  accumulate: Method;
  retract?: Method;
  merge?: Method;
  getValue?: Method;
  emitValue?: Method;
  emitUpdateWithRetract?: Method;
  open?: Method;
  close?: Method;
}

interface ViewField {
  index: number;
  name: string;
  /** For requests that bind and send at once (clearing a key's views). */
  view: StateView;
  /** A view of its own for each key a bundle updates, so keys can be updated concurrently. */
  make: () => StateView;
}

export class AggregateSlot {
  readonly name: string;
  readonly filterArg: number;
  /** A DISTINCT call: sees each argument tuple once per group (see DistinctCounts). */
  readonly distinct: boolean;
  private readonly methods: AggregateMethods;
  private readonly argOf: ((row: readonly unknown[]) => unknown)[];
  private readonly store: (w: ByteWriter, acc: unknown) => void;
  private readonly load: (r: ByteReader) => unknown;
  readonly views: ViewField[] = [];
  private readonly user: boolean;

  constructor(
    index: number,
    proto: flinkApi.IUserDefinedAggregateFunction,
    resultType: LogicalTypeTree,
    state: ViewStates,
    mapWriteCacheSize: number,
  ) {
    const payload = proto.payload!;
    this.filterArg = proto.filter_arg ?? -1;
    let inputTypes: (LogicalTypeTree | undefined)[] = [];
    if (payload[0] === 0) {
      const className = Buffer.from(payload.subarray(1)).toString('utf8');
      this.name = className;
      this.user = false;
      this.methods = builtinAggregate(className, resultType) as unknown as AggregateMethods;
      this.store = (w, acc) => {
        const b = serialize(acc);
        w.varint(b.length);
        w.raw(b);
      };
      this.load = (r) => deserialize(r.bytes(r.varint()));
    } else {
      const d = parseDescriptor(payload);
      this.name = d.name;
      this.user = true;
      inputTypes = d.inputTypes;
      const target = loadShipped(d.code) as Record<string, unknown>;
      const bound = (m: string) => (typeof target?.[m] === 'function' ? (target[m] as Method).bind(target) : undefined);
      this.methods = {
        createAccumulator: bound('createAccumulator')!,
        accumulate: bound('accumulate')!,
        retract: bound('retract'),
        merge: bound('merge'),
        getValue: bound('getValue'),
        emitValue: bound('emitValue'),
        emitUpdateWithRetract: bound('emitUpdateWithRetract'),
        open: bound('open'),
        close: bound('close'),
      };
      const acc = d.accumulatorType!;
      for (const spec of proto.specs ?? []) this.views.push(this.viewOf(index, spec, acc, state, mapWriteCacheSize));
      [this.store, this.load] = this.codecOf(acc);
    }
    this.distinct = !!proto.distinct;
    this.argOf = (proto.inputs ?? []).map((input, i) => {
      if (input.inputConstant?.length) {
        const v = coerceConstant(decodeConstant(input.inputConstant), inputTypes[i]);
        return () => v;
      }
      const offset = input.inputOffset ?? 0;
      return (row) => row[offset];
    });
  }

  /** A state-backed view for a ListView/MapView field (state named as the planner names it). */
  private viewOf(
    index: number,
    spec: flinkApi.UserDefinedAggregateFunction.IDataViewSpec,
    acc: LogicalTypeTree,
    state: ViewStates,
    mapWriteCacheSize: number,
  ): ViewField {
    const fieldIndex = spec.field_index ?? 0;
    const name = acc.fields?.[fieldIndex]?.name ?? String(fieldIndex);
    const typeOf = (t: flinkApi.Schema.IFieldType) => rowTypeOfSchema({ fields: [{ name: 'v', type: t }] }).fields![0].type;
    const codec = (t: LogicalTypeTree) => ({ encode: encoderFor(t), decode: decoderFor(t) });
    let make: () => StateView;
    if (spec.list_view) {
      const t = typeOf(spec.list_view.element_type!);
      const bag = state.bag(spec.name ?? `agg${index}$${name}`);
      const [enc, dec] = [encoderFor(t), decoderFor(t)];
      make = () => new StateListView(bag, enc, dec);
    } else {
      const k = codec(typeOf(spec.map_view!.key_type!));
      const v = codec(typeOf(spec.map_view!.value_type!));
      const map = state.map(spec.name ?? `agg${index}$${name}`);
      make = () => new StateMapView(map, k, v, mapWriteCacheSize);
    }
    return { index: fieldIndex, name, view: make(), make };
  }

  /** How a user accumulator is written to and read from the accumulators' state value. */
  private codecOf(acc: LogicalTypeTree): [(w: ByteWriter, acc: unknown) => void, (r: ByteReader) => unknown] {
    const what = `the accumulator of TypeScript UDAF '${this.name}' does not match its accumulatorType ${acc.sql}`;
    if (acc.root !== 'ROW') {
      const enc = encoderFor(acc);
      const dec = decoderFor(acc);
      return [
        (w, a) => {
          try {
            enc(w, a);
          } catch (e) {
            throw new TypeError(`${what}: ${(e as Error).message}`);
          }
        },
        dec,
      ];
    }
    const names = acc.fields!.map((f) => f.name);
    const viewAt = new Set(this.views.map((v) => v.index));
    const enc = rowEncoder(acc);
    const dec = rowDecoder(acc);
    return [
      (w, a) => {
        if (a === null || typeof a !== 'object') throw new TypeError(`${what}: it is ${a === null ? 'null' : typeof a}, not an object`);
        const values = names.map((n, i) => (viewAt.has(i) ? null : (a as Record<string, unknown>)[n]));
        try {
          enc(w, values);
        } catch (e) {
          throw new TypeError(`${what}: ${(e as Error).message}`);
        }
      },
      (r) => {
        const values = dec(r).values;
        const obj: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) obj[names[i]] = values[i];
        return obj;
      },
    ];
  }

  get hasRetract(): boolean {
    return !!this.methods.retract;
  }

  async open(ctx: FunctionContext): Promise<void> {
    try {
      await this.methods.open?.(ctx);
    } catch (e) {
      throw new UdfError(this.name, e, 'open()');
    }
  }

  async close(): Promise<void> {
    await this.methods.close?.();
  }

  /**
   * Puts views of `key` (and `window`) into the accumulator and returns them: new ones, since the
   * views of other keys of the bundle may be in use.
   */
  bindViews(acc: unknown, key: Buffer, window?: Buffer): StateView[] {
    const bound: StateView[] = [];
    for (const v of this.views) {
      const view = v.make();
      view.bind(key, window);
      (acc as Record<string, unknown>)[v.name] = view;
      bound.push(view);
    }
    return bound;
  }

  /** The views bindViews put into `acc`. */
  viewsIn(acc: unknown): StateView[] {
    return this.views.map((v) => (acc as Record<string, StateView>)[v.name]);
  }

  createAccumulator(): unknown {
    return this.call('createAccumulator', this.methods.createAccumulator);
  }

  /** The call's arguments in a row. */
  argsOf(row: readonly unknown[]): unknown[] {
    return this.argOf.map((a) => a(row));
  }

  accumulate(acc: unknown, row: readonly unknown[]): unknown {
    return this.call('accumulate', this.methods.accumulate, acc, ...this.argOf.map((a) => a(row)));
  }

  retract(acc: unknown, row: readonly unknown[]): unknown {
    if (!this.methods.retract) {
      throw new Error(`TypeScript UDAF '${this.name}' has no retract() method, which Flink needs here: its input is an updating table (an aggregate or join result)`);
    }
    return this.call('retract', this.methods.retract, acc, ...this.argOf.map((a) => a(row)));
  }

  getValue(acc: unknown): unknown {
    return this.call('getValue', this.methods.getValue!, acc);
  }

  merge(acc: unknown, other: unknown): unknown {
    if (!this.methods.merge) {
      throw new Error(`TypeScript UDAF '${this.name}' has no merge() method, which SESSION windows need to merge two sessions' accumulators`);
    }
    return this.call('merge', this.methods.merge, acc, [other]);
  }

  emitValue(acc: unknown): unknown {
    return this.call('emitValue', this.methods.emitValue!, acc);
  }

  /** True when the table aggregate sends its own changes (emitUpdateWithRetract). */
  get emitsUpdates(): boolean {
    return !!this.methods.emitUpdateWithRetract;
  }

  emitUpdateWithRetract(acc: unknown, out: { collect(row: unknown): void; retract(row: unknown): void }): unknown {
    return this.call('emitUpdateWithRetract', this.methods.emitUpdateWithRetract!, acc, out);
  }

  /** Calls a method, naming the function in what it throws (or rejects with). */
  private call(method: string, fn: Method, ...args: unknown[]): unknown {
    let r: unknown;
    try {
      r = fn(...args);
    } catch (e) {
      throw this.user ? new UdfError(this.name, e, `${method}()`) : e;
    }
    if (r instanceof Promise) {
      return r.catch((e: unknown) => {
        throw this.user ? new UdfError(this.name, e, `${method}()`) : e;
      });
    }
    return r;
  }

  writeAccumulator(w: ByteWriter, acc: unknown): void {
    this.store(w, acc);
  }

  readAccumulator(r: ByteReader): unknown {
    return this.load(r);
  }
}

/** The aggregate calls of an operator, and which of them are output columns. */
export interface AggregateCalls {
  slots: AggregateSlot[];
  /** Indexes of the slots whose values are output columns (all but a COUNT(*) the planner inserted). */
  valueSlots: number[];
}

/**
 * The operator's aggregate calls; `valueFields` are the output fields holding their values (after
 * the key columns), which give the built-ins their result types.
 */
export function aggregateCalls(
  spec: flinkApi.IUserDefinedAggregateFunctions,
  valueFields: readonly { type: LogicalTypeTree }[],
  state: ViewStates,
): AggregateCalls {
  const udfs = spec.udfs ?? [];
  const countStar = spec.index_of_count_star ?? -1;
  const valueSlots = udfs.map((_, i) => i).filter((i) => !(spec.count_star_inserted && i === countStar));
  const writeCache = spec.map_state_write_cache_size || 1000;
  const slots = udfs.map((u, i) => {
    const at = valueSlots.indexOf(i);
    const resultType = valueFields[at]?.type ?? { root: 'BIGINT', nullable: false, sql: 'BIGINT' };
    return new AggregateSlot(i, u, resultType, state, writeCache);
  });
  return { slots, valueSlots };
}

/** Names the aggregate whose result did not fit output field `field` (counted after the key columns). */
export function aggregateResultError(e: TypeError, calls: AggregateCalls, field: number, table: boolean): TypeError {
  const slot = table ? calls.slots[0] : calls.slots[calls.valueSlots[Math.min(Math.max(0, field), calls.valueSlots.length - 1)]];
  return new TypeError(`TypeScript ${table ? 'UDTAF' : 'UDAF'} '${slot.name}' produced a value that does not match its result type: ${e.message}`);
}
