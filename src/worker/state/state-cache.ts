/**
 * The worker's keyed state cache (PyFlink's RemoteKeyedStateBackend with its LRU of internal
 * states and its map-state read and write caches): reads are served from what the worker last
 * read or wrote, writes wait in the worker until the bundle ends, or until an entry is evicted.
 *
 * Why it is safe: the operator's keyed state changes only through this worker's requests (the
 * Java side serves the DataStream operators' state from its backend and never writes it itself),
 * and the State stream answers requests in the order they were sent, so a read sent after a flush
 * sees the flush. flink-python ends a bundle before every checkpoint barrier, and a bundle is only
 * complete once its writes have reached Flink (`flush()`), so a checkpoint never misses one. A
 * restarted task gets a new operation and with it an empty cache; a bundle that failed drops the
 * cache (what it holds may be half of that bundle's writes).
 *
 * States with a TTL are not cached: Flink must see every access to expire and refresh them.
 * `python.state.cache-size` bounds the number of (state, key, window) entries;
 * `python.map-state.read-cache-size` the map keys kept per map entry and
 * `python.map-state.write-cache-size` the map writes held per map entry before they are sent.
 */
import type { flinkApi } from '../fn-api';
import type { BagState, IterateType, MapState, MapWrite } from './keyed-state';

/** What keyed-state users need of a bag of byte strings: Flink list state under a key (and window). */
export interface Bag {
  get(key: Buffer, window?: Buffer): Promise<Buffer>;
  append(key: Buffer, data: Buffer, window?: Buffer): Promise<unknown>;
  clear(key: Buffer, window?: Buffer): Promise<unknown>;
}

/** What keyed-state users need of a map of byte strings under a key (and window). */
export interface KeyedMap {
  get(key: Buffer, mapKey: Buffer, window?: Buffer): Promise<Buffer | null | undefined>;
  write(key: Buffer, writes: readonly MapWrite[], window?: Buffer): Promise<unknown>;
  isEmpty(key: Buffer, window?: Buffer): Promise<boolean>;
  clear(key: Buffer, window?: Buffer): Promise<unknown>;
  /** Flink's entries in batches (see MapState.iterate); what is pending is sent first. */
  iterate(key: Buffer, type: IterateType, progress: { finished: boolean }, window?: Buffer): AsyncGenerator<Buffer>;
}

/** Where keyed state comes from: Flink directly (RemoteKeyedState) or through a StateCache. */
export interface KeyedStateStore {
  bag(name: string, ttl?: flinkApi.StateDescriptor.IStateTTLConfig): Bag;
  map(name: string, ttl?: flinkApi.StateDescriptor.IStateTTLConfig): KeyedMap;
}

/** The store the cache fronts (RemoteKeyedState's `bag`/`map` give the remote handles). */
export interface RemoteStore {
  bag(name: string, ttl?: flinkApi.StateDescriptor.IStateTTLConfig): BagState;
  map(name: string, ttl?: flinkApi.StateDescriptor.IStateTTLConfig): MapState;
}

export interface StateCacheSizes {
  /** `python.state.cache-size`: entries; 0 turns the cache off. */
  entries: number;
  /** `python.map-state.read-cache-size`: map keys whose values an entry keeps. */
  mapReads: number;
  /** `python.map-state.write-cache-size`: map writes an entry holds before sending them. */
  mapWrites: number;
}

const EMPTY = Buffer.alloc(0);

/** A bag under one key and window: its content as Flink will have it once `cleared`/`added` are sent. */
interface BagEntry {
  kind: 'bag';
  remote: BagState;
  key: Buffer;
  window?: Buffer;
  /** Flink's content before the pending writes; undefined when not read (appends need no read). */
  base?: Buffer;
  cleared: boolean;
  added: Buffer[];
}

/** A map under one key and window: values read, and writes (a value, null, or deleted) to send. */
interface MapEntry {
  kind: 'map';
  remote: MapState;
  key: Buffer;
  window?: Buffer;
  /**
   * Flink's values by map key, before the pending writes: undefined = absent. Keys and values are
   * latin1 strings of their bytes, compact in V8's heap (see `own`).
   */
  reads: Map<string, string | null | undefined>;
  writes: Map<string, MapWrite>;
  cleared: boolean;
}

