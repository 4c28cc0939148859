package dev.tsflink.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * bench/udf's measuring point, placed after the UDF under test: {@code latency_probe(gen_ns, value)}
 * returns value unchanged and records {@code System.nanoTime() - gen_ns}, where gen_ns was stamped
 * by {@link BidSourceFactory}'s source in the same JVM. Because value is the UDF's result, the probe
 * runs after the UDF (for a Python/TS UDF: after its operator). Once a second it writes its counts
 * as JSON to the file named by the system property {@code tsflink.bench.probe.file}: a file, not a
 * static field, because PyFlink loads this class in a job class loader of its own. Rows within the
 * first {@code tsflink.bench.probe.warmup.ms} milliseconds (default 0) after the first row are not
 * counted: they measure the JIT compiler warming up, not the steady state.
 */
public class LatencyProbe extends ScalarFunction {
    /** Latency buckets of 0.1 ms up to 10 s, the last one catching everything above. */
    private static final int BUCKETS = 100_001;
    private static final long BUCKET_NS = 100_000;
    /** Set once this probe counts (its warm-up is over), for {@link RowCounter}. */
    static final String MEASURING_PROPERTY = "tsflink.bench.probe.measuring";

    private transient long[] histogram;
    private transient long warmupNs;
    private transient long warmupEndNs;
    private transient long count;
    private transient long firstNs;
    private transient long lastNs;
    private transient long lastFlushNs;
    private transient Path file;

    @Override
    public void open(FunctionContext context) {
        histogram = new long[BUCKETS];
        String f = System.getProperty("tsflink.bench.probe.file");
        file = f == null ? null : Path.of(f);
        warmupNs = Long.getLong("tsflink.bench.probe.warmup.ms", 0L) * 1_000_000L;
        warmupEndNs = Long.MIN_VALUE;
    }

    public Double eval(Long genNs, Double value) {
        long now = System.nanoTime();
        if (warmupEndNs == Long.MIN_VALUE) {
            warmupEndNs = now + warmupNs;
        }
        if (now < warmupEndNs) {
            return value;
        }
        if (count == 0) {
            firstNs = now;
            lastFlushNs = now;
            // tells bench/udaf's RowCounter, upstream in the same JVM, that measuring has begun
            System.setProperty(MEASURING_PROPERTY, "true");
        }
        count++;
        lastNs = now;
        long bucket = Math.max(0, (now - genNs) / BUCKET_NS);
        histogram[(int) Math.min(BUCKETS - 1, bucket)]++;
        if (now - lastFlushNs > 1_000_000_000L) {
            lastFlushNs = now;
            flush();
        }
        return value;
    }

    @Override
    public boolean isDeterministic() {
        return false;
    }

    @Override
    public void close() {
        if (histogram != null) {
            flush();
        }
    }

    /** {"count", "seconds" (first to last record), "p50Ms", "p99Ms", "maxMs"}. */
    private void flush() {
        if (file == null || count == 0) {
            return;
        }
        String json = String.format(java.util.Locale.ROOT,
                "{\"count\":%d,\"seconds\":%.3f,\"p50Ms\":%.1f,\"p99Ms\":%.1f,\"maxMs\":%.1f}",
                count, (lastNs - firstNs) / 1e9, quantile(0.5), quantile(0.99), quantile(1.0));
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RuntimeException("latency probe cannot write " + file, e);
        }
    }

    private double quantile(double q) {
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return (i + 1) * BUCKET_NS / 1e6;
            }
        }
        return BUCKETS * BUCKET_NS / 1e6;
    }
}
