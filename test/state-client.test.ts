/**
 * Golden tests of the worker's state client (src/worker/state/) against flink-python's own Java
 * state handlers (BeamBagStateHandler, BeamMapStateHandler), served over in-memory states by
 * dev.tsflink.udf.StateGolden: the bytes the worker sends are the ones Flink's handlers read, and
 * the worker reads what they answer, including iteration in several batches.
 */
import { describe, expect, it } from 'vitest';
import { callSync } from '../src/gateway/jvm';
import { Session } from '../src/index';
import { encoderFor, decoderFor } from '../src/worker/coders/row-coder';
import { fnApi } from '../src/worker/fn-api';
import { StateListView, StateMapView } from '../src/worker/state/data-views';
import { RemoteKeyedState } from '../src/worker/state/keyed-state';
import type { StateRequester } from '../src/worker/state/state-channel';
import type { LogicalTypeTree } from '../src/api/values';
import { afterAll, beforeAll } from 'vitest';

process.env.TSFLINK_QUIET ??= '1';

beforeAll(async () => {
  await Session.start();
});

afterAll(async () => {
  await (await Session.running())?.close();
});

/** Sends each request through Flink's handlers (with map iteration in batches of `batch`). */
function javaHandlers(batch: number): StateRequester & { sent: fnApi.IStateRequest[] } {
  const sent: fnApi.IStateRequest[] = [];
  let id = 0;
  return {
    sent,
    async request(instructionId, req) {
      const full = { ...req, id: String(++id), instruction_id: instructionId };
      sent.push(full);
      const bytes = Buffer.from(fnApi.StateRequest.encode(full).finish()).toString('base64');
      const answer = callSync<string>('dev.tsflink.udf.StateGolden', 'handle', bytes, batch);
      return fnApi.StateResponse.decode(Buffer.from(answer, 'base64'));
    },
  };
}

const STRING: LogicalTypeTree = { root: 'VARCHAR', nullable: true, sql: 'STRING', length: 2147483647 };
const BIGINT: LogicalTypeTree = { root: 'BIGINT', nullable: true, sql: 'BIGINT' };
const codec = (t: LogicalTypeTree) => ({ encode: encoderFor(t), decode: decoderFor(t) });

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('state client against flink-python\'s handlers', () => {
  it('bag state: append, get (all elements concatenated), clear, per key and window', async () => {
    const state = new RemoteKeyedState(javaHandlers(1000), () => 'b1').bag('acc');
    const k1 = Buffer.from([0, 1]);
    const k2 = Buffer.from([0, 2]);
    await state.append(k1, Buffer.from('ab'));
    await state.append(k1, Buffer.from('cd'));
    await state.append(k2, Buffer.from('x'));
    await state.append(k1, Buffer.from('w'), Buffer.from([9]));
    expect((await state.get(k1)).toString()).toBe('abcd');
    expect((await state.get(k2)).toString()).toBe('x');
    expect((await state.get(k1, Buffer.from([9]))).toString()).toBe('w');
    await state.clear(k1);
    expect((await state.get(k1)).length).toBe(0);
    expect((await state.get(k2)).toString()).toBe('x');
  });

  it('ListView: buffered adds reach Flink on flush; clear; elements decoded from the concatenation', async () => {
    const view = new StateListView<string>(new RemoteKeyedState(javaHandlers(1000), () => 'b2').bag('names'), encoderFor(STRING), decoderFor(STRING));
    view.bind(Buffer.from([0, 7]));
    view.addAll(['ann', 'bob']);
    await view.flush();
    view.add('cy');
    expect(await all(view.get())).toEqual(['ann', 'bob', 'cy']);
    await view.flush();
    view.bind(Buffer.from([0, 7]));
    expect(await all(view.get())).toEqual(['ann', 'bob', 'cy']);
    view.clear();
    view.add('dee');
    await view.flush();
    expect(await all(view.get())).toEqual(['dee']);
  });

  it('MapView: get/put/remove/contains/isEmpty, NULL values, and iteration in batches with continuation tokens', async () => {
    const requester = javaHandlers(2);
    const keyed = new RemoteKeyedState(requester, () => 'b3');
    const view = new StateMapView<string, bigint>(keyed.map('counts'), codec(STRING), codec(BIGINT), 1000);
    view.bind(Buffer.from([0, 1]));
    expect(await view.isEmpty()).toBe(true);
    for (const [k, v] of [['a', 1n], ['b', 2n], ['c', 3n], ['d', 4n], ['e', 5n]] as const) view.put(k, v);
    view.put('n', null);
    await view.flush();
    view.bind(Buffer.from([0, 1]));
    expect(await view.get('c')).toBe(3n);
    expect(await view.get('n')).toBeNull();
    expect(await view.contains('n')).toBe(true);
    expect(await view.contains('zz')).toBe(false);
    expect(await view.get('zz')).toBeNull();
    expect(await all(view.entries())).toEqual([['a', 1n], ['b', 2n], ['c', 3n], ['d', 4n], ['e', 5n], ['n', null]]);
    // six entries in batches of two: the first ITERATE and two continuations
    const iterations = requester.sent.filter((r) => r.get && Buffer.from(r.get.continuation_token ?? []).at(0) === 1);
    expect(iterations.length).toBeGreaterThanOrEqual(3);
    expect(await all(view.keys())).toEqual(['a', 'b', 'c', 'd', 'e', 'n']);
    view.remove('a');
    view.put('b', 20n);
    expect(await view.get('b')).toBe(20n); // from the write cache
    expect(await all(view.values())).toEqual([20n, 3n, 4n, 5n, null]);
    expect(view.hasOpenIterator).toBe(false);
    // another key sees nothing of this one
    view.bind(Buffer.from([0, 2]));
    expect(await view.isEmpty()).toBe(true);
    view.bind(Buffer.from([0, 1]));
    view.clear();
    await view.flush();
    expect(await view.isEmpty()).toBe(true);
  });

  it('a write cache that fills up sends its writes early, after a pending clear', async () => {
    const view = new StateMapView<string, bigint>(new RemoteKeyedState(javaHandlers(1000), () => 'b4').map('small'), codec(STRING), codec(BIGINT), 2);
    view.bind(Buffer.from([0, 3]));
    view.put('old', 1n);
    await view.flush();
    view.clear();
    view.put('x', 1n);
    view.put('y', 2n); // the cache is full: clear + writes go now
    view.put('z', 3n);
    await view.flush();
    expect(await all(view.entries())).toEqual([['x', 1n], ['y', 2n], ['z', 3n]]);
  });
});
