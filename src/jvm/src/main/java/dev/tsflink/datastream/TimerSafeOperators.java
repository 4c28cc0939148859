package dev.tsflink.datastream;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.python.DataStreamPythonFunctionInfo;
import org.apache.flink.streaming.api.operators.python.process.AbstractExternalDataStreamPythonFunctionOperator;
import org.apache.flink.streaming.api.operators.python.process.ExternalPythonKeyedCoProcessOperator;
import org.apache.flink.streaming.api.operators.python.process.ExternalPythonKeyedProcessOperator;
import org.apache.flink.types.Row;

/**
 * flink-python's keyed operators, with timers in their checkpoints.
 *
 * <p>Why: a timer the worker sets arrives on a gRPC thread, and flink-python registers it through
 * the task's mailbox (BeamPythonFunctionRunner, "PythonTimerRegistration"). Before a checkpoint,
 * prepareSnapshotPreBarrier finishes the bundle, so the bundle's state writes are in the backend,
 * but the registrations of its timers still wait in the mailbox and run only after the snapshot:
 * the checkpoint has the state and misses the timers. A job restored from it has lost them (found
 * by test/datastream-faults.test.ts: a key's processing-time flush timer never fired again after
 * a restore while its "armed" flag said it was set). flink-python drains those registrations before
 * advancing the watermark, not before a snapshot; these subclasses drain them there too.
 * PyFlink's DataStream API runs the same Java code.
 */
final class TimerSafeOperators {
    private TimerSafeOperators() {}

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

        // PythonConfigUtil chains Python operators by copying the upstream one: keep this class
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
        public <T> AbstractExternalDataStreamPythonFunctionOperator<T> copy(DataStreamPythonFunctionInfo info, TypeInformation<T> out) {
            return new KeyedCoProcess<>(config, info, in1, in2, out);
        }
    }
}
