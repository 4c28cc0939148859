/**
 * Broadcast state functions (BroadcastProcessFunction, KeyedBroadcastProcessFunction), as PyFlink's
 * worker runs them: flink-python's co-process operators (function type CO_BROADCAST_PROCESS /
 * KEYED_CO_BROADCAST_PROCESS) send Row(isLeft, regular, broadcast); on the keyed variant the
 * regular side is Row(key, value). The broadcast state is Flink's operator broadcast state
 * (BeamOperatorStateStore: a MapState<byte[], byte[]> per descriptor name), reached with
 * `multimap_keys_side_input` state requests. As in Java, it is read-only on the regular side and
 * writable on the broadcast side; every subtask gets every broadcast record, so each keeps the same
 * state if the function updates it deterministically.
 */
import type { DataStreamFunctionDescriptor } from '../../api/datastream/descriptor';
import type { LogicalTypeTree } from '../../api/values';
import { ByteReader, ByteWriter } from '../coders/bytes';
import { decoderFor, encoderFor } from '../coders/row-coder';
import type { MapState, RemoteKeyedState } from '../state/keyed-state';
import { elementsOf, IterateType } from '../state/keyed-state';
import type { ElementFn, KeyContext, SideOutput } from './datastream';
import { collectInto, isThenable, userMethod } from './datastream';

export const CO_BROADCAST_PROCESS = 5;
export const KEYED_CO_BROADCAST_PROCESS = 6;

const PICKLED: LogicalTypeTree = { root: 'PICKLED', nullable: true, sql: 'PICKLED' };
const encodePickled = encoderFor(PICKLED);
const decodePickled = decoderFor(PICKLED);

/** A V8-serialized value, self-delimiting (the map state's keys and values, and what iteration splits). */
function pickle(v: unknown): Buffer {
  const w = new ByteWriter();
  encodePickled(w, v);
  return Buffer.from(w.take());
}

/** The state handle a function gets from ctx.getBroadcastState(descriptor). */
function broadcastState(map: MapState, name: string, writable: boolean): object {
  const none = Buffer.alloc(0);
  const entries = async (): Promise<[unknown, unknown][]> => {
    const out: [unknown, unknown][] = [];
    // read to the end, so that the runner holds no open iterator after the call
    for await (const batch of map.iterate(none, IterateType.ITEMS, { finished: false })) {
      for (const e of elementsOf(batch, (r) => [decodePickled(r), r.u8() ? decodePickled(r) : null] as [unknown, unknown])) out.push(e);
    }
    return out;
  };
  const readOnly = (method: string) => () => {
    throw new TypeError(
      `broadcast state '${name}' is read-only in processElement(); ${method}() it in processBroadcastElement() (Flink's ReadOnlyContext)`,
    );
  };
  return {
    get: async (k: unknown) => {
      const b = await map.get(none, pickle(k));
      return b === undefined || b === null ? undefined : decodePickled(new ByteReader(b));
    },
    contains: async (k: unknown) => (await map.get(none, pickle(k))) !== undefined,
    entries,
    keys: async () => (await entries()).map(([k]) => k),
    values: async () => (await entries()).map(([, v]) => v),
    isEmpty: () => map.isEmpty(none),
    put: writable ? async (k: unknown, v: unknown) => void (await map.write(none, [{ key: pickle(k), value: pickle(v) }])) : readOnly('put'),
    putAll: writable
      ? async (m: Iterable<[unknown, unknown]>) => void (await map.write(none, [...m].map(([k, v]) => ({ key: pickle(k), value: pickle(v) }))))
      : readOnly('putAll'),
    remove: writable ? async (k: unknown) => void (await map.write(none, [{ key: pickle(k), deleted: true }])) : readOnly('remove'),
    clear: writable ? async () => void (await map.clear(none)) : readOnly('clear'),
  };
}

