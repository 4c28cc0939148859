package dev.tsflink.datastream;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateful, committing Sink2 (the JDBC connector's JdbcSink) whose writer's close() does not throw
 * while its task is failing or being cancelled.
 *
 * <p>Why: flink-connector-jdbc 4.0's JdbcWriter.close() flushes the records still buffered and
 * throws "Writing records to JDBC failed." when that fails, which it does again right after a failed
 * batch (the batch stays buffered; e.g. a missing table). Flink closes the operators of a failing
 * task from its exception handler, and an exception there is "FATAL - exception in exception handler
 * of task": it stops the whole TaskManager (in a session, the mini-cluster's only one), and the
 * job's error becomes "The TaskExecutor is shutting down." instead of the database's message. Here
 * close() rethrows only after the writer reached the end of its input without a failure (then the
 * task ends normally and close() is the ordinary path); otherwise it logs the exception: the task's
 * failure is already reported, or the task is being cancelled.
 */
final class CleanupSafeSink<IN> implements Sink<IN>, SupportsWriterState<IN, Object>, SupportsCommitter<Object> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CleanupSafeSink.class);

    private final Sink<IN> sink;

    /** `sink` must be a SupportsWriterState and SupportsCommitter Sink, as JdbcSink is. */
    CleanupSafeSink(Sink<IN> sink) {
        if (!(sink instanceof SupportsWriterState) || !(sink instanceof SupportsCommitter)) {
            throw new IllegalArgumentException(sink.getClass().getName() + " is not a stateful, committing sink");
        }
        this.sink = sink;
    }

    @SuppressWarnings("unchecked")
    private SupportsWriterState<IN, Object> stateful() {
        return (SupportsWriterState<IN, Object>) sink;
    }

    @SuppressWarnings("unchecked")
    private SupportsCommitter<Object> committing() {
        return (SupportsCommitter<Object>) sink;
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(sink.createWriter(context));
    }

    @Override
    public StatefulSinkWriter<IN, Object> restoreWriter(WriterInitContext context, Collection<Object> recoveredState) throws IOException {
        return new Writer<>(stateful().restoreWriter(context, recoveredState));
    }

    @Override
    public SimpleVersionedSerializer<Object> getWriterStateSerializer() {
        return stateful().getWriterStateSerializer();
    }

    @Override
    public Committer<Object> createCommitter(CommitterInitContext context) throws IOException {
        return committing().createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<Object> getCommittableSerializer() {
        return committing().getCommittableSerializer();
    }

    @Override
    public String toString() {
        return sink.toString();
    }

    /** The connector's writer; remembers whether it reached the end of its input without failing. */
    private static final class Writer<IN> implements StatefulSinkWriter<IN, Object>, CommittingSinkWriter<IN, Object> {
        private final SinkWriter<IN> writer;
        private boolean failed;
        private boolean endedNormally;

        Writer(SinkWriter<IN> writer) {
            this.writer = writer;
        }

        /** A call to the writer that marks it failed when it throws. */
        private interface Call<T> {
            T run() throws IOException, InterruptedException;
        }

        private <T> T guarded(Call<T> call) throws IOException, InterruptedException {
            try {
                return call.run();
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void write(IN element, Context context) throws IOException, InterruptedException {
            guarded(() -> {
                writer.write(element, context);
                return null;
            });
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            guarded(() -> {
                writer.flush(endOfInput);
                return null;
            });
            if (endOfInput && !failed) endedNormally = true;
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            guarded(() -> {
                writer.writeWatermark(watermark);
                return null;
            });
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Object> snapshotState(long checkpointId) throws IOException {
            try {
                return guarded(() -> ((StatefulSinkWriter<IN, Object>) writer).snapshotState(checkpointId));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public Collection<Object> prepareCommit() throws IOException, InterruptedException {
            return guarded(() -> ((CommittingSinkWriter<IN, Object>) writer).prepareCommit());
        }

        @Override
        public void close() throws Exception {
            try {
                writer.close();
            } catch (Exception e) {
                if (endedNormally) throw e;
                LOG.warn("Closing the sink writer of a failing or cancelled task failed (not rethrown: Flink would stop the TaskManager)", e);
            }
        }
    }
}
