/**
 * Keyed state of the DataStream API (org.apache.flink.api.common.state.*): descriptors name a
 * state; the handles a KeyedProcessFunction gets from its runtime context read and write Flink's
 * keyed state of the current key. Every access is a request to Flink's state backend (through the
 * worker's state client), hence async.
 */
export class ValueStateDescriptor<_T = unknown> {
  readonly kind = 'value';
  constructor(readonly name: string) {}
}

export class ListStateDescriptor<_T = unknown> {
  readonly kind = 'list';
  constructor(readonly name: string) {}
}

export class MapStateDescriptor<_K = unknown, _V = unknown> {
  readonly kind = 'map';
  constructor(readonly name: string) {}
}

export interface ValueState<T> {
  /** The key's value, or null when none was set. */
  value(): Promise<T | null>;
  update(value: T): Promise<void>;
  clear(): Promise<void>;
}

export interface ListState<T> {
  get(): Promise<T[]>;
  add(value: T): Promise<void>;
  update(values: readonly T[]): Promise<void>;
  clear(): Promise<void>;
}

export interface MapState<K, V> {
  get(key: K): Promise<V | undefined>;
  put(key: K, value: V): Promise<void>;
  contains(key: K): Promise<boolean>;
  remove(key: K): Promise<void>;
  isEmpty(): Promise<boolean>;
  clear(): Promise<void>;
}

/** What a keyed function's open(ctx) gets: Flink's RuntimeContext state accessors. */
export interface KeyedRuntimeContext {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  getIndexOfThisSubtask(): number;
  getNumberOfParallelSubtasks(): number;
}
