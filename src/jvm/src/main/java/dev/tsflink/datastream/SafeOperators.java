package dev.tsflink.datastream;

import java.lang.reflect.Field;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.python.DataStreamPythonFunctionInfo;
import org.apache.flink.streaming.api.operators.python.process.AbstractExternalDataStreamPythonFunctionOperator;
import org.apache.flink.streaming.api.operators.python.process.AbstractExternalPythonFunctionOperator;
import org.apache.flink.streaming.api.operators.python.process.ExternalPythonCoProcessOperator;
import org.apache.flink.streaming.api.operators.python.process.ExternalPythonKeyedCoProcessOperator;
import org.apache.flink.streaming.api.operators.python.process.ExternalPythonKeyedProcessOperator;
import org.apache.flink.streaming.api.operators.python.process.ExternalPythonProcessOperator;
import org.apache.flink.types.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * flink-python's DataStream operators with two fixes, as subclasses (flink-python itself stays as
 * it is). PyFlink's DataStream API runs the same Java code and shares both bugs.
 *
 * <p><b>Timers in checkpoints</b> (the keyed operators). A timer the worker sets arrives on a gRPC
 * thread, and flink-python registers it through the task's mailbox (BeamPythonFunctionRunner,
 * "PythonTimerRegistration"). Before a checkpoint, prepareSnapshotPreBarrier finishes the bundle, so
 * the bundle's state writes are in the backend, but the registrations of its timers still wait in
 * the mailbox and run only after the snapshot: the checkpoint has the state and misses the timers.
 * A job restored from it has lost them (found by test/datastream-faults.test.ts: a key's
 * processing-time flush timer never fired again after a restore while its "armed" flag said it was
 * set). flink-python drains those registrations before advancing the watermark, not before a
 * snapshot; these subclasses drain them there too.
 *
 * <p><b>No bundle in flight when an operator closes</b> (all of them). flink-python finishes a
 * bundle on a thread of its own and waits for it in the task thread; a cancelled task is
 * interrupted in that wait and closes its operators while the flush thread still holds the bundle.
 * The operators of one slot share one worker environment, reference-counted per open bundle; the
 * last one to close shuts the environment down, first dropping the cache's reference and then every
 * reference still held. A flush thread that closes its bundle between those two steps takes the
 * count below zero, and the close fails with "Reference count must not be negative" in the task's
 * failure clean-up, which Flink treats as fatal for the TaskManager: a TS function that threw in one
 * task killed the TaskManager running the other (see docs/datastream.md). These subclasses wait for
 * their flush thread before closing, so the environment is shut down with no bundle open.
 */
final class SafeOperators {
    private static final Logger LOG = LoggerFactory.getLogger(SafeOperators.class);
    /** How long a closing operator waits for its bundle: ms normally; a stuck function only delays the cancel by this. */
    private static final long FLUSH_WAIT_SECONDS = 10;
    private static final Field FLUSH_THREAD_POOL = flushThreadPoolField();

    private SafeOperators() {}

    private static Field flushThreadPoolField() {
        try {
            Field f = AbstractExternalPythonFunctionOperator.class.getDeclaredField("flushThreadPool");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("flink-python without AbstractExternalPythonFunctionOperator.flushThreadPool: not the pinned version", e);
        }
    }

    /** Lets the operator's flush thread finish the bundle it holds (if any) before the operator closes. */
    static void awaitFlush(AbstractExternalPythonFunctionOperator<?> op, String name) {
        ExecutorService pool;
        try {
            pool = (ExecutorService) FLUSH_THREAD_POOL.get(op);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        if (pool == null) return;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(FLUSH_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("{}: the worker did not finish its bundle within {} s of the operator's close; closing anyway", name, FLUSH_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class Process<IN, OUT> extends ExternalPythonProcessOperator<IN, OUT> {
        private static final long serialVersionUID = 1L;
        private final TypeInformation<IN> in;

        Process(Configuration config, DataStreamPythonFunctionInfo info, TypeInformation<IN> in, TypeInformation<OUT> out) {
            super(config, info, in, out);
            this.in = in;
        }

        @Override
        public void close() throws Exception {
            awaitFlush(this, getOperatorName());
            super.close();
        }

        // PythonConfigUtil chains Python operators by copying the upstream one: keep this class
        @Override
        public <T> AbstractExternalDataStreamPythonFunctionOperator<T> copy(DataStreamPythonFunctionInfo info, TypeInformation<T> out) {
            return new Process<>(config, info, in, out);
        }
    }

    static final class CoProcess<IN1, IN2, OUT> extends ExternalPythonCoProcessOperator<IN1, IN2, OUT> {
        private static final long serialVersionUID = 1L;
        private final TypeInformation<IN1> in1;
        private final TypeInformation<IN2> in2;

        CoProcess(Configuration config, DataStreamPythonFunctionInfo info, TypeInformation<IN1> in1, TypeInformation<IN2> in2, TypeInformation<OUT> out) {
            super(config, info, in1, in2, out);
            this.in1 = in1;
            this.in2 = in2;
        }

        @Override
        public void close() throws Exception {
            awaitFlush(this, getOperatorName());
            super.close();
        }

        @Override
        public <T> AbstractExternalDataStreamPythonFunctionOperator<T> copy(DataStreamPythonFunctionInfo info, TypeInformation<T> out) {
            return new CoProcess<>(config, info, in1, in2, out);
        }
    }

    static final class KeyedProcess<OUT> extends ExternalPythonKeyedProcessOperator<OUT> {
        private static final long serialVersionUID = 1L;
        private final TypeSerializer<?> namespace;

        KeyedProcess(Configuration config, DataStreamPythonFunctionInfo info, RowTypeInfo in, TypeInformation<OUT> out, TypeSerializer<?> namespace) {
            super(config, info, in, out, namespace);
            this.namespace = namespace;
        }

        KeyedProcess(Configuration config, DataStreamPythonFunctionInfo info, RowTypeInfo in, TypeInformation<OUT> out) {
            this(config, info, in, out, VoidNamespaceSerializer.INSTANCE);
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            super.prepareSnapshotPreBarrier(checkpointId);
            drainUnregisteredTimers();
        }

        @Override
        public void close() throws Exception {
            awaitFlush(this, getOperatorName());
            super.close();
        }

        @Override
        public <T> AbstractExternalDataStreamPythonFunctionOperator<T> copy(DataStreamPythonFunctionInfo info, TypeInformation<T> out) {
            return new KeyedProcess<>(config, info, (RowTypeInfo) (TypeInformation<?>) getInputTypeInfo(), out, namespace);
        }
    }

    static final class KeyedCoProcess<OUT> extends ExternalPythonKeyedCoProcessOperator<OUT> {
        private static final long serialVersionUID = 1L;
        private final TypeInformation<Row> in1;
        private final TypeInformation<Row> in2;

        KeyedCoProcess(Configuration config, DataStreamPythonFunctionInfo info, TypeInformation<Row> in1, TypeInformation<Row> in2, TypeInformation<OUT> out) {
            super(config, info, in1, in2, out);
            this.in1 = in1;
            this.in2 = in2;
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            super.prepareSnapshotPreBarrier(checkpointId);
            drainUnregisteredTimers();
        }

        @Override
        public void close() throws Exception {
            awaitFlush(this, getOperatorName());
            super.close();
        }

        @Override
        public <T> AbstractExternalDataStreamPythonFunctionOperator<T> copy(DataStreamPythonFunctionInfo info, TypeInformation<T> out) {
            return new KeyedCoProcess<>(config, info, in1, in2, out);
        }
    }
}
