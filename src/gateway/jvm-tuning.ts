/**
 * The collector and heap TSFlink's JVM runs with unless told otherwise (docs/gateway.md § 3). Kept
 * apart from jvm.ts so that tools can read them without loading java-bridge.
 */
export const JVM_TUNING_OPTIONS: readonly string[] = ['-XX:+UseParallelGC', '-Xmx2g'];

/**
 * ParallelGC's GC overhead limit, tightened (JDK defaults: 98% of the time in GC while freeing under
 * 2% of the heap): a job whose state fills the heap then ends in an OutOfMemoryError the session can
 * report (src/repl/fatal.ts) instead of leaving the JVM collecting for minutes with the cell stuck
 * (seen once in CI: a kernel at a full core for 11 minutes in test/kernel-faults.test.ts's
 * heap-exhausting job).
 */
export const GC_OVERHEAD_OPTIONS: readonly string[] = ['-XX:GCTimeLimit=90', '-XX:GCHeapFreeLimit=5'];
