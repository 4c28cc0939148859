package dev.tsflink.datastream;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.flink.util.CloseableIterator;

/**
 * A job's collected results, fetched by a thread of their own, so that a batch for Node
 * (DataStreams.next) is the first result and whatever else has already arrived. Asking the
 * iterator's blocking hasNext() for more would hold back the records of an unbounded stream until
 * the batch is full.
 */
final class PrefetchingIterator implements CloseableIterator<Object> {
    private static final Object END = new Object();
    private final CloseableIterator<Object> it;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(10_000);
    private volatile Throwable error;
    private final Thread thread;
    private Object peeked;

    PrefetchingIterator(CloseableIterator<Object> it) {
        this.it = it;
        this.thread = new Thread(() -> {
            try {
                while (it.hasNext()) queue.put(it.next());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                error = t;
            } finally {
                queue.offer(END);
            }
        }, "tsflink-collect");
        thread.setDaemon(true);
        thread.start();
    }

    /** Blocks for the first result; then up to max with those already fetched. null at the end. */
    List<Object> nextBatch(int max) throws Exception {
        Object first = peeked != null ? peeked : queue.take();
        peeked = null;
        if (first == END) {
            peeked = END;
            if (error instanceof Exception) throw (Exception) error;
            if (error != null) throw new RuntimeException(error);
            return null;
        }
        List<Object> out = new ArrayList<>();
        out.add(first);
        while (out.size() < max) {
            Object o = queue.poll();
            if (o == null) break;
            if (o == END) {
                peeked = END;
                break;
            }
            out.add(o);
        }
        return out;
    }

    @Override
    public boolean hasNext() {
        try {
            if (peeked == null) peeked = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return peeked != END;
    }

    @Override
    public Object next() {
        if (!hasNext()) throw new NoSuchElementException();
        Object o = peeked;
        peeked = null;
        return o;
    }

    @Override
    public void close() throws Exception {
        thread.interrupt();
        it.close();
    }
}
