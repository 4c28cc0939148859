/**
 * The DataStream API's functions (`flink:transform:ds:stateless_function:v1`), run under
 * flink-python's ExternalPythonProcessOperator as PyFlink's worker runs them
 * (pyflink/fn_execution/datastream/process/operations.py). Each input element is
 * Row(timestamp, watermark, value); each output Row(timestamp, watermark, result), typed by the
 * coders of the bundle descriptor (the same row coder as the Table API's UDFs).
 */
import type { DataStreamFunctionDescriptor } from '../../api/datastream/descriptor';
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { decoderFor, encoderFor, rowDecoder, rowEncoder } from '../coders/row-coder';
import { ByteReader as Reader, ByteWriter as Writer } from '../coders/bytes';
import { typeOfTypeInfo } from '../coders/schema';
import { elementsOf } from '../state/keyed-state';
import { StateCache, type KeyedStateStore } from '../state/state-cache';
import { ValueStateDescriptor, type AppendingState, type KeyedRuntimeContext, type KeyedStateStore as UserStateStore, type ListState, type MapState, type StateTtlConfig, type ValueState } from '../../api/datastream/state';
import type { AggregateFunction } from '../../api/datastream/functions';
import type { LogicalTypeTree } from '../../api/values';
import { flinkApi } from '../fn-api';
import { loadShipped } from '../load-shipped';
import { UdfError } from '../udf-loader';
import { WindowOperator, type WindowFunctions } from './datastream-window';
import { broadcastElementFn, CO_BROADCAST_PROCESS, KEYED_CO_BROADCAST_PROCESS } from './datastream-broadcast';
import { AsyncWaitStage } from './datastream-async';
import type { ShippedAsyncFunction } from '../../api/datastream/async-data-stream';
import { forEachElement, registerOperation, type Operation, type OperationContext } from './operation';

/** What a user function may have beside its main method (Flink's RichFunction). */
interface Lifecycle {
  open?(ctx: unknown): unknown;
  close?(): unknown;
}

/** Per element: the results to emit (in order). */
export type ElementFn = ((value: unknown, timestamp: number | null, watermark: number | null) => unknown[] | Promise<unknown[]>) & {
  /** A keyed function's timer firing: type 0 event time, 1 processing time; the namespace's bytes. */
  onTimer?: (type: number, timestamp: number, watermark: number, key: unknown, namespace: Uint8Array) => Promise<unknown[]>;
};

/** A result with its own timestamp (a window's maxTimestamp) instead of its input's. */
class Stamped {
  constructor(
    readonly value: unknown,
    readonly timestamp: number | bigint,
  ) {}
}

export function readDescriptor(payload: Uint8Array | null | undefined): DataStreamFunctionDescriptor {
  const d = JSON.parse(Buffer.from(payload ?? []).toString('utf8')) as DataStreamFunctionDescriptor;
  if (d.tsflink !== 1) throw new Error('this DataStream function was not built by TSFlink');
  return d;
}

/** The user's method of the kind: a plain function, or the method of an object/class instance. */
export function userMethod(exported: unknown, method: string, d: DataStreamFunctionDescriptor): (...a: unknown[]) => unknown {
  if (typeof exported === 'function') return exported as (...a: unknown[]) => unknown;
  const m = (exported as Record<string, unknown> | null)?.[method];
  if (typeof m !== 'function') throw new TypeError(`${d.kind} '${d.name}': the shipped object has no ${method}() method`);
  return (m as (...a: unknown[]) => unknown).bind(exported);
}

/** Collects what a function emits: through `out.collect(x)` and/or a returned iterable. */
export function collectInto(results: unknown[], returned: unknown): void {
  if (returned === undefined || returned === null) return;
  if (typeof returned === 'object' && Symbol.iterator in returned && typeof returned !== 'string') {
    for (const r of returned as Iterable<unknown>) results.push(r);
  } else {
    results.push(returned);
  }
}

export function isThenable(v: unknown): v is Promise<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** ctx.output(tag, value): writes to the side output of the tag. */
export type SideOutput = (tag: { id: string }, value: unknown) => void;

