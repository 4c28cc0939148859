/**
 * DISTINCT aggregate calls (`tsSum(DISTINCT v)`), as PyFlink's distinct data views: per key (and
 * per window, in a group window), how many rows carry each argument tuple, in Flink map state
 * `agg<i>distinct`. The aggregate sees a
 * tuple when its first copy enters the group and is retracted when its last copy leaves.
 */
import { serialize } from 'node:v8';
import { ByteReader, ByteWriter } from '../coders/bytes';
import type { MapState } from '../state/keyed-state';

export class DistinctCounts {
  constructor(private readonly counts: MapState) {}

  /** Counts a row's argument tuple in (accumulate) or out; resolves to whether the aggregate sees the row. */
  async admit(keyBytes: Buffer, args: readonly unknown[], accumulate: boolean, window?: Buffer): Promise<boolean> {
    // V8's serialization is deterministic for the SQL values a row holds (primitives, bigint, Date, bytes)
    const tuple = serialize(args);
    const stored = await this.counts.get(keyBytes, tuple, window);
    if (!stored) {
      // a retraction of a tuple never counted (its state expired) reaches the aggregate, as in PyFlink
      if (!accumulate) return true;
    }
    const next = (stored ? new ByteReader(stored).i64Number() : 0) + (accumulate ? 1 : -1);
    const count = new ByteWriter(8);
    count.i64Number(next);
    await this.counts.write(keyBytes, [next > 0 ? { key: tuple, value: count.take() } : { key: tuple, deleted: true }], window);
    return accumulate ? next === 1 : next === 0;
  }

  clear(keyBytes: Buffer, window?: Buffer): Promise<unknown> {
    return this.counts.clear(keyBytes, window);
  }
}
