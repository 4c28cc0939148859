/**
 * The collector and heap TSFlink's JVM runs with unless told otherwise (docs/gateway.md § 3). Kept
 * apart from jvm.ts so that tools can read them without loading java-bridge.
 */
export const JVM_TUNING_OPTIONS: readonly string[] = ['-XX:+UseParallelGC', '-Xmx2g'];