function statelessElementFn(d: DataStreamFunctionDescriptor, exported: unknown, output: SideOutput): ElementFn {
  switch (d.kind) {
    case 'map': {
      const f = userMethod(exported, 'map', d);
      return (v) => {
        const r = f(v);
        return isThenable(r) ? r.then((x) => [x]) : [r];
      };
    }
    case 'filter': {
      const f = userMethod(exported, 'filter', d);
      return (v) => {
        const r = f(v);
        return isThenable(r) ? r.then((x) => (x ? [v] : [])) : r ? [v] : [];
      };
    }
    case 'timestamps': {
      // PyFlink's TimestampAssignerProcessFunctionAdapter: Tuple2(value, timestamp) for Java's CustomTimestampAssigner
      const f = userMethod(exported, 'extractTimestamp', d);
      return (v, timestamp) => {
        const t = f(v, timestamp);
        if (typeof t !== 'number' || !Number.isFinite(t)) throw new TypeError(`the timestamp assigner returned ${String(t)}, not a timestamp in ms`);
        return [[v, Math.trunc(t)]];
      };
    }
    case 'coMap':
    case 'coFlatMap':
    case 'coProcess': {
      // flink-python's two-input operators send Row(isLeft, left, right)
      const names = { coMap: ['map1', 'map2'], coFlatMap: ['flatMap1', 'flatMap2'], coProcess: ['processElement1', 'processElement2'] }[d.kind];
      const [f1, f2] = names.map((m) => userMethod(exported, m, d));
      let ts: number | null = null;
      let wm: number | null = null;
      const ctx = {
        timestamp: () => ts,
        timerService: () => ({ currentWatermark: () => wm ?? Number.MIN_SAFE_INTEGER, currentProcessingTime: () => Date.now() }),
        output,
      };
      return (input, timestamp, watermark) => {
        const { f0: isLeft, f1: left, f2: right } = input as { f0: boolean; f1: unknown; f2: unknown };
        const f = isLeft ? f1 : f2;
        const v = isLeft ? left : right;
        ts = timestamp;
        wm = watermark;
        if (d.kind === 'coMap') {
          const r = f(v);
          return isThenable(r) ? r.then((x) => [x]) : [r];
        }
        const results: unknown[] = [];
        const out = { collect: (x: unknown) => void results.push(x) };
        const r = d.kind === 'coFlatMap' ? f(v, out) : f(v, ctx, out);
        if (isThenable(r)) return r.then((x) => (collectInto(results, x), results));
        collectInto(results, r);
        return results;
      };
    }
    case 'keyBy': {
      // PyFlink's KeyByMapFunction: Row(key, value); Java's KeyByKeySelector then keys on field 0
      const f = userMethod(exported, 'getKey', d);
      return (v) => [[f(v), v]];
    }
    case 'flatMap':
    case 'process': {
      const f = userMethod(exported, d.kind === 'flatMap' ? 'flatMap' : 'processElement', d);
      let ts: number | null = null;
      let wm: number | null = null;
      const ctx = {
        timestamp: () => ts,
        timerService: () => ({ currentWatermark: () => wm ?? Number.MIN_SAFE_INTEGER, currentProcessingTime: () => Date.now() }),
        output,
      };
      return (v, timestamp, watermark) => {
        ts = timestamp;
        wm = watermark;
        const results: unknown[] = [];
        const out = { collect: (x: unknown) => void results.push(x) };
        const r = d.kind === 'flatMap' ? f(v, out) : f(v, ctx, out);
        if (isThenable(r)) return r.then((x) => (collectInto(results, x), results));
        collectInto(results, r);
        return results;
      };
    }
    default:
      throw new Error(`the TSFlink worker cannot run a stateless '${d.kind}' function`);
  }
}

/** One user function of the chain, with its lifecycle and name. */
interface Stage {
  name: string;
  target: Lifecycle;
  each: ElementFn;
  /** An AsyncDataStream function: its inputs go into its queue, its results on from there. */
  async?: AsyncWaitStage;
}

const REVISE_OUTPUT = 100;
const KEYED_PROCESS = 2;
const WINDOW = 4;
const KEYED_CO_PROCESS = 3;
const MIN_LONG = -(2n ** 63n);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The row coder reads BIGINT as bigint; DataStream LONG records and keys are numbers where exact. */
function jsLong(v: unknown): unknown {
  return typeof v === 'bigint' && v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}


const PICKLED = { root: 'PICKLED', nullable: true, sql: 'PICKLED' };
/** VoidNamespaceSerializer's one byte. */
const VOID_NAMESPACE = new Uint8Array([0]);

