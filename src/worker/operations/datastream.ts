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
import { elementsOf, type RemoteKeyedState } from '../state/keyed-state';
import type { KeyedRuntimeContext, ListState, MapState, ValueState } from '../../api/datastream/state';
import type { flinkApi } from '../fn-api';
import { loadShipped } from '../load-shipped';
import { UdfError } from '../udf-loader';
import { forEachElement, registerOperation, type Operation, type OperationContext } from './operation';

/** What a user function may have beside its main method (Flink's RichFunction). */
interface Lifecycle {
  open?(ctx: unknown): unknown;
  close?(): unknown;
}

/** Per element: the results to emit (in order). */
type ElementFn = (value: unknown, timestamp: number | null, watermark: number | null) => unknown[] | Promise<unknown[]>;

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

function isThenable(v: unknown): v is Promise<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function statelessElementFn(d: DataStreamFunctionDescriptor, exported: unknown): ElementFn {
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
}

const REVISE_OUTPUT = 100;
const KEYED_PROCESS = 2;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}


const PICKLED = { root: 'PICKLED', nullable: true, sql: 'PICKLED' };
const encodePickled = encoderFor(PICKLED);
const decodePickled = decoderFor(PICKLED);

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
class KeyContext {
  current: Buffer = Buffer.alloc(0);
  userKey: unknown = null;
  private readonly encodeKey: ReturnType<typeof rowEncoder>;

  constructor(
    private readonly state: () => RemoteKeyedState,
    keyType: flinkApi.ITypeInfo,
  ) {
    this.encodeKey = rowEncoder(typeOfTypeInfo(keyType));
  }

  setKey(key: unknown): void {
    const w = new Writer();
    this.encodeKey(w, [key]);
    this.current = Buffer.from(w.take());
    this.userKey = key;
  }

  runtimeContext(base: object): KeyedRuntimeContext {
    return {
      ...base,
      getState: <T>(d: { name: string }): ValueState<T> => {
        const bag = this.state().bag(d.name);
        return {
          value: async () => {
            const data = await bag.get(this.current);
            for (const v of elementsOf(data, decodePickled)) return v as T;
            return null;
          },
          update: async (v) => {
            const key = this.current;
            await bag.clear(key);
            await bag.append(key, pickle(v));
          },
          clear: async () => void (await bag.clear(this.current)),
        };
      },
      getListState: <T>(d: { name: string }): ListState<T> => {
        const bag = this.state().bag(d.name);
        return {
          get: async () => [...elementsOf(await bag.get(this.current), decodePickled)] as T[],
          add: async (v) => void (await bag.append(this.current, pickle(v))),
          update: async (vs) => {
            const key = this.current;
            await bag.clear(key);
            if (vs.length > 0) await bag.append(key, Buffer.concat(vs.map(pickle)));
          },
          clear: async () => void (await bag.clear(this.current)),
        };
      },
      getMapState: <K, V>(d: { name: string }): MapState<K, V> => {
        const map = this.state().map(d.name);
        return {
          get: async (k) => {
            const b = await map.get(this.current, pickle(k));
            return b === undefined || b === null ? undefined : (decodePickled(new Reader(b)) as V);
          },
          put: async (k, v) => void (await map.write(this.current, [{ key: pickle(k), value: pickle(v) }])),
          contains: async (k) => (await map.get(this.current, pickle(k))) !== undefined,
          remove: async (k) => void (await map.write(this.current, [{ key: pickle(k), deleted: true }])),
          isEmpty: () => map.isEmpty(this.current),
          clear: async () => void (await map.clear(this.current)),
        };
      },
    } as unknown as KeyedRuntimeContext;
  }
}

function keyedElementFn(d: DataStreamFunctionDescriptor, exported: unknown, keys: KeyContext): ElementFn {
  if (d.kind === 'reduce') {
    const f = userMethod(exported, 'reduce', d);
    let state: ValueState<unknown> | undefined;
    return async (pair) => {
      const { key, value } = pair as { key: unknown; value: unknown };
      keys.setKey(key);
      state ??= keys.runtimeContext({}).getState({ kind: "value", name: `reduce:${d.name}` });
      const previous = await state.value();
      const next = previous === null ? value : await f(previous, value);
      await state.update(next);
      return [next];
    };
  }
  if (d.kind !== 'keyedProcess') throw new Error(`the TSFlink worker cannot run a keyed '${d.kind}' function`);
  const f = userMethod(exported, 'processElement', d);
  let ts: number | null = null;
  let wm: number | null = null;
  const ctx = {
    timestamp: () => ts,
    getCurrentKey: () => keys.userKey,
    timerService: () => ({ currentWatermark: () => wm ?? Number.MIN_SAFE_INTEGER, currentProcessingTime: () => Date.now() }),
  };
  return async (pair, timestamp, watermark) => {
    const { key, value } = pair as { key: unknown; value: unknown };
    keys.setKey(key);
    ts = timestamp;
    wm = watermark;
    const results: unknown[] = [];
    const out = { collect: (x: unknown) => void results.push(x) };
    collectInto(results, await f(value, ctx, out));
    return results;
  };
}

