/**
 * The collector and heap TSFlink's JVM runs with unless told otherwise (docs/gateway.md § 3). Kept
 * apart from jvm.ts so that tools can read them without loading java-bridge.
 */
export const JVM_TUNING_OPTIONS: readonly string[] = ['-XX:+UseParallelGC', '-Xmx2g'];

/**
 * ParallelGC's GC overhead limit, tightened (JDK defaults: 98% of the time in GC while under 2% of
 * the heap is free after a full collection): more heaps filled by a job's state end in an
 * OutOfMemoryError the session can report (src/repl/fatal.ts). Not all: a JVM can still collect for
 * minutes (docs/gateway.md § 3), which src/repl/heap-watch.ts answers.
 */
export const GC_OVERHEAD_OPTIONS: readonly string[] = ['-XX:GCTimeLimit=90', '-XX:GCHeapFreeLimit=5'];