/** Reads one Beam timer (Timer.Coder: key, tag, windows, clear bit, timestamps, pane); returns its user key row. */
function readBeamTimer(r: Reader, decodeUserKey: ReturnType<typeof rowDecoder>): unknown[] {
  const len = r.varint();
  const end = r.pos + len;
  const values = decodeUserKey(r).values;
  r.pos = end;
  const tagLength = r.varint(); // (not `r.pos += r.varint()`: that adds to the position before the read)
  r.pos += tagLength; // dynamic timer tag
  r.i32(); // windows: global windows encode as nothing
  const clear = r.u8();
  if (!clear) {
    r.pos += 16; // fire and hold timestamps
    const pane = r.u8();
    if ((pane & 0xf0) === 0x10) r.varint();
    else if ((pane & 0xf0) === 0x20) (r.varint(), r.varint());
  }
  return values;
}
const encodePickled = encoderFor(PICKLED);
const decodePickled = decoderFor(PICKLED);

/** A TTL as the StateDescriptor proto's (Java's ProtoUtils.parseStateTtlConfigFromProto reads it). */
function ttlProto(c: StateTtlConfig | undefined): flinkApi.StateDescriptor.IStateTTLConfig | undefined {
  if (!c) return undefined;
  const T = flinkApi.StateDescriptor.StateTTLConfig;
  return {
    ttl: c.ttlMs as unknown as flinkApi.StateDescriptor.IStateTTLConfig["ttl"], // protobufjs takes a number for an int64
    update_type: T.UpdateType[c.updateType],
    state_visibility: T.StateVisibility[c.stateVisibility],
    ttl_time_characteristic: T.TtlTimeCharacteristic.ProcessingTime,
    cleanup_strategies: { is_cleanup_in_background: c.cleanupInBackground },
  };
}

function pickle(v: unknown): Buffer {
  const w = new Writer();
  encodePickled(w, v);
  return Buffer.from(w.take());
}

/**
 * The current key of a keyed function and its state handles, as PyFlink's RemoteKeyedStateBackend:
 * the state key is Row(key) in the key type's row format; values are V8-serialized, a ValueState
 * being a bag of one element.
 */
export class KeyContext {
  current: Buffer = Buffer.alloc(0);
  userKey: unknown = null;
  private readonly encodeKey: ReturnType<typeof rowEncoder>;
  /** flink-python's timer data: Row(operand or timer type, watermark, timestamp, Row(key), namespace). */
  private readonly timerRow: LogicalTypeTree;
  private readonly encodeTimer: ReturnType<typeof rowEncoder>;
  readonly decodeTimer: ReturnType<typeof rowDecoder>;
  /** Timers set in this bundle, as Beam timers (PyFlink's InternalTimerServiceImpl._set_timer). */
  timersOut = new Writer();

  constructor(
    private readonly state: () => KeyedStateStore,
    keyType: flinkApi.ITypeInfo,
  ) {
    const keyRow = typeOfTypeInfo(keyType);
    this.encodeKey = rowEncoder(keyRow);
    const t = (root: string, sql = root): LogicalTypeTree => ({ root, nullable: true, sql });
    const fields = [
      { name: 'f0', type: t('TINYINT') },
      { name: 'f1', type: t('BIGINT') },
      { name: 'f2', type: t('BIGINT') },
      { name: 'f3', type: keyRow },
      { name: 'f4', type: t('VARBINARY', 'BYTES') },
    ];
    this.timerRow = { root: 'ROW', nullable: false, sql: 'TIMER', fields };
    this.encodeTimer = rowEncoder(this.timerRow);
    this.decodeTimer = rowDecoder(this.timerRow);
  }

  /**
   * Sets (operand 0 event, 1 processing) or deletes (2, 3) a timer of the current key: a Beam timer
   * whose user key is the timer data, with the clear bit, as PyFlink writes them.
   */
  setTimer(operand: number, ts: number | bigint, namespace: Uint8Array = VOID_NAMESPACE): void {
    if (typeof ts !== 'bigint' && !Number.isFinite(ts)) throw new TypeError(`a timer needs a timestamp in ms, got ${String(ts)}`);
    const w = this.timersOut;
    const start = w.beginPrefixed();
    this.encodeTimer(w, [operand, -1, typeof ts === 'bigint' ? ts : Math.trunc(ts), { f0: this.userKey }, namespace]);
    w.endPrefixed(start);
    w.varint(0); // dynamic timer tag ''
    w.i32(1); // one window: the global window, encoded as nothing
    w.u8(1); // clear bit: no fire/hold timestamps, no pane
  }

  setKey(key: unknown): void {
    const w = new Writer();
    this.encodeKey(w, [key]);
    this.current = Buffer.from(w.take());
    this.userKey = key;
  }

  runtimeContext(base: object): KeyedRuntimeContext {
    return { ...base, ...this.stateStore() } as unknown as KeyedRuntimeContext;
  }

