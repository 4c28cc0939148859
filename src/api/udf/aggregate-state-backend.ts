/**
 * TypeScript (and PyFlink) aggregates keep their state through flink-python's BeamKeyedStateStore,
 * which makes each request's key the backend's current key via RowDataSerializer.toBinaryRow: one
 * reused BinaryRowData. The heap (hashmap) backend keeps that object as the key of every entry it
 * creates, so a checkpoint writes all of them under the last key used, and a job restored from it
 * has lost the other keys' accumulators (measured: docs/udaf.md § Fault tolerance). RocksDB
 * serializes the key on every access and is not affected. So once a TypeScript aggregate exists,
 * every table environment of the process that has not chosen a state backend gets RocksDB.
 */
interface Configurable {
  get(key: string): string | undefined;
  set(key: string, value: string): unknown;
}

const KEY = 'state.backend.type';
const configs: WeakRef<Configurable>[] = [];
let aggregatesInUse = false;

function apply(config: Configurable): void {
  if (config.get(KEY) === undefined) config.set(KEY, 'rocksdb');
}

/** A table environment's configuration, to get the default once aggregates are in use. */
export function trackTableConfig(config: Configurable): void {
  if (aggregatesInUse) apply(config);
  else configs.push(new WeakRef(config));
}

/** A TypeScript aggregate function is about to be used: switch the environments to RocksDB. */
export function useAggregateStateBackend(): void {
  if (aggregatesInUse) return;
  aggregatesInUse = true;
  for (const ref of configs.splice(0)) {
    const c = ref.deref();
    if (c) apply(c);
  }
}
