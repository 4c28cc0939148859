/**
 * ListView and MapView backed by Flink state (what the worker puts into an accumulator's data view
 * fields). Writes are buffered (PyFlink's map-state write cache) and sent when the group's
 * accumulators are stored, or earlier when a read needs Flink to see them (iteration) or the write
 * cache is full (`python.map-state.write-cache-size`). Each view serves one key at a time: the
 * operation binds it to the group it processes.
 */
import { ListView, MapView } from '../../api/udf/functions';
import { ByteReader, ByteWriter } from '../coders/bytes';
import type { Decoder, Encoder } from '../coders/row-coder';
import { elementsOf, IterateType, type BagState, type MapWrite } from './keyed-state';
import type { KeyedMap } from './state-cache';

/** What the operation needs of a state-backed view. */
export interface StateView {
  /** Binds the view to a key, and a window for window aggregates (pending writes must have been flushed). */
  bind(key: Buffer, window?: Buffer): void;
  /** Sends the pending writes; resolves when Flink has applied them. */
  flush(): Promise<unknown>;
  /** Drops the key's whole view (state cleanup, or a group whose rows were all retracted). */
  clearState(): Promise<unknown>;
  /** True while a map iteration the user left early holds an iterator on the Java side. */
  readonly hasOpenIterator: boolean;
}

function encodeWith(enc: Encoder, v: unknown): Buffer {
  const w = new ByteWriter(32);
  enc(w, v);
  return w.take();
}

export class StateListView<T> extends ListView<T> implements StateView {
  private key: Buffer = Buffer.alloc(0);
  private window?: Buffer;
  private pending: T[] = [];
  private cleared = false;
  readonly hasOpenIterator = false;

  constructor(
    private readonly state: BagState,
    private readonly encode: Encoder,
    private readonly decode: Decoder,
  ) {
    super();
  }

  bind(key: Buffer, window?: Buffer): void {
    this.key = key;
    this.window = window;
    this.pending = [];
    this.cleared = false;
  }

  override async *get(): AsyncIterable<T> {
    if (!this.cleared) {
      const data = await this.state.get(this.key, this.window);
      yield* elementsOf(data, this.decode) as Iterable<T>;
    }
    yield* this.pending;
  }

  override add(value: T): void {
    if (value === null || value === undefined) throw new TypeError('a ListView cannot hold null elements');
    this.pending.push(value);
  }

  override clear(): void {
    this.cleared = true;
    this.pending = [];
  }

  flush(): Promise<unknown> {
    const sent: Promise<unknown>[] = [];
    if (this.cleared) sent.push(this.state.clear(this.key, this.window));
    if (this.pending.length) {
      const w = new ByteWriter(64);
      for (const v of this.pending) this.encode(w, v);
      sent.push(this.state.append(this.key, w.take(), this.window));
    }
    this.pending = [];
    this.cleared = false;
    return Promise.all(sent);
  }

  clearState(): Promise<unknown> {
    this.pending = [];
    this.cleared = false;
    return this.state.clear(this.key, this.window);
  }
}

interface CachedWrite<V> {
  key: Buffer;
  /** The value; undefined when the entry was removed. */
  value: V | null | undefined;
}

export class StateMapView<K, V> extends MapView<K, V> implements StateView {
  private key: Buffer = Buffer.alloc(0);
  private window?: Buffer;
  /** Pending writes by the map key's bytes. */
  private writes = new Map<string, CachedWrite<V>>();
  private cleared = false;
  private openIterators = 0;
  /** Writes sent early (a full write cache), awaited by the next flush. */
  private inFlight: Promise<unknown>[] = [];

  constructor(
    /** Flink's map state, directly or through the operation's StateCache. */
    private readonly state: KeyedMap,
    private readonly keyCodec: { encode: Encoder; decode: Decoder },
    private readonly valueCodec: { encode: Encoder; decode: Decoder },
    private readonly writeCacheSize: number,
  ) {
    super();
  }

  get hasOpenIterator(): boolean {
    return this.openIterators > 0;
  }