  /**
   * State handles of the current key (Flink's KeyedStateStore): in `namespace`, a serialized window
   * (a ProcessWindowFunction's windowState()), or else the key's own state.
   */
  stateStore(namespace?: Buffer): UserStateStore {
    const ns = namespace;
    /** One value in a bag (as PyFlink's value state): the base of value, reducing and aggregating state. */
    const single = <T>(d: { name: string; ttlConfig?: StateTtlConfig }): ValueState<T> => {
      const bag = this.state().bag(d.name, ttlProto(d.ttlConfig));
      return {
        value: async (): Promise<T | null> => {
          const data = await bag.get(this.current, ns);
          for (const v of elementsOf(data, decodePickled)) return v as T;
          return null;
        },
        update: async (v: T): Promise<void> => {
          const key = this.current;
          await bag.clear(key, ns);
          await bag.append(key, pickle(v), ns);
        },
        clear: async (): Promise<void> => void (await bag.clear(this.current, ns)),
      };
    };
    return {
      getReducingState: <T>(d: { name: string; ttlConfig?: StateTtlConfig; reduceFunction: unknown }): AppendingState<T, T> => {
        const s = single<T>(d);
        const f = d.reduceFunction as ((a: T, b: T) => T) | { reduce(a: T, b: T): T };
        const reduce = typeof f === 'function' ? f : (a: T, b: T) => f.reduce(a, b);
        return {
          get: s.value,
          add: async (v) => {
            const prev = await s.value();
            await s.update(prev === null ? v : reduce(prev, v));
          },
          clear: s.clear,
        };
      },
      getAggregatingState: <IN, OUT>(d: { name: string; ttlConfig?: StateTtlConfig; aggregateFunction: unknown }): AppendingState<IN, OUT> => {
        const s = single<unknown>(d);
        const agg = d.aggregateFunction as AggregateFunction<IN, unknown, OUT>;
        return {
          get: async () => {
            const acc = await s.value();
            return acc === null ? null : agg.getResult(acc);
          },
          add: async (v) => {
            const acc = await s.value();
            await s.update(agg.add(v, acc === null ? agg.createAccumulator() : acc));
          },
          clear: s.clear,
        };
      },
      getState: single,
      getListState: <T>(d: { name: string; ttlConfig?: StateTtlConfig }): ListState<T> => {
        const bag = this.state().bag(d.name, ttlProto(d.ttlConfig));
        return {
          get: async () => [...elementsOf(await bag.get(this.current, ns), decodePickled)] as T[],
          add: async (v) => void (await bag.append(this.current, pickle(v), ns)),
          update: async (vs) => {
            const key = this.current;
            await bag.clear(key, ns);
            if (vs.length > 0) await bag.append(key, Buffer.concat(vs.map(pickle)), ns);
          },
          clear: async () => void (await bag.clear(this.current, ns)),
        };
      },
      getMapState: <K, V>(d: { name: string; ttlConfig?: StateTtlConfig }): MapState<K, V> => {
        const map = this.state().map(d.name, ttlProto(d.ttlConfig));
        return {
          get: async (k) => {
            const b = await map.get(this.current, pickle(k), ns);
            return b === undefined || b === null ? undefined : (decodePickled(new Reader(b)) as V);
          },
          put: async (k, v) => void (await map.write(this.current, [{ key: pickle(k), value: pickle(v) }], ns)),
          contains: async (k) => (await map.get(this.current, pickle(k), ns)) !== undefined,
          remove: async (k) => void (await map.write(this.current, [{ key: pickle(k), deleted: true }], ns)),
          isEmpty: () => map.isEmpty(this.current, ns),
          clear: async () => void (await map.clear(this.current, ns)),
        };
      },
    } as unknown as UserStateStore;
  }
}

/**
 * The open(ctx) context of a function that is not keyed: its state getters say why there is no
 * keyed state (as embedded mode's datastream-glue.js does) instead of being undefined.
 */
function withoutKeyedState(base: object): object {
  const noKey = (m: string) => () => {
    throw new Error(`${m}: keyed state is only available on a KeyedStream (keyBy(...) first)`);
  };
  return { ...base, ...Object.fromEntries(['getState', 'getListState', 'getMapState', 'getReducingState', 'getAggregatingState'].map((m) => [m, noKey(m)])) };
}

function hasMethod(o: unknown, method: string): boolean {
  return typeof o === 'object' && o !== null && typeof (o as Record<string, unknown>)[method] === 'function';
}

