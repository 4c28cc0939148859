/**
 * Configuration presets for TypeScript UDF jobs (Flink's flink-python options). Use with
 * `tEnv.getConfig().set(...)` per entry, or spread into `Session.start({ config })`.
 */
export const UdfPresets = {
  /**
   * Interactive use: rows pass the UDF worker one at a time instead of waiting for a bundle of 1000
   * rows or 1 s, so results appear at once (at some throughput cost).
   */
  lowLatency: {
    'python.fn-execution.bundle.size': '1',
    'python.fn-execution.bundle.time': '1',
    'python.fn-execution.arrow.batch.size': '1',
  },
  /** Throughput: larger bundles (fewer round trips between Flink and the worker). */
  highThroughput: {
    'python.fn-execution.bundle.size': '10000',
    'python.fn-execution.bundle.time': '2000',
  },
} as const satisfies Record<string, Readonly<Record<string, string>>>;
