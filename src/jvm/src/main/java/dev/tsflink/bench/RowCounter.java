package dev.tsflink.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.BitSet;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * bench/udaf's throughput counter, on the aggregate's input: {@code count_row(auction, price)}
 * returns price unchanged and counts the rows (and the distinct auctions) it sees. An aggregate emits
 * fewer rows than it reads (one update per key and bundle in flink-python's operators), so its input
 * is where rows/s is counted; with backpressure the input runs at the pace of the aggregate. It
 * counts from when {@link LatencyProbe}, after the aggregate, ends its warm-up (a system property:
 * both run in one JVM): the source runs, and fills the network buffers, long before a Python or
 * TypeScript aggregate has started its worker. Once a second {"count", "seconds", "distinctKeys"}
 * goes to the file named by {@code tsflink.bench.counter.file}.
 */
public class RowCounter extends ScalarFunction {
    private transient boolean measuring;
    private transient long seen;
    private transient long count;
    private transient long firstNs;
    private transient long lastNs;
    private transient long lastFlushNs;
    private transient BitSet keys;
    private transient Path file;

    @Override
    public void open(FunctionContext context) {
        String f = System.getProperty("tsflink.bench.counter.file");
        file = f == null ? null : Path.of(f);
        keys = new BitSet();
    }

    public Long eval(Long auction, Long price) {
        long now = System.nanoTime();
        if (auction != null) {
            // all keys, warm-up included: the state holds them all
            keys.set((int) Math.min(Integer.MAX_VALUE, Math.max(0, auction - 1000)));
        }
        if (!measuring) {
            // a property lookup every 1024 rows: cheap, and at most 1024 rows late
            if ((++seen & 1023) != 0 || System.getProperty(LatencyProbe.MEASURING_PROPERTY) == null) {
                return price;
            }
            measuring = true;
        }
        if (count == 0) {
            firstNs = now;
            lastFlushNs = now;
        }
        count++;
        lastNs = now;
        if (now - lastFlushNs > 1_000_000_000L) {
            lastFlushNs = now;
            flush();
        }
        return price;
    }

    @Override
    public boolean isDeterministic() {
        return false;
    }

    @Override
    public void close() {
        if (keys != null) {
            flush();
        }
    }

    private void flush() {
        if (file == null || count == 0) {
            return;
        }
        String json = String.format(java.util.Locale.ROOT, "{\"count\":%d,\"seconds\":%.3f,\"distinctKeys\":%d}",
                count, (lastNs - firstNs) / 1e9, keys.cardinality());
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RuntimeException("row counter cannot write " + file, e);
        }
    }
}
