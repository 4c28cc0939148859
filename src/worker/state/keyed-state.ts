/**
 * Keyed state in Flink, as flink-python's Java side serves it (BeamKeyedStateStore,
 * BeamBagStateHandler, BeamMapStateHandler):
 * - bag state is Beam `bag_user_state`: a Flink `ListState<byte[]>`; a read returns all elements
 *   concatenated, so what is stored must be self-delimiting;
 * - map state is Beam `multimap_side_input` with flink-python's own flags in the continuation token
 *   (get / iterate / check-empty) and in the appended bytes (delete / set-none / set-value);
 * - the state id is a base64 `StateDescriptor` proto (name, TTL); the key is the grouping key in
 *   Flink's row format, which the Java side deserializes and makes the backend's current key.
 * Every request names its key, so requests for different keys may be in flight together.
 */
import { ByteReader, ByteWriter } from '../coders/bytes';
import { flinkApi, type fnApi } from '../fn-api';
import type { StateRequester } from './state-channel';

const EMPTY = Buffer.alloc(0);

/** Map state GET flags (first byte of the continuation token) and response flags. */
const GET_FLAG = 0;
const ITERATE_FLAG = 1;
const CHECK_EMPTY_FLAG = 2;
const EXIST_FLAG = 0;
const IS_NONE_FLAG = 1;
const NOT_EXIST_FLAG = 2;
const IS_EMPTY_FLAG = 3;
/** Map state APPEND operations. */
const DELETE = 0;
const SET_NONE = 1;
const SET_VALUE = 2;

export enum IterateType {
  ITEMS = 0,
  KEYS = 1,
  VALUES = 2,
}

/** One pending map write: a value, null (the key maps to SQL NULL) or deletion. */
export type MapWrite = { key: Buffer; value: Buffer | null } | { key: Buffer; deleted: true };

/** The state's id: its StateDescriptor proto (name, and TTL: Java enables it on the state it creates). */
function stateId(name: string, ttl?: flinkApi.StateDescriptor.IStateTTLConfig): string {
  const bytes = flinkApi.StateDescriptor.encode({ state_name: name, state_ttl_config: ttl }).finish();
  return Buffer.from(bytes).toString('base64');
}

function toBuffer(b: Uint8Array | null | undefined): Buffer {
  return b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : EMPTY;
}

export class RemoteKeyedState {
  constructor(
    private readonly channel: StateRequester,
    /** The running bundle's instruction id (state requests belong to a bundle). */
    private readonly instructionId: () => string,
  ) {}

  private send(req: Omit<fnApi.IStateRequest, 'id' | 'instruction_id'>): Promise<fnApi.StateResponse> {
    return this.channel.request(this.instructionId(), req);
  }

  bag(name: string, ttl?: flinkApi.StateDescriptor.IStateTTLConfig): BagState {
    return new BagState(stateId(name, ttl), (r) => this.send(r));
  }

  map(name: string, ttl?: flinkApi.StateDescriptor.IStateTTLConfig): MapState {
    return new MapState(stateId(name, ttl), (r) => this.send(r));
  }

  /**
   * Operator broadcast state (flink-python's BeamOperatorStateStore): the same map protocol under a
   * Beam `multimap_keys_side_input` key, which names no grouping key.
   */
  broadcastMap(name: string): MapState {
    return new MapState(stateId(name), (r) => this.send(r), true);
  }

  /** Drops the Java side's unfinished map iterators (left by an iteration the user stopped early). */
  clearIterators(key: Buffer): Promise<unknown> {
    return this.send({
      state_key: { multimap_side_input: { transform_id: 'clear_iterators', side_input_id: 'clear_iterators', key } },
      clear: {},
    });
  }
}

type Send = (req: Omit<fnApi.IStateRequest, 'id' | 'instruction_id'>) => Promise<fnApi.StateResponse>;

/** A Flink list state of byte strings (Beam bag user state). */
export class BagState {
  constructor(
    private readonly id: string,
    private readonly send: Send,
  ) {}

  /** `window`: the namespace (a serialized window) of window aggregates; none for plain keyed state. */
  private stateKey(key: Buffer, window?: Buffer): fnApi.IStateKey {
    return { bag_user_state: { transform_id: '', user_state_id: this.id, key, window } };
  }

