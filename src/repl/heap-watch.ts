/**
 * Stops an entry that goes on after the session's heap ran out (issue 18: never stuck). When the
 * OutOfMemoryError hits one of Flink's own threads instead of the task that filled the heap, the
 * job may never fail; and a heap just short of exhausted makes the JVM collect for ever without
 * any error. Either way the entry would wait for ever. HeapGuard.java counts the full collections
 * that left the heap exhausted and the time spent in them; this module reads both while an entry
 * runs.
 */
import { callAsync, callSync } from '../gateway/jvm';

const GUARD = 'dev.tsflink.gateway.HeapGuard';

export interface HeapWatchOptions {
  /** Share of the old generation still in use after a full collection that counts as exhausted. */
  fraction: number;
  /** Share of the time between two reads spent in full collections that counts as exhausted. */
  collectingShare: number;
  /** How long an entry may go on after the heap ran out before it is stopped. */
  graceMs: number;
  /** How often the counts are read while an entry runs. */
  pollMs: number;
}

export const DEFAULT_HEAP_WATCH: HeapWatchOptions = { fraction: 0.9, collectingShare: 0.5, graceMs: 20_000, pollMs: 2000 };

/** Why the watch stopped an entry: a full collection left the heap full, or collections took the JVM's time. */
export type HeapExhaustion = 'full' | 'collecting';

interface Reading {
  exhaustions: number;
  fullCollectionMs: number;
  at: number;
}

export class HeapWatch {
  private constructor(readonly options: HeapWatchOptions) {}

  /** Installs the JVM's thresholds; undefined when its collector offers none (nothing to watch then). */
  static install(options: HeapWatchOptions = DEFAULT_HEAP_WATCH): HeapWatch | undefined {
    try {
      return callSync<number>(GUARD, 'install', options.fraction) > 0 ? new HeapWatch(options) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Watches one entry: once the heap ran out after it started and it is still running `graceMs`
   * later, calls `stop` (once). Returns the function that ends the watch when the entry ends.
   */
  watchEntry(stop: (why: HeapExhaustion) => void): () => void {
    let ended = false;
    let reading = false;
    let exhausted: { why: HeapExhaustion; at: number } | undefined;
    // read before the entry runs: its first synchronous statements may fill the heap already
    let last: Reading;
    try {
      last = { exhaustions: Number(callSync<number | bigint>(GUARD, 'exhaustions')), fullCollectionMs: Number(callSync<number | bigint>(GUARD, 'fullCollectionMillis')), at: Date.now() };
    } catch {
      return () => undefined;
    }
    const read = async (): Promise<Reading> => {
      const [exhaustions, fullCollectionMs] = await Promise.all([callAsync<number | bigint>(GUARD, 'exhaustions'), callAsync<number | bigint>(GUARD, 'fullCollectionMillis')]);
      return { exhaustions: Number(exhaustions), fullCollectionMs: Number(fullCollectionMs), at: Date.now() };
    };
    const timer = setInterval(() => {
      // a JVM busy collecting answers slowly: one read at a time
      if (reading) return;
      reading = true;
      read()
        .then((now) => {
          if (ended) return;
          const why: HeapExhaustion | undefined =
            now.exhaustions > last.exhaustions ? 'full' : now.fullCollectionMs - last.fullCollectionMs >= this.options.collectingShare * (now.at - last.at) ? 'collecting' : undefined;
          last = now;
          if (why) exhausted ??= { why, at: now.at };
          if (exhausted === undefined || now.at - exhausted.at < this.options.graceMs) return;
          ended = true;
          clearInterval(timer);
          stop(exhausted.why);
        })
        .catch(() => undefined)
        .finally(() => (reading = false));
    }, this.options.pollMs);
    timer.unref();
    return () => {
      ended = true;
      clearInterval(timer);
    };
  }

  /** The error of an entry it stopped, worded like the JVM's own (src/repl/fatal.ts recognises it). */
  traceback(why: HeapExhaustion): string[] {
    const { fraction, collectingShare, graceMs } = this.options;
    const what =
      why === 'full'
        ? `A full collection left over ${Math.round(fraction * 100)}% of the heap's old generation in use`
        : `The JVM spent over ${Math.round(collectingShare * 100)}% of its time collecting a full heap`;
    return [
      'OutOfMemoryError: Java heap space',
      `${what} while this entry ran, and the entry did not end`,
      `within ${graceMs / 1000} s after that: TSFlink stopped it and cancelled the Flink jobs it started.`,
    ];
  }
}