type Entry = BagEntry | MapEntry;

function isDirty(e: Entry): boolean {
  return e.cleared || (e.kind === 'bag' ? e.added.length > 0 : e.writes.size > 0);
}

export class StateCache implements KeyedStateStore {
  /** Entries by state id, key and window, least recently used first (a Map keeps insertion order). */
  private readonly entries = new Map<string, Entry>();
  /** Writes sent and not yet answered: a bundle completes only when they have been. */
  private inFlight: Promise<unknown>[] = [];
  private readonly bags = new Map<string, Bag>();
  private readonly maps = new Map<string, KeyedMap>();
  private token?: string;

  constructor(
    private readonly remote: () => RemoteStore,
    private readonly sizes: StateCacheSizes,
  ) {}

  /**
   * Called as a bundle's input arrives: keeps the cache if it belongs to the same state (the
   * runner's cache token) and the last bundle ended with `flush()`, and drops it otherwise.
   */
  begin(cacheToken: string): void {
    if (cacheToken === this.token) return;
    this.entries.clear();
    this.inFlight = [];
    this.token = cacheToken;
  }

  /** A failed bundle: forget everything (its unsent writes were half a bundle's). */
  discard(): void {
    this.entries.clear();
    this.inFlight = [];
    this.token = undefined;
  }

  /** Sends every pending write and waits for Flink to have applied them (at the end of each bundle). */
  async flush(): Promise<void> {
    for (const e of this.entries.values()) if (isDirty(e)) this.send(e);
    const sent = this.inFlight;
    this.inFlight = [];
    await Promise.all(sent);
  }

  bag(name: string, ttl?: flinkApi.StateDescriptor.IStateTTLConfig): Bag {
    if (ttl || this.sizes.entries <= 0) return this.remote().bag(name, ttl);
    let b = this.bags.get(name);
    if (!b) this.bags.set(name, (b = this.cachedBag(name, this.remote().bag(name))));
    return b;
  }

  map(name: string, ttl?: flinkApi.StateDescriptor.IStateTTLConfig): KeyedMap {
    if (ttl || this.sizes.entries <= 0) return this.remote().map(name, ttl);
    let m = this.maps.get(name);
    if (!m) this.maps.set(name, (m = this.cachedMap(name, this.remote().map(name))));
    return m;
  }

  private cachedBag(name: string, remote: BagState): Bag {
    const entry = (key: Buffer, window?: Buffer): BagEntry => {
      const id = entryId('b', name, key, window);
      const e = this.touch(id) as BagEntry | undefined;
      if (e) return e;
      const created: BagEntry = { kind: 'bag', remote, key: own(key), window: window && own(window), cleared: false, added: [] };
      this.insert(id, created);
      return created;
    };
    return {
      get: async (key, window) => {
        const e = entry(key, window);
        if (!e.cleared && e.base === undefined) {
          const base = await remote.get(key, window);
          // a write to the entry while the read was out came after it: the read is its base
          if (!e.cleared && e.base === undefined) e.base = own(base);
        }
        const base = e.cleared ? EMPTY : e.base!;
        return e.added.length === 0 ? base : Buffer.concat([base, ...e.added]);
      },
      append: async (key, data, window) => {
        entry(key, window).added.push(data);
      },
      clear: async (key, window) => {
        const e = entry(key, window);
        e.cleared = true;
        e.base = undefined;
        e.added = [];
      },
    };
  }