  /** All elements, concatenated (following continuation tokens until the runner has sent everything). */
  async get(key: Buffer, window?: Buffer): Promise<Buffer> {
    const parts: Buffer[] = [];
    let token: Uint8Array | undefined;
    do {
      const r = await this.send({ state_key: this.stateKey(key, window), get: { continuation_token: token } });
      parts.push(toBuffer(r.get?.data));
      token = r.get?.continuation_token?.length ? r.get.continuation_token : undefined;
    } while (token);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  append(key: Buffer, data: Buffer, window?: Buffer): Promise<unknown> {
    return this.send({ state_key: this.stateKey(key, window), append: { data } });
  }

  clear(key: Buffer, window?: Buffer): Promise<unknown> {
    return this.send({ state_key: this.stateKey(key, window), clear: {} });
  }
}

/** A Flink map state of byte strings, in flink-python's protocol. */
export class MapState {
  constructor(
    private readonly id: string,
    private readonly send: Send,
    /** Operator broadcast state: `key` is ignored. */
    private readonly broadcast = false,
  ) {}

  private stateKey(key: Buffer, window?: Buffer): fnApi.IStateKey {
    if (this.broadcast) return { multimap_keys_side_input: { transform_id: '', side_input_id: this.id, window } };
    return { multimap_side_input: { transform_id: '', side_input_id: this.id, key, window } };
  }

  private async getRaw(key: Buffer, token: Buffer, window?: Buffer): Promise<fnApi.StateGetResponse> {
    const r = await this.send({ state_key: this.stateKey(key, window), get: { continuation_token: token } });
    return r.get as fnApi.StateGetResponse;
  }

  /** The value bytes of `mapKey`: a Buffer, null for a NULL value, undefined when absent. */
  async get(key: Buffer, mapKey: Buffer, window?: Buffer): Promise<Buffer | null | undefined> {
    const data = toBuffer((await this.getRaw(key, Buffer.concat([Buffer.of(GET_FLAG), mapKey]), window)).data);
    switch (data[0]) {
      case EXIST_FLAG:
        return data.subarray(1);
      case IS_NONE_FLAG:
        return null;
      case NOT_EXIST_FLAG:
        return undefined;
      default:
        throw new Error(`unknown map state response flag ${data[0]}`);
    }
  }

  async isEmpty(key: Buffer, window?: Buffer): Promise<boolean> {
    const data = toBuffer((await this.getRaw(key, Buffer.of(CHECK_EMPTY_FLAG), window)).data);
    return data[0] === IS_EMPTY_FLAG;
  }

  /**
   * The entries in batches (`python.map-state.iterate-response-batch-size`): each batch is the
   * concatenated [key][has-value byte][value] (ITEMS/VALUES) or [key] (KEYS) bytes, to be split by
   * the caller's self-delimiting decoders. `finished` is false while the runner holds an iterator.
   */
  async *iterate(key: Buffer, type: IterateType, progress: { finished: boolean }, window?: Buffer): AsyncGenerator<Buffer> {
    let token: Buffer = EMPTY;
    progress.finished = false;
    for (;;) {
      const w = new ByteWriter(16 + token.length);
      w.u8(ITERATE_FLAG);
      w.u8(type);
      w.i32(token.length);
      w.raw(token);
      const r = await this.getRaw(key, w.take(), window);
      token = toBuffer(r.continuation_token);
      if (!token.length) progress.finished = true;
      yield toBuffer(r.data);
      if (!token.length) return;
    }
  }

  /** Applies writes in one request. */
  write(key: Buffer, writes: readonly MapWrite[], window?: Buffer): Promise<unknown> {
    const w = new ByteWriter(64);
    w.i32(writes.length);
    for (const op of writes) {
      const value = 'deleted' in op ? undefined : op.value;
      w.u8(value === undefined ? DELETE : value === null ? SET_NONE : SET_VALUE);
      w.i32(op.key.length);
      w.raw(op.key);
      if (value) {
        w.i32(value.length);
        w.raw(value);
      }
    }
    return this.send({ state_key: this.stateKey(key, window), append: { data: w.take() } });
  }

  clear(key: Buffer, window?: Buffer): Promise<unknown> {
    return this.send({ state_key: this.stateKey(key, window), clear: {} });
  }
}

/** Splits self-delimiting elements with `decode` until the buffer ends. */
export function* elementsOf<T>(data: Buffer, decode: (r: ByteReader) => T): Generator<T> {
  const r = new ByteReader(data);
  while (r.pos < r.end) yield decode(r);
}