/**
 * A window stage's lifecycle: open(ctx)/close() of each of its function objects that has them (a
 * ReduceFunction, AggregateFunction or ProcessWindowFunction given as an object or class instance).
 */
function windowLifecycle(fns: object): Lifecycle {
  const parts = Object.values(fns).filter((f): f is Lifecycle => typeof f === 'object' && f !== null);
  return {
    open: async (ctx) => {
      for (const f of parts) await f.open?.(ctx);
    },
    close: async () => {
      for (const f of parts) await f.close?.();
    },
  };
}

/** A window stage: the worker's window operator over the key's state (PyFlink's WINDOW function). */
function windowElementFn(d: DataStreamFunctionDescriptor, exported: unknown, keys: KeyContext, state: () => KeyedStateStore, output: SideOutput): ElementFn {
  if (!d.window) throw new Error(`window '${d.name}' has no window description`);
  const fns = exported as WindowFunctions;
  const op = new WindowOperator(
    d.window,
    {
      reduce: fns.reduce ? userMethod(fns.reduce, 'reduce', d) : undefined,
      aggregate: fns.aggregate,
      process: fns.process ? userMethod(fns.process, 'process', d) : undefined,
      clear: hasMethod(fns.process, 'clear') ? userMethod(fns.process, 'clear', d) : undefined,
      delta: fns.delta ? userMethod(fns.delta, 'delta', d) : undefined,
      trigger: fns.trigger,
      assigner: fns.assigner,
      evictor: fns.evictor,
    } as WindowFunctions,
    {
      state,
      keyBytes: () => keys.current,
      userKey: () => jsLong(keys.userKey),
      setTimer: (o, t, ns) => keys.setTimer(o, t, ns),
      sideOutput: (id, v) => output({ id }, v),
      stateStore: (ns) => keys.stateStore(ns),
    },
    d.name,
  );
  const stamped = (rs: { value: unknown; timestamp: number | bigint }[]) => rs.map((r) => new Stamped(r.value, r.timestamp));
  const each: ElementFn = async (pair, timestamp, watermark) => {
    const { key, value } = pair as { key: unknown; value: unknown };
    keys.setKey(key);
    return stamped(await op.processElement(jsLong(value), timestamp, watermark));
  };
  each.onTimer = async (type, timestamp, watermark, key, namespace) => {
    keys.setKey(key);
    return stamped(await op.onTimer(type === 0, timestamp, watermark, namespace));
  };
  return each;
}

