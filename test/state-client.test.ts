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
import { StateCache } from '../src/worker/state/state-cache';
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

describe('the worker\'s keyed state cache, in front of flink-python\'s handlers', () => {
  const kinds = (r: fnApi.IStateRequest[]) => r.map((x) => (x.get ? 'get' : x.append ? 'append' : 'clear'));
  const sizes = { entries: 1000, mapReads: 1000, mapWrites: 1000 };

  it('bag: a value read once serves later bundles; writes reach Flink at the bundle end, clear before append', async () => {
    const requester = javaHandlers(1000);
    const remote = new RemoteKeyedState(requester, () => 'c1');
    const cache = new StateCache(() => remote, sizes);
    const bag = cache.bag('count');
    const k = Buffer.from([1, 1]);
    cache.begin('t');
    expect((await bag.get(k)).length).toBe(0);
    await bag.clear(k);
    await bag.append(k, Buffer.from('1'));
    expect((await bag.get(k)).toString()).toBe('1');
    expect(kinds(requester.sent)).toEqual(['get']); // nothing written yet
    await cache.flush();
    expect(kinds(requester.sent)).toEqual(['get', 'clear', 'append']);
    // the next bundle: served from the cache, and Flink has what the worker wrote
    cache.begin('t');
    await bag.clear(k);
    await bag.append(k, Buffer.from('2'));
    await bag.append(k, Buffer.from('3'));
    expect((await bag.get(k)).toString()).toBe('23');
    await cache.flush();
    expect(kinds(requester.sent)).toEqual(['get', 'clear', 'append', 'clear', 'append']);
    expect((await remote.bag('count').get(k)).toString()).toBe('23');
    // appends need no read: a list add is one append at the end
    const list = cache.bag('list');
    await list.append(k, Buffer.from('a'));
    await cache.flush();
    await list.append(k, Buffer.from('b'));
    expect((await list.get(k)).toString()).toBe('ab');
    await cache.flush();
    expect((await remote.bag('list').get(k)).toString()).toBe('ab');
  });

  it('an entry evicted from a full cache sends its writes at once; a new cache token or a failed bundle drops the cache', async () => {
    const requester = javaHandlers(1000);
    const remote = new RemoteKeyedState(requester, () => 'c2');
    const cache = new StateCache(() => remote, { ...sizes, entries: 2 });
    const bag = cache.bag('v');
    const key = (i: number) => Buffer.from([2, i]);
    cache.begin('t');
    for (const i of [1, 2, 3]) await bag.append(key(i), Buffer.from(`v${i}`));
    // key 1 was the least recently used: its append went out before the bundle ended
    expect(requester.sent.map((r) => Buffer.from(r.state_key!.bag_user_state!.key!).at(1))).toEqual([1]);
    expect((await bag.get(key(1))).toString()).toBe('v1'); // read back from Flink
    await cache.flush();
    for (const i of [1, 2, 3]) expect((await remote.bag('v').get(key(i))).toString()).toBe(`v${i}`);
    // key 3 was only appended to: its content is Flink's plus the appends, read once
    let before = requester.sent.length;
    expect((await bag.get(key(3))).toString()).toBe('v3');
    expect(requester.sent.length).toBe(before + 1);
    before = requester.sent.length;
    expect((await bag.get(key(3))).toString()).toBe('v3');
    expect(requester.sent.length).toBe(before); // cached
    cache.begin('another operator instance');
    expect((await bag.get(key(3))).toString()).toBe('v3');
    expect(requester.sent.length).toBe(before + 1); // read again
    // a failed bundle: its writes never reach Flink, and nothing of it is served later
    await bag.append(key(3), Buffer.from('half'));
    cache.discard();
    cache.begin('another operator instance');
    expect((await bag.get(key(3))).toString()).toBe('v3');
    await cache.flush();
    expect((await remote.bag('v').get(key(3))).toString()).toBe('v3');
  });

  it('map: values read and written are served from the cache; writes go in one request, early when the write cache fills', async () => {
    const requester = javaHandlers(1000);
    const remote = new RemoteKeyedState(requester, () => 'c3');
    const cache = new StateCache(() => remote, { ...sizes, mapWrites: 3 });
    const map = cache.map('m');
    const k = Buffer.from([3, 1]);
    const b = (s: string) => Buffer.from(s);
    cache.begin('t');
    expect(await map.isEmpty(k)).toBe(true);
    expect(await map.get(k, b('a'))).toBeUndefined();
    await map.write(k, [{ key: b('a'), value: b('1') }, { key: b('n'), value: null }]);
    expect((await map.get(k, b('a')))?.toString()).toBe('1');
    expect(await map.get(k, b('n'))).toBeNull();
    expect(await map.isEmpty(k)).toBe(false);
    const sentBefore = kinds(requester.sent);
    expect(sentBefore).toEqual(['get', 'get']); // isEmpty, get 'a'
    await map.write(k, [{ key: b('b'), value: b('2') }]); // three writes: sent now
    expect(kinds(requester.sent)).toEqual(['get', 'get', 'append']);
    await map.write(k, [{ key: b('a'), deleted: true }]);
    expect(await map.get(k, b('a'))).toBeUndefined();
    await cache.flush();
    cache.begin('t');
    expect((await map.get(k, b('b')))?.toString()).toBe('2');
    expect(kinds(requester.sent)).toEqual(['get', 'get', 'append', 'append']); // read from the cache
    const direct = remote.map('m');
    expect(await direct.get(k, b('a'))).toBeUndefined();
    expect(await direct.get(k, b('n'))).toBeNull();
    expect((await direct.get(k, b('b')))?.toString()).toBe('2');
    // clear, then a put: Flink gets the clear first
    await map.clear(k);
    expect(await map.get(k, b('b'))).toBeUndefined();
    await map.write(k, [{ key: b('c'), value: b('3') }]);
    await cache.flush();
    expect(await direct.get(k, b('b'))).toBeUndefined();
    expect((await direct.get(k, b('c')))?.toString()).toBe('3');
  });

  it('states with a TTL go to Flink on every access; a cache of size 0 is off', async () => {
    const requester = javaHandlers(1000);
    const remote = new RemoteKeyedState(requester, () => 'c4');
    const cache = new StateCache(() => remote, sizes);
    cache.begin('t');
    const ttl = { ttl: 60_000 as unknown as number, update_type: 1, state_visibility: 0 };
    const k = Buffer.from([4, 1]);
    await cache.bag('ttl', ttl).append(k, Buffer.from('x'));
    expect(kinds(requester.sent)).toEqual(['append']);
    const off = new StateCache(() => remote, { ...sizes, entries: 0 });
    off.begin('t');
    await off.bag('plain').append(k, Buffer.from('y'));
    expect(kinds(requester.sent)).toEqual(['append', 'append']);
  });
});