export class StatelessDataStreamOperation implements Operation {
  private readonly stages: Stage[] = [];
  /** The current key of a keyed function (KEYED_PROCESS) in the chain. */
  private keys?: KeyContext;
  /** REVISE_OUTPUT ends the chain: the output is Row(timestamp, result), without the watermark. */
  private readonly revise: boolean;
  private readonly decode: ReturnType<typeof rowDecoder>;
  private readonly encode: ReturnType<typeof rowEncoder>;

  constructor(private readonly ctx: OperationContext<flinkApi.UserDefinedDataStreamFunction>) {
    const functions = [ctx.udfs, ...ctx.chained];
    this.revise = functions.some((f) => f.function_type === REVISE_OUTPUT);
    for (const f of functions) {
      if (f.function_type === REVISE_OUTPUT) continue;
      const d = readDescriptor(f.payload);
      const exported = loadShipped(d.code);
      const target = (typeof exported === 'object' && exported !== null ? exported : {}) as Lifecycle;
      if (f.function_type === KEYED_PROCESS) {
        this.keys = new KeyContext(() => ctx.keyedState(), f.key_type_info!);
        this.stages.push({ name: d.name, target, each: keyedElementFn(d, exported, this.keys) });
      } else {
        this.stages.push({ name: d.name, target, each: statelessElementFn(d, exported) });
      }
    }
    this.decode = rowDecoder(ctx.inputType);
    this.encode = rowEncoder(ctx.outputType);
  }

  async open(): Promise<void> {
    for (const s of this.stages) {
      try {
        await s.target.open?.(this.keys ? this.keys.runtimeContext(this.ctx.functionContext) : this.ctx.functionContext);
      } catch (e) {
        throw new UdfError(s.name, e, 'open()');
      }
    }
  }

  /** The results of the stages from `i` on for one value. */
  private async run(i: number, value: unknown, ts: number | null, wm: number | null, out: unknown[]): Promise<void> {
    if (i === this.stages.length) {
      out.push(value);
      return;
    }
    const s = this.stages[i];
    let results: unknown[];
    try {
      const r = s.each(value, ts, wm);
      results = isThenable(r) ? await r : r;
    } catch (e) {
      throw new UdfError(s.name, e);
    }
    for (const r of results) await this.run(i + 1, r, ts, wm, out);
  }

  async process(input: ByteReader, out: ByteWriter): Promise<void> {
    const rows: unknown[][] = [];
    forEachElement(input, this.decode, (row) => rows.push(row.values));
    const results: unknown[] = [];
    for (const [ts, wm, raw] of rows) {
      results.length = 0;
      // the row coder reads BIGINT as bigint; DataStream LONG records are numbers where exact
      const value = typeof raw === 'bigint' && raw >= MIN_SAFE && raw <= MAX_SAFE ? Number(raw) : raw;
      await this.run(0, value, num(ts), num(wm), results);
      for (const result of results) {
        const start = out.beginPrefixed();
        try {
          this.encode(out, this.revise ? [ts, result] : [ts, wm, result]);
        } catch (e) {
          throw new UdfError(this.stages[this.stages.length - 1]?.name ?? 'output', e, 'its result');
        }
        out.endPrefixed(start);
      }
    }
  }

  finishBundle(): void {}

  async close(): Promise<void> {
    for (const s of this.stages) await s.target.close?.();
  }
}

for (const urn of ['flink:transform:ds:stateless_function:v1', 'flink:transform:ds:stateful_function:v1']) {
  registerOperation(urn, (ctx) => new StatelessDataStreamOperation(ctx as unknown as OperationContext<flinkApi.UserDefinedDataStreamFunction>), 'datastream');
}
