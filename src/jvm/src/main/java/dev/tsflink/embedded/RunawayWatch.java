package dev.tsflink.embedded;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops embedded calls that run too long or use too much JavaScript heap. A TypeScript function that never returns would hold its
 * task thread in JNI, where Flink's cancellation cannot reach it (interrupts do not stop V8), until
 * Flink's task cancellation watchdog kills the whole TaskManager. One daemon thread looks at every
 * open runtime a few times a second; a runtime still in the same call after its limit is stopped
 * with V8's {@code TerminateExecution}, which is safe from another thread, and the call fails with
 * a JavetTerminatedException that {@link JsRuntime#userError} words. A runtime with a heap limit
 * of its own is asked for its heap statistics while in a call (V8 answers at the call's next
 * interrupt check) and stopped the same way when over it.
 *
 * <p>The per-row cost is two writes of a volatile counter ({@link JsRuntime#enter}, {@link
 * JsRuntime#exit}); no clock is read on the task thread.
 */
final class RunawayWatch {
    private static final long SCAN_MS = 100;

    /** What the watch saw of a runtime last time: its call counter and since when it has not moved. */
    private static final class Seen {
        long seq = -1;
        long sinceNanos;
        /** A heap statistics request is under way (V8 answers it at the call's next interrupt check). */
        volatile boolean askingHeap;
    }

    private static final Map<JsRuntime, Seen> RUNTIMES = new ConcurrentHashMap<>();
    private static Thread thread;

    private RunawayWatch() {}

    static synchronized void watch(JsRuntime js) {
        RUNTIMES.put(js, new Seen());
        if (thread == null) {
            thread = new Thread(RunawayWatch::scan, "tsflink-embedded-runaway-watch");
            thread.setDaemon(true);
            thread.start();
        }
    }

    static void unwatch(JsRuntime js) {
        RUNTIMES.remove(js);
    }

    private static void scan() {
        while (true) {
            try {
                Thread.sleep(SCAN_MS);
                long now = System.nanoTime();
                RUNTIMES.forEach((js, seen) -> {
                    long seq = js.callSeq();
                    if (seq != seen.seq) {
                        seen.seq = seq;
                        seen.sinceNanos = now;
                    } else if ((seq & 1) == 1 && js.callTimeoutMs() > 0 && now - seen.sinceNanos >= js.callTimeoutMs() * 1_000_000L) {
                        js.terminate("timeout");
                        seen.sinceNanos = now; // once per limit, should the call not end at once
                    }
                    if ((seq & 1) == 1 && js.maxHeapBytes() > 0 && !seen.askingHeap) {
                        seen.askingHeap = true;
                        js.runtimeForStatistics().getV8HeapStatistics().whenComplete((stats, error) -> {
                            seen.askingHeap = false;
                            if (stats != null && stats.getUsedHeapSize() > js.maxHeapBytes()) js.terminate("heap");
                        });
                    }
                });
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                // keep watching: an Error here (an OutOfMemoryError) must not end the watch for every runtime
            }
        }
    }
}
