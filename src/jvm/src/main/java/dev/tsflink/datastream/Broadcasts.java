package dev.tsflink.datastream;

import dev.tsflink.gateway.GatewayException;
import dev.tsflink.gateway.Handles;
import dev.tsflink.gateway.Json;
import java.util.Base64;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.python.legacy.IdPartitioner;
import org.apache.flink.python.util.PythonConfigUtil;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.python.DataStreamPythonFunction;
import org.apache.flink.streaming.api.functions.python.DataStreamPythonFunctionInfo;
import org.apache.flink.streaming.api.functions.python.PartitionCustomKeySelector;
import org.apache.flink.streaming.api.transformations.python.PythonBroadcastStateTransformation;
import org.apache.flink.streaming.api.transformations.python.PythonKeyedBroadcastStateTransformation;
import org.apache.flink.table.functions.python.PythonEnv;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.types.Row;

/**
 * Broadcast state and custom partitioning for the TS DataStream API, built as PyFlink builds them
 * (pyflink/datastream/data_stream.py): flink-python's PythonBroadcastStateTransformation /
 * PythonKeyedBroadcastStateTransformation (translated in streaming mode to its co-process operators
 * with function type CO_BROADCAST_PROCESS / KEYED_CO_BROADCAST_PROCESS; the worker keeps the
 * broadcast state in Flink's operator broadcast state through the Beam state API), and
 * partitionCustom as a TS map to Row(partition, value), Java's partitionCustom with IdPartitioner,
 * and a map back to the value.
 */
public final class Broadcasts {
    private Broadcasts() {}

    /** flink-fn-execution.proto UserDefinedDataStreamFunction.FunctionType */
    private static final int CO_BROADCAST_PROCESS = 5;
    private static final int KEYED_CO_BROADCAST_PROCESS = 6;

    /**
     * regular.connect(broadcastInput.broadcast(descriptors)).process(fn): the broadcast input gets
     * Flink's broadcast partitioning; the state names become flink-python's byte-map descriptors.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int process(int regular, int broadcastInput, String stateNamesJson, String payloadBase64, String outTypeJson, String name) {
        return GatewayException.guard(() -> {
            DataStream a = Handles.get(regular);
            DataStream b = Handles.get(broadcastInput);
            StreamExecutionEnvironment env = a.getExecutionEnvironment();
            Configuration config = PythonConfigUtil.getEnvironmentConfig(env);
            TypeInformation<Object> out = DataStreams.typeInfo(Json.parse(outTypeJson));
            JsonNode names = Json.parse(stateNamesJson);
            String[] stateNames = new String[names.size()];
            for (int i = 0; i < stateNames.length; i++) stateNames[i] = names.get(i).asText();
            List<MapStateDescriptor<?, ?>> descriptors = (List) PythonConfigUtil.convertStateNamesToStateDescriptors(stateNames);
            boolean keyed = a instanceof KeyedStream;
            DataStreamPythonFunctionInfo info = new DataStreamPythonFunctionInfo(
                    new DataStreamPythonFunction(Base64.getDecoder().decode(payloadBase64), new PythonEnv(PythonEnv.ExecType.PROCESS)),
                    keyed ? KEYED_CO_BROADCAST_PROCESS : CO_BROADCAST_PROCESS);
            Transformation broadcast = b.broadcast().getTransformation();
            Transformation t;
            if (keyed) {
                KeyedStream k = (KeyedStream) a;
                t = new PythonKeyedBroadcastStateTransformation(name, config, info, k.getTransformation(), broadcast, descriptors,
                        k.getKeyType(), k.getKeySelector(), out, env.getParallelism());
            } else {
                t = new PythonBroadcastStateTransformation(name, config, info, a.getTransformation(), broadcast, descriptors, out, env.getParallelism());
            }
            env.addOperator(t);
            return Handles.put(PythonConfigUtil.createSingleOutputStreamOperator(env, t));
        });
    }

    /** Field 1 of Row(partition, value): the record again after the custom partitioning. */
    static final class ValueOfPartitioned implements MapFunction<Row, Object>, ResultTypeQueryable<Object> {
        private static final long serialVersionUID = 1L;
        private final TypeInformation<Object> type;

        ValueOfPartitioned(TypeInformation<Object> type) {
            this.type = type;
        }

        @Override
        public Object map(Row row) {
            return row.getField(1);
        }

        @Override
        public TypeInformation<Object> getProducedType() {
            return type;
        }
    }

    /**
     * partitionCustom on a stream of Row(partition, value) (a TS map named
     * PythonConfigUtil.STREAM_PARTITION_CUSTOM_MAP_OPERATOR_NAME computed the partition; it learns the
     * number of partitions from PythonConfigUtil.setPartitionCustomOperatorNumPartitions): Java sends
     * each record to the subtask of that index and a map drops the index.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int partitionCustom(int stream, String valueTypeJson) {
        return GatewayException.guard(() -> {
            DataStream<Row> s = Handles.get(stream);
            TypeInformation<Object> valueType = DataStreams.typeInfo(Json.parse(valueTypeJson));
            DataStream partitioned = s.partitionCustom(new IdPartitioner(), new PartitionCustomKeySelector());
            return Handles.put(partitioned.map(new ValueOfPartitioned(valueType), valueType).name("Remove-Partition"));
        });
    }

    /** Before a job is submitted: the custom-partitioning maps learn their downstream parallelism. */
    public static void beforeExecute(StreamExecutionEnvironment env) {
        PythonConfigUtil.setPartitionCustomOperatorNumPartitions(env.getTransformations());
    }
}