function keyedElementFn(d: DataStreamFunctionDescriptor, exported: unknown, keys: KeyContext, output: SideOutput): ElementFn {
  if (d.kind === 'reduce') {
    const f = userMethod(exported, 'reduce', d);
    let state: ValueState<unknown> | undefined;
    return async (pair) => {
      const { key, value } = pair as { key: unknown; value: unknown };
      keys.setKey(key);
      state ??= keys.runtimeContext({}).getState(new ValueStateDescriptor(`reduce:${d.name}`));
      const previous = await state.value();
      const next = previous === null ? jsLong(value) : await f(previous, jsLong(value));
      await state.update(next);
      return [next];
    };
  }
  if (d.kind === 'map' || d.kind === 'flatMap' || d.kind === 'filter') {
    // map/flatMap/filter on a KeyedStream: the stateless function on the record of Row(key, record)
    const inner = statelessElementFn(d, exported, output);
    return (pair, timestamp, watermark) => {
      const { key, value } = pair as { key: unknown; value: unknown };
      keys.setKey(key);
      return inner(jsLong(value), timestamp, watermark);
    };
  }
  if (d.kind === 'coMap' || d.kind === 'coFlatMap') {
    // map/flatMap on keyed connected streams: Row(isLeft, Row(key, left), Row(key, right)); the
    // co-function on the record, with the key set for its keyed state
    const inner = statelessElementFn(d, exported, output);
    return (input, timestamp, watermark) => {
      const { f0: isLeft, f1, f2 } = input as { f0: boolean; f1: unknown; f2: unknown };
      const { key, value } = (isLeft ? f1 : f2) as { key: unknown; value: unknown };
      keys.setKey(key);
      return inner({ f0: isLeft, f1: isLeft ? jsLong(value) : null, f2: isLeft ? null : jsLong(value) }, timestamp, watermark);
    };
  }
  if (d.kind !== 'keyedProcess' && d.kind !== 'keyedCoProcess') throw new Error(`the TSFlink worker cannot run a keyed '${d.kind}' function`);
  const co = d.kind === 'keyedCoProcess';
  const f = userMethod(exported, co ? 'processElement1' : 'processElement', d);
  const f2 = co ? userMethod(exported, 'processElement2', d) : f;
  const onTimer = (exported as { onTimer?: unknown } | null)?.onTimer;
  let ts: number | null = null;
  let wm: number | null = null;
  let domain: 'EVENT_TIME' | 'PROCESSING_TIME' | undefined;
  const timerService = {
    currentWatermark: () => wm ?? Number.MIN_SAFE_INTEGER,
    currentProcessingTime: () => Date.now(),
    registerEventTimeTimer: (t: number) => keys.setTimer(0, t),
    registerProcessingTimeTimer: (t: number) => keys.setTimer(1, t),
    deleteEventTimeTimer: (t: number) => keys.setTimer(2, t),
    deleteProcessingTimeTimer: (t: number) => keys.setTimer(3, t),
  };
  const ctx = { timestamp: () => ts, getCurrentKey: () => jsLong(keys.userKey), timerService: () => timerService, timeDomain: () => domain, output };
  const run = async (call: (out: { collect(x: unknown): void }) => unknown): Promise<unknown[]> => {
    const results: unknown[] = [];
    const out = { collect: (x: unknown) => void results.push(x) };
    collectInto(results, await call(out));
    return results;
  };
  const each: ElementFn = (input, timestamp, watermark) => {
    // a keyed co-function gets Row(isLeft, Row(key, left), Row(key, right))
    const side = co ? (input as { f0: boolean; f1: unknown; f2: unknown }) : undefined;
    const pair = side ? (side.f0 ? side.f1 : side.f2) : input;
    const { key, value } = pair as { key: unknown; value: unknown };
    keys.setKey(key);
    ts = timestamp;
    wm = watermark;
    domain = undefined;
    const g = side && !side.f0 ? f2 : f;
    return run((out) => g(jsLong(value), ctx, out));
  };
  each.onTimer = async (type, timestamp, watermark, key) => {
    // as Java's and PyFlink's default onTimer: a timer of a function without one does nothing
    if (typeof onTimer !== 'function') return [];
    keys.setKey(key);
    ts = timestamp;
    wm = watermark;
    domain = type === 0 ? 'EVENT_TIME' : 'PROCESSING_TIME';
    return run((out) => (onTimer as (...a: unknown[]) => unknown).call(exported, timestamp, ctx, out));
  };
  return each;
}

export class StatelessDataStreamOperation implements Operation {
  private readonly stages: Stage[] = [];
  /** The current key of a keyed function (KEYED_PROCESS) in the chain. */
  private keys?: KeyContext;
  /** REVISE_OUTPUT ends the chain: the output is Row(timestamp, result), without the watermark. */
  private readonly revise: boolean;
  private readonly decode: ReturnType<typeof rowDecoder>;
  private readonly encode: ReturnType<typeof rowEncoder>;
  /** The raw timestamp of the record (or timer) being processed: side output records carry it. */
  private currentTs: unknown = null;
  private readonly sideEncoders = new Map<string, { encode: ReturnType<typeof rowEncoder>; out: ByteWriter }>();
  /** The bundle's output, for results that async stages emit later. */
  private out?: ByteWriter;
  /** The chain after async stages, one completed input after another (keeps their order). */
  private tail: Promise<void> = Promise.resolve();
  private tailFailure: unknown;
  /** Keyed state as the functions see it: Flink's, through the worker's cache. */
  private readonly stateCache: StateCache;

