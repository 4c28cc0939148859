/**
 * Configuration presets for TypeScript UDF jobs (Flink's flink-python options, and TSFlink's). Use with
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
  /**
   * Throughput: bundles of up to 100,000 rows (Flink's default before 1.17), so Flink waits for
   * results once per 100,000 rows instead of once per 1000, at the cost of latency (a row waits for
   * its bundle) and memory (the bundle's rows are held until their results are back).
   */
  highThroughput: {
    'python.fn-execution.bundle.size': '100000',
    'python.fn-execution.bundle.time': '1000',
    'python.fn-execution.arrow.batch.size': '10000',
  },
  /**
   * Embedded mode for the environment (`tsflink.udf.execution-mode`): scalar and table UDFs without
   * a `mode` of their own run in a JavaScript runtime inside the TaskManager's task thread, with no
   * bundles and no worker process (docs/embedded.md); other kinds keep their own mode (process
   * mode unless they ask for embedded).
   */
  embedded: {
    'tsflink.udf.execution-mode': 'embedded',
  },
} as const satisfies Record<string, Readonly<Record<string, string>>>;