export function broadcastElementFn(
  d: DataStreamFunctionDescriptor,
  exported: unknown,
  state: () => RemoteKeyedState,
  keys: KeyContext | undefined,
  output: SideOutput,
): ElementFn {
  const onElement = userMethod(exported, 'processElement', d);
  const onBroadcast = userMethod(exported, 'processBroadcastElement', d);
  const declared = new Set(d.broadcastStates ?? []);
  const handles = new Map<string, object>();
  const stateOf = (descriptor: { name?: unknown } | null | undefined, writable: boolean): object => {
    const name = descriptor?.name;
    if (typeof name !== 'string') throw new TypeError('getBroadcastState() needs a MapStateDescriptor');
    if (!declared.has(name)) {
      throw new Error(`no broadcast state '${name}': the stream was broadcast with ${[...declared].map((n) => `'${n}'`).join(', ') || 'no descriptors'} (Flink's broadcast(descriptors))`);
    }
    const id = `${writable ? 'w' : 'r'}:${name}`;
    let h = handles.get(id);
    if (!h) handles.set(id, (h = broadcastState(state().broadcastMap(name), name, writable)));
    return h;
  };
  let ts: number | null = null;
  let wm: number | null = null;
  let domain: 'EVENT_TIME' | 'PROCESSING_TIME' | undefined;
  const base = {
    timestamp: () => ts,
    currentProcessingTime: () => Date.now(),
    currentWatermark: () => wm ?? Number.MIN_SAFE_INTEGER,
    output,
  };
  const timerService = keys && {
    currentWatermark: () => wm ?? Number.MIN_SAFE_INTEGER,
    currentProcessingTime: () => Date.now(),
    registerEventTimeTimer: (t: number) => keys.setTimer(0, t),
    registerProcessingTimeTimer: (t: number) => keys.setTimer(1, t),
    deleteEventTimeTimer: (t: number) => keys.setTimer(2, t),
    deleteProcessingTimeTimer: (t: number) => keys.setTimer(3, t),
  };
  // Java's ReadOnlyContext (the regular side; keyed: the key and its timers) and Context (the broadcast side)
  const readOnlyCtx = {
    ...base,
    getBroadcastState: (desc: { name?: unknown }) => stateOf(desc, false),
    ...(keys ? { getCurrentKey: () => keys.userKey, timerService: () => timerService, timeDomain: () => domain } : { timerService: () => ({ currentWatermark: base.currentWatermark, currentProcessingTime: base.currentProcessingTime }) }),
  };
  const ctx = { ...base, getBroadcastState: (desc: { name?: unknown }) => stateOf(desc, true) };
  const run = (call: (out: { collect(x: unknown): void }) => unknown): unknown[] | Promise<unknown[]> => {
    const results: unknown[] = [];
    const out = { collect: (x: unknown) => void results.push(x) };
    const r = call(out);
    if (isThenable(r)) return r.then((x) => (collectInto(results, x), results));
    collectInto(results, r);
    return results;
  };
  const each: ElementFn = (input, timestamp, watermark) => {
    const { f0: isRegular, f1: regular, f2: broadcast } = input as { f0: boolean; f1: unknown; f2: unknown };
    ts = timestamp;
    wm = watermark;
    domain = undefined;
    if (!isRegular) return run((out) => onBroadcast(broadcast, ctx, out));
    let value = regular;
    if (keys) {
      const pair = regular as { key: unknown; value: unknown };
      keys.setKey(pair.key);
      value = pair.value;
    }
    return run((out) => onElement(value, readOnlyCtx, out));
  };
  if (keys) {
    const onTimer = (exported as { onTimer?: unknown } | null)?.onTimer;
    each.onTimer = async (type, timestamp, watermark, key) => {
      if (typeof onTimer !== 'function') throw new TypeError(`'${d.name}' set a timer but has no onTimer() method`);
      keys.setKey(key);
      ts = timestamp;
      wm = watermark;
      domain = type === 0 ? 'EVENT_TIME' : 'PROCESSING_TIME';
      return run((out) => (onTimer as (...a: unknown[]) => unknown).call(exported, timestamp, readOnlyCtx, out));
    };
  }
  return each;
}