  /** ctx.output(tag, value): Row(timestamp, value) to the tag's side output (flink-python's getSideOutputTypeInfo). */
  private readonly sideOutput: SideOutput = (tag, value) => {
    const id = (tag as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') throw new TypeError('ctx.output() needs an OutputTag');
    let side = this.sideEncoders.get(id);
    if (!side) {
      const s = this.ctx.sideOutputs.get(id);
      // as in Java, records for a tag the job does not read (no getSideOutput) are dropped
      side = s ? { encode: rowEncoder(s.type), out: s.out } : { encode: () => undefined, out: new Writer() };
      this.sideEncoders.set(id, side);
    }
    if (!this.ctx.sideOutputs.has(id)) return;
    const start = side.out.beginPrefixed();
    side.encode(side.out, [this.currentTs, value]);
    side.out.endPrefixed(start);
  };

  constructor(private readonly ctx: OperationContext<flinkApi.UserDefinedDataStreamFunction>) {
    const functions = [ctx.udfs, ...ctx.chained];
    // flink-python always sends its python.state.cache-size and python.map-state.* options
    this.stateCache = new StateCache(() => ctx.keyedState(), {
      entries: ctx.udfs.state_cache_size ?? 1000,
      mapReads: ctx.udfs.map_state_read_cache_size ?? 1000,
      mapWrites: ctx.udfs.map_state_write_cache_size ?? 1000,
    });
    const cached = () => this.stateCache;
    this.revise = functions.some((f) => f.function_type === REVISE_OUTPUT);
    for (const f of functions) {
      if (f.function_type === REVISE_OUTPUT) continue;
      const d = readDescriptor(f.payload);
      const exported = loadShipped(d.code);
      const target = (typeof exported === 'object' && exported !== null ? exported : {}) as Lifecycle;
      if (f.function_type === KEYED_PROCESS || f.function_type === KEYED_CO_PROCESS) {
        this.keys = new KeyContext(cached, f.key_type_info!);
        this.stages.push({ name: d.name, target, each: keyedElementFn(d, exported, this.keys, this.sideOutput) });
      } else if (f.function_type === CO_BROADCAST_PROCESS || f.function_type === KEYED_CO_BROADCAST_PROCESS) {
        if (f.function_type === KEYED_CO_BROADCAST_PROCESS) this.keys = new KeyContext(cached, f.key_type_info!);
        this.stages.push({ name: d.name, target, each: broadcastElementFn(d, exported, () => ctx.keyedState(), f.function_type === KEYED_CO_BROADCAST_PROCESS ? this.keys : undefined, this.sideOutput) });
      } else if (f.function_type === WINDOW) {
        this.keys = new KeyContext(cached, f.key_type_info!);
        this.stages.push({ name: d.name, target: windowLifecycle(target), each: windowElementFn(d, exported, this.keys, cached, this.sideOutput) });
      } else if (d.kind === 'async') {
        const i = this.stages.length;
        const stage = new AsyncWaitStage(d.name, exported as ShippedAsyncFunction, d.async!, (results, ts, wm, rawTs) => this.continueAfter(i, results, ts, wm, rawTs));
        const each: ElementFn = () => {
          throw new Error('an async stage is run through its queue');
        };
        this.stages.push({ name: d.name, target: stage.target as Lifecycle, each, async: stage });
      } else {
        this.stages.push({ name: d.name, target, each: statelessElementFn(d, exported, this.sideOutput) });
      }
    }
    this.decode = rowDecoder(ctx.inputType);
    this.encode = rowEncoder(ctx.outputType);
  }

  async open(): Promise<void> {
    for (const s of this.stages) {
      try {
        await s.target.open?.(this.keys ? this.keys.runtimeContext(this.ctx.functionContext) : withoutKeyedState(this.ctx.functionContext));
      } catch (e) {
        throw new UdfError(s.name, e, 'open()');
      }
    }
  }

  /** The results of the stages from `i` on for one value. */
  private async run(i: number, value: unknown, ts: number | null, wm: number | null, out: [unknown, unknown][], rawTs: unknown): Promise<void> {
    if (i === this.stages.length) {
      out.push([value, rawTs]);
      return;
    }
    const s = this.stages[i];
    if (s.async) {
      try {
        await s.async.admit(value, ts, wm, rawTs);
      } catch (e) {
        throw e instanceof UdfError ? e : new UdfError(s.name, e);
      }
      return; // its results continue from continueAfter()
    }
    let results: unknown[];
    try {
      const r = s.each(value, ts, wm);
      results = isThenable(r) ? await r : r;
    } catch (e) {
      throw new UdfError(s.name, e);
    }
    for (const r of results) {
      if (r instanceof Stamped) await this.run(i + 1, r.value, num(r.timestamp), wm, out, r.timestamp);
      else await this.run(i + 1, r, ts, wm, out, rawTs);
    }
  }

  /**
   * An async stage's results for one input: through the rest of the chain, then to the output.
   * Queued behind the previous input's, so they leave in the order the stage emitted them.
   */
  private continueAfter(i: number, results: unknown[], ts: number | null, wm: number | null, rawTs: unknown): void {
    this.tail = this.tail.then(async () => {
      if (this.tailFailure !== undefined || !this.out) return;
      const buf: [unknown, unknown][] = [];
      try {
        for (const r of results) {
          this.currentTs = rawTs;
          await this.run(i + 1, r, ts, wm, buf, rawTs);
        }
        this.emit(this.out, wm, buf);
      } catch (e) {
        this.tailFailure = e;
      }
      this.ctx.outputReady();
    });
  }

  async process(input: ByteReader, out: ByteWriter): Promise<void> {
    this.out = out;
    this.stateCache.begin(this.ctx.cacheToken());
    const rows: unknown[][] = [];
    forEachElement(input, this.decode, (row) => rows.push(row.values));
    const results: [unknown, unknown][] = [];
    for (const [ts, wm, raw] of rows) {
      results.length = 0;
      this.currentTs = ts;
      const value = jsLong(raw);
      // Java sends Long.MIN_VALUE for a record without a timestamp (StreamRecord.getTimestamp())
      await this.run(0, value, ts === MIN_LONG ? null : num(ts), num(wm), results, ts);
      this.emit(out, wm, results);
    }
  }

  private emit(out: ByteWriter, wm: unknown, results: readonly [unknown, unknown][]): void {
    for (const [result, ts] of results) {
      const start = out.beginPrefixed();
      try {
        this.encode(out, this.revise ? [ts, result] : [ts, wm, result]);
      } catch (e) {
        throw new UdfError(this.stages[this.stages.length - 1]?.name ?? 'output', e, 'its result');
      }
      out.endPrefixed(start);
    }
  }

  /** Fired timers: the keyed stage's onTimer, its results through the rest of the chain. */
  async processTimers(input: ByteReader, out: ByteWriter): Promise<void> {
    const keyed = this.stages.findIndex((s) => s.each.onTimer);
    if (keyed < 0 || !this.keys) throw new Error('timers fired for a function without timers');
    this.stateCache.begin(this.ctx.cacheToken());
    const results: [unknown, unknown][] = [];
    const begin = input.pos;
    while (input.pos < input.end) {
      let timer: unknown[];
      try {
        timer = readBeamTimer(input as unknown as Reader, this.keys.decodeTimer);
      } catch (e) {
        throw new Error(`${(e as Error).message} in timers ${Buffer.from(input.buf.subarray(begin, input.end)).toString('hex')}`);
      }
      const [type, wm, ts, keyRow, namespace] = timer;
      this.currentTs = ts;
      const stage = this.stages[keyed];
      let fired: unknown[];
      try {
        fired = await stage.each.onTimer!(Number(type), num(ts)!, num(wm)!, (keyRow as { f0: unknown }).f0, namespace as Uint8Array);
      } catch (e) {
        throw new UdfError(stage.name, e, 'onTimer()');
      }
      results.length = 0;
      for (const r of fired) {
        if (r instanceof Stamped) await this.run(keyed + 1, r.value, num(r.timestamp), num(wm), results, r.timestamp);
        else await this.run(keyed + 1, r, num(ts), num(wm), results, ts);
      }
      this.emit(out, wm, results);
    }
  }

  takeTimers(): Buffer | undefined {
    if (!this.keys || this.keys.timersOut.pos === 0) return undefined;
    const b = Buffer.from(this.keys.timersOut.take());
    return b;
  }

  /** Ends the bundle: async stages drained, then the keyed state's writes sent and applied. */
  async finishBundle(out: ByteWriter): Promise<void> {
    this.out = out;
    await this.drainAsyncStages();
    // the bundle is complete only once Flink has its state writes (a checkpoint follows a bundle)
    await this.stateCache.flush();
  }

  abortBundle(): void {
    this.stateCache.discard();
  }

  /** Waits for every async stage's queue to empty (PyFlink's AsyncOperation.finish): nothing stays in flight across bundles. */
  private async drainAsyncStages(): Promise<void> {
    const queues = this.stages.filter((s) => s.async);
    if (queues.length === 0) return;
    try {
      for (;;) {
        await this.tail;
        if (this.tailFailure !== undefined) throw this.tailFailure;
        const busy = queues.find((s) => s.async!.busy);
        if (!busy) break;
        try {
          await busy.async!.drain();
        } catch (e) {
          throw e instanceof UdfError ? e : new UdfError(busy.name, e);
        }
      }
    } catch (e) {
      for (const s of queues) s.async!.reset();
      this.tail = Promise.resolve();
      this.tailFailure = undefined;
      throw e;
    }
  }

  async close(): Promise<void> {
    for (const s of this.stages) await s.target.close?.();
  }
}

for (const urn of ['flink:transform:ds:stateless_function:v1', 'flink:transform:ds:stateful_function:v1']) {
  registerOperation(urn, (ctx) => new StatelessDataStreamOperation(ctx as unknown as OperationContext<flinkApi.UserDefinedDataStreamFunction>), 'datastream');
}