  private cachedMap(name: string, remote: MapState): KeyedMap {
    const entry = (key: Buffer, window?: Buffer): MapEntry => {
      const id = entryId('m', name, key, window);
      const e = this.touch(id) as MapEntry | undefined;
      if (e) return e;
      const created: MapEntry = { kind: 'map', remote, key: own(key), window: window && own(window), reads: new Map(), writes: new Map(), cleared: false };
      this.insert(id, created);
      return created;
    };
    return {
      get: async (key, mapKey, window) => {
        const e = entry(key, window);
        const k = mapKey.toString('latin1');
        const w = e.writes.get(k);
        if (w) return 'deleted' in w ? undefined : w.value;
        if (e.cleared) return undefined;
        if (e.reads.has(k)) {
          const cached = e.reads.get(k);
          return typeof cached === 'string' ? Buffer.from(cached, 'latin1') : cached;
        }
        const v = await remote.get(key, mapKey, window);
        if (!e.cleared && !e.writes.has(k)) this.remember(e, k, v);
        return v;
      },
      write: async (key, writes, window) => {
        const e = entry(key, window);
        for (const w of writes) e.writes.set(w.key.toString('latin1'), w);
        if (e.writes.size >= Math.max(1, this.sizes.mapWrites)) this.send(e);
      },
      isEmpty: async (key, window) => {
        const e = entry(key, window);
        for (const w of e.writes.values()) if (!('deleted' in w)) return false;
        if (e.cleared) return true;
        // Flink must answer: send what is pending first (the reply then covers it)
        if (isDirty(e)) this.send(e);
        return remote.isEmpty(key, window);
      },
      clear: async (key, window) => {
        const e = entry(key, window);
        e.cleared = true;
        e.reads.clear();
        e.writes.clear();
      },
      iterate: (key, type, progress, window) => {
        const e = entry(key, window);
        if (isDirty(e)) this.send(e);
        return remote.iterate(key, type, progress, window);
      },
    };
  }

  /** A read value, kept while the entry keeps fewer than `mapReads` (the oldest goes first). */
  private remember(e: MapEntry, k: string, v: Buffer | null | undefined): void {
    e.reads.delete(k);
    e.reads.set(k, v ? v.toString('latin1') : v);
    if (e.reads.size > this.sizes.mapReads) e.reads.delete(e.reads.keys().next().value!);
  }

  /** Sends an entry's pending writes, in order behind everything sent before; the entry stays, clean. */
  private send(e: Entry): void {
    if (e.kind === 'bag') {
      if (e.cleared) this.inFlight.push(e.remote.clear(e.key, e.window));
      if (e.added.length > 0) this.inFlight.push(e.remote.append(e.key, e.added.length === 1 ? e.added[0] : Buffer.concat(e.added), e.window));
      if (e.cleared) e.base = own(e.added.length === 1 ? e.added[0] : Buffer.concat(e.added));
      else if (e.base !== undefined && e.added.length > 0) e.base = own(Buffer.concat([e.base, ...e.added]));
      e.cleared = false;
      e.added = [];
      return;
    }
    if (e.cleared) this.inFlight.push(e.remote.clear(e.key, e.window));
    if (e.writes.size > 0) this.inFlight.push(e.remote.write(e.key, [...e.writes.values()], e.window));
    // what was written is what Flink now has: served from the read cache
    for (const [k, w] of e.writes) this.remember(e, k, 'deleted' in w ? undefined : w.value);
    e.cleared = false;
    e.writes.clear();
  }

  /** The entry, made the most recently used. */
  private touch(id: string): Entry | undefined {
    const e = this.entries.get(id);
    if (e) {
      this.entries.delete(id);
      this.entries.set(id, e);
    }
    return e;
  }

  /** Adds an entry, evicting the least recently used beyond `entries` (its writes are sent). */
  private insert(id: string, e: Entry): void {
    this.entries.set(id, e);
    while (this.entries.size > this.sizes.entries) {
      const [oldestId, oldest] = this.entries.entries().next().value!;
      this.entries.delete(oldestId);
      if (isDirty(oldest)) this.send(oldest);
    }
  }
}

/**
 * The bytes in memory of their own, for values the cache keeps for long. A small Buffer is a view
 * of a shared slab (Node's 8 KB pool, or the gRPC chunk a reply arrived in), and a view kept alive
 * keeps its whole slab: a heap snapshot of a worker caching a million map values held 375 MB of
 * 8 KB slabs for 47 MB of Buffers. So bag contents get a backing store of their own, and map
 * values (many, small) are kept as strings.
 */
function own(b: Buffer): Buffer {
  if (b.buffer.byteLength === b.byteLength) return b;
  const copy = Buffer.allocUnsafeSlow(b.byteLength);
  b.copy(copy);
  return copy;
}

function entryId(kind: string, name: string, key: Buffer, window?: Buffer): string {
  return `${kind}${name}\u0000${key.toString('latin1')}\u0000${window ? window.toString('latin1') : ''}`;
}
