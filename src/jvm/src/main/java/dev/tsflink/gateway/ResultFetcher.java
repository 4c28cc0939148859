package dev.tsflink.gateway;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Drains a TableResult's row iterator on its own thread into a bounded queue, so Node can take
 * whatever rows are ready in one bridge call (waiting at most a timeout for the first row) and a
 * streaming query never blocks the caller indefinitely. Closing it closes the iterator, which
 * cancels a still-running job.
 */
final class ResultFetcher {
    private static final Object END = new Object();

    private final TableResult result;
    private final CloseableIterator<Row> iterator;
    private final ArrayBlockingQueue<Object> queue;
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean closed;
    private boolean ended;

    ResultFetcher(TableResult result, int capacity) {
        this.result = result;
        this.iterator = result.collect();
        this.queue = new ArrayBlockingQueue<>(Math.max(16, capacity));
        this.thread = new Thread(this::drain, "tsflink-result-fetcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void drain() {
        try {
            while (!closed && iterator.hasNext()) {
                Row row = iterator.next();
                while (!closed && !queue.offer(row, 100, TimeUnit.MILLISECONDS)) {
                    // back-pressure: the consumer is slower than the job
                }
            }
        } catch (Throwable t) {
            if (!closed) {
                failure = t;
            }
        } finally {
            try {
                while (!closed && !queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
                    // wait for room for the end marker
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {"rows": [[kind, ...fields]], "done": bool}; waits up to timeoutMs for the first row. */
    synchronized String fetch(int maxRows, long timeoutMs) throws Exception {
        List<Object> taken = new ArrayList<>();
        if (!ended) {
            Object first = timeoutMs > 0 ? queue.poll(timeoutMs, TimeUnit.MILLISECONDS) : queue.poll();
            if (first != null) {
                taken.add(first);
                queue.drainTo(taken, Math.max(0, maxRows - 1));
            }
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("rows");
            for (Object o : taken) {
                if (o == END) {
                    ended = true;
                } else {
                    RowJson.writeRow(g, (Row) o);
                }
            }
            g.writeEndArray();
            g.writeBooleanField("done", ended);
            g.writeEndObject();
        }
        if (ended && failure != null) {
            Throwable f = failure;
            failure = null;
            throw GatewayException.of(f);
        }
        return out.toString();
    }

    void close() throws Exception {
        if (!ended) {
            JobCancellation.awaitTasksStarted(result); // closing a running job's iterator cancels it
        }
        closed = true;
        thread.interrupt();
        iterator.close();
    }
}
