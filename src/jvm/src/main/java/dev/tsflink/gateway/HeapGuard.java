package dev.tsflink.gateway;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tells the interactive session when its heap ran out, whichever thread got the
 * OutOfMemoryError.
 *
 * <p>An OutOfMemoryError is thrown in whatever thread allocates first once a full collection
 * could not make room. When that is the task thread of the job that filled the heap, the job
 * fails and the cell shows why; when it is one of Flink's own threads (RPC, result collection),
 * the job may never reach a final state and the cell would wait for ever. The JVM counts, per
 * memory pool, the collections after which the pool stayed above its collection usage threshold;
 * with the threshold of the old generation near its maximum, that count grows when the heap is
 * exhausted. A heap just short of that (the old generation 92% full, eden full and nowhere to
 * promote it, seen in a test) makes the JVM collect for ever without either an error or a count:
 * the time spent in collections of the old generation tells that one. src/repl/heap-watch.ts reads
 * both and stops an entry that does not end soon after.
 */
public final class HeapGuard {
    private static List<MemoryPoolMXBean> pools;

    private HeapGuard() {}

    /**
     * Sets the thresholds (once) at {@code fraction} of the old generation's maximum, the share still
     * in use after a full collection that counts as exhausted; returns how many pools are watched (0:
     * this collector offers none).
     */
    public static synchronized int install(double fraction) {
        if (pools != null) {
            return pools.size();
        }
        List<MemoryPoolMXBean> watched = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = pool.getName();
            // young pools are emptied (eden) or filled (survivor) by every collection: only the old one tells
            boolean young = name.contains("Eden") || name.contains("Survivor");
            long max = pool.getUsage().getMax();
            if (pool.getType() != MemoryType.HEAP || young || max <= 0 || !pool.isCollectionUsageThresholdSupported()) {
                continue;
            }
            pool.setCollectionUsageThreshold((long) (max * fraction));
            watched.add(pool);
        }
        pools = watched;
        return watched.size();
    }

    /** How many collections so far left the old generation above its threshold. */
    public static long exhaustions() {
        long n = 0;
        for (MemoryPoolMXBean pool : watchedPools()) {
            n += pool.getCollectionUsageThresholdCount();
        }
        return n;
    }

    /** Milliseconds spent so far in collections of the old generation (full collections). */
    public static long fullCollectionMillis() {
        List<String> old = new ArrayList<>();
        for (MemoryPoolMXBean pool : watchedPools()) {
            old.add(pool.getName());
        }
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (Arrays.stream(gc.getMemoryPoolNames()).anyMatch(old::contains)) {
                ms += Math.max(0, gc.getCollectionTime());
            }
        }
        return ms;
    }

    private static synchronized List<MemoryPoolMXBean> watchedPools() {
        return pools == null ? List.of() : pools;
    }
}
