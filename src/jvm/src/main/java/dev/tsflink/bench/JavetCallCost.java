package dev.tsflink.bench;

import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Locker;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueFunction;

/**
 * bench/embedded's diagnostic: what one call from Java into V8 costs, without Flink. Three ways of
 * running the same trivial JS function over N rows, in one JVM, alternated over rounds so load
 * changes hit all three alike:
 * <ul>
 *   <li>per-call lock: one argument-less call per row, Javet taking V8's lock on each call;
 *   <li>held lock: the same calls with the lock held around them. EmbeddedScalarFunction cannot do
 *       this: Flink may call eval on one thread (a legacy source's, when chained to it) and close on
 *       another, and a V8 lock can only be released by the thread that took it;
 *   <li>batched: one call per 1000 rows, the JS side looping (what batching across JNI would give).
 * </ul>
 * Prints one line per way: {@code way<TAB>median ns per row}.
 */
public final class JavetCallCost {
    private static final int ROWS = 1_000_000;
    private static final int BATCH = 1000;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        try (V8Runtime rt = V8Host.getV8Instance().createV8Runtime();
                V8ValueFunction perRow = rt.getExecutor("(() => { let x = 0; return () => { x = (x * 2 + 1) % 1e9; }; })()").execute();
                V8ValueFunction perBatch = rt.getExecutor("(() => { let x = 0; return (n) => { for (let i = 0; i < n; i++) x = (x * 2 + 1) % 1e9; }; })()").execute()) {
            double[][] ns = new double[3][rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < ROWS; i++) perRow.callVoid(null);
                long t1 = System.nanoTime();
                try (V8Locker ignored = rt.getV8Locker()) {
                    for (int i = 0; i < ROWS; i++) perRow.callVoid(null);
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < ROWS; i += BATCH) perBatch.callVoid(null, BATCH);
                long t3 = System.nanoTime();
                ns[0][r] = (t1 - t0) / (double) ROWS;
                ns[1][r] = (t2 - t1) / (double) ROWS;
                ns[2][r] = (t3 - t2) / (double) ROWS;
            }
            // the first round warms the JIT up: left out
            System.out.printf("per-call lock\t%.1f%n", median(ns[0], 1));
            System.out.printf("held lock\t%.1f%n", median(ns[1], 1));
            System.out.printf("batched (%d rows per call)\t%.1f%n", BATCH, median(ns[2], 1));
        }
    }

    private static double median(double[] xs, int skip) {
        double[] s = java.util.Arrays.copyOfRange(xs, skip, xs.length);
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