  bind(key: Buffer, window?: Buffer): void {
    this.key = key;
    this.window = window;
    this.writes.clear();
    this.cleared = false;
    this.openIterators = 0;
    this.inFlight = [];
  }

  private mapKey(k: K): Buffer {
    if (k === null || k === undefined) throw new TypeError('a MapView key cannot be null');
    return encodeWith(this.keyCodec.encode, k);
  }

  override async get(key: K): Promise<V | null> {
    const kb = this.mapKey(key);
    const cached = this.writes.get(kb.toString('latin1'));
    if (cached) return cached.value ?? null;
    if (this.cleared) return null;
    const v = await this.state.get(this.key, kb, this.window);
    return v ? (this.valueCodec.decode(new ByteReader(v)) as V) : null;
  }

  override put(key: K, value: V | null): void {
    const kb = this.mapKey(key);
    this.writes.set(kb.toString('latin1'), { key: kb, value: value ?? null });
    if (this.writes.size >= this.writeCacheSize) {
      const sent = this.sendPending();
      sent.catch(() => undefined); // surfaces in flush()
      this.inFlight.push(sent);
    }
  }

  override remove(key: K): void {
    const kb = this.mapKey(key);
    this.writes.set(kb.toString('latin1'), { key: kb, value: undefined });
  }

  override async contains(key: K): Promise<boolean> {
    const kb = this.mapKey(key);
    const cached = this.writes.get(kb.toString('latin1'));
    if (cached) return cached.value !== undefined;
    if (this.cleared) return false;
    return (await this.state.get(this.key, kb, this.window)) !== undefined;
  }

  override async *entries(): AsyncIterable<[K, V | null]> {
    for await (const batch of this.iterate(IterateType.ITEMS)) {
      yield* elementsOf(batch, (r) => {
        const k = this.keyCodec.decode(r) as K;
        const v = r.u8() ? (this.valueCodec.decode(r) as V) : null;
        return [k, v] as [K, V | null];
      });
    }
  }

  override async *keys(): AsyncIterable<K> {
    for await (const batch of this.iterate(IterateType.KEYS)) yield* elementsOf(batch, (r) => this.keyCodec.decode(r) as K);
  }

  override async *values(): AsyncIterable<V | null> {
    for await (const [, v] of this.entries()) yield v;
  }

  override async isEmpty(): Promise<boolean> {
    await this.flush();
    return this.state.isEmpty(this.key, this.window);
  }

  override clear(): void {
    this.cleared = true;
    this.writes.clear();
  }

  /** Iterates Flink's map state after sending the pending writes (so the iteration sees them). */
  private async *iterate(type: IterateType): AsyncIterable<Buffer> {
    await this.flush();
    const progress = { finished: false };
    this.openIterators++;
    try {
      yield* this.state.iterate(this.key, type, progress, this.window);
    } finally {
      if (progress.finished) this.openIterators--;
    }
  }

  /** Sends a pending clear, then the pending writes (the runner applies them in order). */
  private sendPending(): Promise<unknown> {
    const cleared = this.cleared ? this.state.clear(this.key, this.window) : undefined;
    this.cleared = false;
    const written = this.sendWrites();
    return cleared ? Promise.all([cleared, written]) : written;
  }

  private sendWrites(): Promise<unknown> {
    if (!this.writes.size) return Promise.resolve();
    const ops: MapWrite[] = [];
    for (const { key, value } of this.writes.values()) {
      ops.push(value === undefined ? { key, deleted: true } : { key, value: value === null ? null : encodeWith(this.valueCodec.encode, value) });
    }
    this.writes.clear();
    return this.state.write(this.key, ops, this.window);
  }

  flush(): Promise<unknown> {
    const sent = this.inFlight;
    this.inFlight = [];
    sent.push(this.sendPending());
    return Promise.all(sent);
  }

  clearState(): Promise<unknown> {
    this.writes.clear();
    this.cleared = false;
    return this.state.clear(this.key, this.window);
  }
}
