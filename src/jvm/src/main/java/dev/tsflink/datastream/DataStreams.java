package dev.tsflink.datastream;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import dev.tsflink.embedded.EmbeddedStreamOperator;
import dev.tsflink.embedded.ShippedSource;
import dev.tsflink.gateway.GatewayException;
import dev.tsflink.gateway.Handles;
import dev.tsflink.gateway.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.streaming.api.functions.python.eventtime.CustomTimestampAssigner;
import org.apache.flink.streaming.api.functions.python.eventtime.RemoveTimestampMapFunction;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.python.util.PythonConfigUtil;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.python.DataStreamPythonFunction;
import org.apache.flink.streaming.api.functions.python.DataStreamPythonFunctionInfo;
import org.apache.flink.streaming.api.functions.python.KeyByKeySelector;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.python.process.ExternalPythonKeyedProcessOperator;
import org.apache.flink.streaming.api.operators.python.process.ExternalPythonCoProcessOperator;
import org.apache.flink.streaming.api.operators.python.process.ExternalPythonKeyedCoProcessOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.operators.python.process.ExternalPythonProcessOperator;
import org.apache.flink.streaming.api.typeinfo.python.PickledByteArrayTypeInfo;
import org.apache.flink.table.functions.python.PythonEnv;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * The DataStream API's JVM side: builds the real Java DataStream graph for the TS API
 * (src/api/datastream). TS functions become flink-python's own process operators
 * (ExternalPythonProcessOperator / ExternalPythonKeyedProcessOperator, as PyFlink builds them),
 * carrying the shipped TS function as their opaque payload; the Node worker runs it.
 */
public final class DataStreams {
    private DataStreams() {}

    /** A StreamExecutionEnvironment submitting to the session's cluster (execution.target remote). */
    public static int createEnv(String configJson) {
        return GatewayException.guard(() -> {
            Configuration conf = Configuration.fromMap(Json.stringMap(configJson));
            // not getExecutionEnvironment(conf): outside a client it builds a local env and a second mini-cluster
            return Handles.put(new StreamExecutionEnvironment(conf));
        });
    }

    public static void setParallelism(int env, int parallelism) {
        GatewayException.guard(() -> {
            StreamExecutionEnvironment e = Handles.get(env);
            e.setParallelism(parallelism);
            return null;
        });
    }

    /** name / uid / parallelism of an operator. */
    public static void configure(int stream, String what, String value) {
        GatewayException.guard(() -> {
            SingleOutputStreamOperator<Object> s = Handles.get(stream);
            switch (what) {
                case "name": s.name(value); break;
                case "uid": s.uid(value); break;
                case "parallelism": s.setParallelism(Integer.parseInt(value)); break;
                default: throw new IllegalArgumentException(what);
            }
            return null;
        });
    }

    public static void setRuntimeMode(int env, String mode) {
        GatewayException.guard(() -> {
            StreamExecutionEnvironment e = Handles.get(env);
            e.setRuntimeMode(RuntimeExecutionMode.valueOf(mode));
            return null;
        });
    }

    public static void enableCheckpointing(int env, long intervalMs) {
        GatewayException.guard(() -> {
            StreamExecutionEnvironment e = Handles.get(env);
            e.enableCheckpointing(intervalMs);
            return null;
        });
    }

    public static int fromSequence(int env, long from, long to) {
        return GatewayException.guard(() -> {
            StreamExecutionEnvironment e = Handles.get(env);
            return Handles.put(e.fromSequence(from, to));
        });
    }

    /** A bounded stream of elements given as JSON in the TS encoding (see {@link #decode}). */
    public static int fromData(int env, String typeJson, String valuesJson) {
        return GatewayException.guard(() -> {
            StreamExecutionEnvironment e = Handles.get(env);
            TypeInformation<Object> type = typeInfo(Json.parse(typeJson));
            List<Object> values = new ArrayList<>();
            for (JsonNode v : Json.parse(valuesJson)) values.add(decode(v, type));
            return Handles.put(e.fromData(values, type));
        });
    }

    /**
     * A TS function as flink-python's process operator. functionType is the proto's
     * UserDefinedDataStreamFunction.FunctionType (0 PROCESS, 2 KEYED_PROCESS).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int process(int stream, String payloadBase64, int functionType, String outTypeJson, String name) {
        return GatewayException.guard(() -> {
            DataStream<Object> in = Handles.get(stream);
            StreamExecutionEnvironment env = in.getExecutionEnvironment();
            Configuration config = PythonConfigUtil.getEnvironmentConfig(env);
            TypeInformation<Object> out = typeInfo(Json.parse(outTypeJson));
            DataStreamPythonFunctionInfo info = new DataStreamPythonFunctionInfo(
                    new DataStreamPythonFunction(Base64.getDecoder().decode(payloadBase64), new PythonEnv(PythonEnv.ExecType.PROCESS)),
                    functionType);
            OneInputStreamOperator op;
            if (in instanceof KeyedStream) {
                op = new TimerSafeOperators.KeyedProcess(config, info, (RowTypeInfo) (TypeInformation) in.getType(), out);
            } else {
                op = new ExternalPythonProcessOperator(config, info, in.getType(), out);
            }
            SingleOutputStreamOperator<Object> result = in.transform(name, out, op);
            return Handles.put(result);
        });
    }

    /**
     * A TS function in embedded mode (docs/datastream.md § Embedded mode): TSFlink's own operator
     * running it in a JS runtime on the task thread. `specJson`: kind, name, engine, callTimeoutMs,
     * maxHeapMb, bundledModules, and the record types (inType: Row(key, value) on a KeyedStream,
     * outType, keyType or null); `codeJson`: the shipped code (filename, source, sourceMap).
     */
    public static int embedded(int stream, String specJson, String codeJson) {
        return GatewayException.guard(() -> {
            DataStream<Object> in = Handles.get(stream);
            JsonNode spec = Json.parse(specJson);
            String keyType = in instanceof KeyedStream ? spec.get("keyType").toString() : null;
            EmbeddedStreamOperator.OneInput op = new EmbeddedStreamOperator.OneInput(spec.get("kind").asText(), shippedOf(spec, Json.parse(codeJson)),
                    spec.get("inType").toString(), spec.get("outType").toString(), keyType, EMBEDDED_TYPES);
            return Handles.put(in.transform(spec.get("name").asText(), typeInfo(spec.get("outType")), op));
        });
    }

    /** A TS function of two connected streams in embedded mode: as embedded(), inType the two inputs' types. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int embeddedCo(int first, int second, String specJson, String codeJson) {
        return GatewayException.guard(() -> {
            DataStream a = Handles.get(first);
            DataStream b = Handles.get(second);
            JsonNode spec = Json.parse(specJson);
            String keyType = a instanceof KeyedStream && b instanceof KeyedStream ? spec.get("keyType").toString() : null;
            EmbeddedStreamOperator.TwoInput op = new EmbeddedStreamOperator.TwoInput(spec.get("kind").asText(), shippedOf(spec, Json.parse(codeJson)),
                    spec.get("inType").get(0).toString(), spec.get("inType").get(1).toString(), spec.get("outType").toString(), keyType, EMBEDDED_TYPES);
            return Handles.put(a.connect(b).transform(spec.get("name").asText(), typeInfo(spec.get("outType")), op));
        });
    }

    /** Record types from their specs, for the embedded operators (serializable: they make them on the TaskManager). */
    private static final EmbeddedStreamOperator.SerializableTypes EMBEDDED_TYPES = t -> typeInfo(Json.parse(t));

    private static ShippedSource shippedOf(JsonNode spec, JsonNode code) {
        Map<String, String> modules = new LinkedHashMap<>();
        spec.path("bundledModules").fields().forEachRemaining(e -> modules.put(e.getKey(), e.getValue().asText()));
        return new ShippedSource(spec.get("name").asText(), code.get("filename").asText(), code.get("source").asText(),
                code.hasNonNull("sourceMap") ? code.get("sourceMap").asText() : null, spec.get("engine").asText(), spec.path("callTimeoutMs").asLong(0),
                spec.path("maxHeapMb").asLong(0), modules);
    }

    /**
     * A TS window function (flink-fn-execution.proto WINDOW = 4) as PyFlink builds it: the keyed
     * operator with the window namespace serializer, so the worker's window operator keeps its
     * window contents and timers in Flink under the window as namespace ("time": start and end
     * longs, "global": GlobalWindow's one byte).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int window(int stream, String payloadBase64, String namespace, String outTypeJson, String name) {
        return GatewayException.guard(() -> {
            DataStream<Object> in = Handles.get(stream);
            if (!(in instanceof KeyedStream)) throw new IllegalArgumentException("windows need a keyed stream");
            Configuration config = PythonConfigUtil.getEnvironmentConfig(in.getExecutionEnvironment());
            TypeInformation<Object> out = typeInfo(Json.parse(outTypeJson));
            DataStreamPythonFunctionInfo info = new DataStreamPythonFunctionInfo(
                    new DataStreamPythonFunction(Base64.getDecoder().decode(payloadBase64), new PythonEnv(PythonEnv.ExecType.PROCESS)),
                    4);
            TypeSerializer ns;
            switch (namespace) {
                case "time": ns = new org.apache.flink.table.runtime.operators.window.TimeWindow.Serializer(); break;
                case "global": ns = new GlobalWindow.Serializer(); break;
                default: throw new IllegalArgumentException("unknown window namespace '" + namespace + "'");
            }
            OneInputStreamOperator op = new TimerSafeOperators.KeyedProcess(config, info, (RowTypeInfo) (TypeInformation) in.getType(), out, ns);
            return Handles.put(in.transform(name, out, op));
        });
    }

    /**
     * assignTimestampsAndWatermarks as PyFlink does it with a user's timestamp assigner: the stream
     * carries Tuple2(value, timestamp) (a TS process function extracted it), Java's strategy takes
     * the timestamp from field 1 (CustomTimestampAssigner), and a map drops it again. Without a TS
     * assigner (custom false) the strategy applies to the stream as it is.
     * strategy: {"kind": "monotonous" | "bounded" | "none", "maxOutOfOrdernessMs", "idlenessMs", "custom"}.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int assignTimestampsAndWatermarks(int stream, String strategyJson, String valueTypeJson) {
        return GatewayException.guard(() -> {
            DataStream in = Handles.get(stream);
            JsonNode spec = Json.parse(strategyJson);
            WatermarkStrategy strategy;
            switch (spec.get("kind").asText()) {
                case "monotonous": strategy = WatermarkStrategy.forMonotonousTimestamps(); break;
                case "bounded": strategy = WatermarkStrategy.forBoundedOutOfOrderness(ms(spec.get("maxOutOfOrdernessMs").asLong())); break;
                case "none": strategy = WatermarkStrategy.noWatermarks(); break;
                default: throw new IllegalArgumentException("unknown watermark strategy " + spec);
            }
            if (spec.hasNonNull("idlenessMs")) strategy = strategy.withIdleness(ms(spec.get("idlenessMs").asLong()));
            if (!spec.get("custom").asBoolean()) {
                return Handles.put(in.assignTimestampsAndWatermarks(strategy));
            }
            TypeInformation<Object> valueType = typeInfo(Json.parse(valueTypeJson));
            SingleOutputStreamOperator withTs = in.assignTimestampsAndWatermarks(strategy.withTimestampAssigner(new CustomTimestampAssigner<>()));
            SingleOutputStreamOperator result = withTs.map(new RemoveTimestampMapFunction<>(), valueType);
            result.name("Remove-Timestamp");
            return Handles.put(result);
        });
    }

    /**
     * connect + a TS co-function as PyFlink builds it: flink-python's co-process operator
     * (CO_PROCESS = 1), or its keyed one (KEYED_CO_PROCESS = 3) when both inputs are keyed. The worker
     * gets Row(timestamp, watermark, Row(isLeft, left, right)).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int coProcess(int first, int second, String payloadBase64, String outTypeJson, String name) {
        return GatewayException.guard(() -> {
            DataStream a = Handles.get(first);
            DataStream b = Handles.get(second);
            boolean keyed = a instanceof KeyedStream && b instanceof KeyedStream;
            Configuration config = PythonConfigUtil.getEnvironmentConfig(a.getExecutionEnvironment());
            TypeInformation<Object> out = typeInfo(Json.parse(outTypeJson));
            DataStreamPythonFunctionInfo info = new DataStreamPythonFunctionInfo(
                    new DataStreamPythonFunction(Base64.getDecoder().decode(payloadBase64), new PythonEnv(PythonEnv.ExecType.PROCESS)),
                    keyed ? 3 : 1);
            TwoInputStreamOperator op = keyed
                    ? new TimerSafeOperators.KeyedCoProcess(config, info, (RowTypeInfo) a.getType(), (RowTypeInfo) b.getType(), out)
                    : new ExternalPythonCoProcessOperator(config, info, a.getType(), b.getType(), out);
            return Handles.put(a.connect(b).transform(name, out, op));
        });
    }

    /**
     * keyBy as PyFlink does it: the stream already carries Row(key, value) (a TS map added the key);
     * the Java key is field 0 wrapped in a Row of the key type, which the keyed operator expects.
     */
    public static int keyBy(int stream, String keyTypeJson) {
        return GatewayException.guard(() -> {
            DataStream<Row> in = Handles.get(stream);
            TypeInformation<Object> keyType = typeInfo(Json.parse(keyTypeJson));
            return Handles.put(in.keyBy(new KeyByKeySelector(), Types.ROW(keyType)));
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int union(int stream, int other) {
        return GatewayException.guard(() -> {
            DataStream a = Handles.get(stream);
            DataStream b = Handles.get(other);
            return Handles.put(a.union(b));
        });
    }

    /** Flink's physical partitioning of a stream's records among the next operator's subtasks. */
    public static int partition(int stream, String how) {
        return GatewayException.guard(() -> {
            DataStream<Object> s = Handles.get(stream);
            DataStream<Object> out;
            switch (how) {
                case "rebalance": out = s.rebalance(); break;
                case "shuffle": out = s.shuffle(); break;
                case "rescale": out = s.rescale(); break;
                case "broadcast": out = s.broadcast(); break;
                case "forward": out = s.forward(); break;
                case "global": out = s.global(); break;
                default: throw new IllegalArgumentException("unknown partitioning '" + how + "'");
            }
            return Handles.put(out);
        });
    }

    /**
     * The records a TS function sent to the tag (ctx.output). PythonConfigUtil.configPythonOperator
     * registers the tag on the Python operator, which then asks the worker for a side output.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int sideOutput(int stream, String tagId, String typeJson) {
        return GatewayException.guard(() -> {
            SingleOutputStreamOperator s = Handles.get(stream);
            TypeInformation<Object> type = typeInfo(Json.parse(typeJson));
            return Handles.put(s.getSideOutput(new org.apache.flink.util.OutputTag<Object>(tagId, type)));
        });
    }

    public static void print(int stream) {
        GatewayException.guard(() -> {
            DataStream<Object> s = Handles.get(stream);
            s.print();
            return null;
        });
    }

    /** Submits the job and returns a handle of the iterator over its results (may block). */
    public static int collect(int stream, String jobName) {
        return GatewayException.guard(() -> {
            DataStream<Object> s = Handles.get(stream);
            StreamExecutionEnvironment env = s.getExecutionEnvironment();
            // executeAndCollect, in steps: the collect sink first, so that configPythonOperator sees the
            // whole graph (a side output read here becomes a tag of its Python operator)
            CloseableIterator<Object> it = s.collectAsync();
            Broadcasts.beforeExecute(env);
            PythonConfigUtil.configPythonOperator(env);
            env.executeAsync(jobName);
            return Handles.put(new PrefetchingIterator(it));
        });
    }

    /** Up to max next results as a JSON array (blocks for the first); null at the end. */
    public static String next(int iterator, int max) {
        return GatewayException.guard(() -> {
            CloseableIterator<Object> it = Handles.get(iterator);
            if (it instanceof PrefetchingIterator) {
                List<Object> batch = ((PrefetchingIterator) it).nextBatch(max);
                if (batch == null) return null;
                List<Object> encoded = new ArrayList<>();
                for (Object o : batch) encoded.add(encode(o));
                return Json.write(encoded);
            }
            List<Object> out = new ArrayList<>();
            if (!it.hasNext()) return null;
            do {
                out.add(encode(it.next()));
            } while (out.size() < max && it.hasNext() && out.size() < max);
            return Json.write(out);
        });
    }

    public static void closeIterator(int iterator) {
        GatewayException.guard(() -> {
            CloseableIterator<Object> it = Handles.get(iterator);
            Handles.release(iterator);
            it.close();
            return null;
        });
    }

    /** Runs the env's job to its end: {"jobId", "netRuntimeMs"}. */
    public static String execute(int env, String jobName) {
        return GatewayException.guard(() -> {
            StreamExecutionEnvironment e = Handles.get(env);
            Broadcasts.beforeExecute(e);
            PythonConfigUtil.configPythonOperator(e);
            JobExecutionResult r = e.execute(jobName);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("jobId", r.getJobID().toHexString());
            out.put("netRuntimeMs", r.getNetRuntime());
            return Json.write(out);
        });
    }

    public static String executionPlan(int env) {
        return GatewayException.guard(() -> ((StreamExecutionEnvironment) Handles.get(env)).getExecutionPlan());
    }

    /** Type specs of the TS Types API: a name, or {"row": [[name, spec], ...]}. */
    @SuppressWarnings("unchecked")
    static <T> TypeInformation<T> typeInfo(JsonNode spec) {
        if (spec.isObject() && spec.has("tuple")) {
            List<TypeInformation<?>> types = new ArrayList<>();
            for (JsonNode f : spec.get("tuple")) types.add(typeInfo(f));
            return (TypeInformation<T>) Types.TUPLE(types.toArray(new TypeInformation<?>[0]));
        }
        if (spec.isObject() && spec.has("row")) {
            List<String> names = new ArrayList<>();
            List<TypeInformation<?>> types = new ArrayList<>();
            for (JsonNode f : spec.get("row")) {
                names.add(f.get(0).asText());
                types.add(typeInfo(f.get(1)));
            }
            return (TypeInformation<T>) Types.ROW_NAMED(names.toArray(new String[0]), types.toArray(new TypeInformation<?>[0]));
        }
        String name = spec.asText();
        TypeInformation<?> t;
        switch (name) {
            case "STRING": t = Types.STRING; break;
            case "BOOLEAN": t = Types.BOOLEAN; break;
            case "INT": t = Types.INT; break;
            case "LONG": t = Types.LONG; break;
            case "DOUBLE": t = Types.DOUBLE; break;
            case "FLOAT": t = Types.FLOAT; break;
            case "PICKLED": t = PickledByteArrayTypeInfo.PICKLED_BYTE_ARRAY_TYPE_INFO; break;
            default: throw new IllegalArgumentException("unknown DataStream type '" + name + "'");
        }
        return (TypeInformation<T>) t;
    }

    /** JSON → a Java value of the type: byte[] as base64 text, rows as arrays. */
    static Object decode(JsonNode v, TypeInformation<?> type) {
        if (v == null || v.isNull()) return null;
        if (type instanceof PickledByteArrayTypeInfo) return Base64.getDecoder().decode(v.asText());
        if (type instanceof RowTypeInfo) {
            RowTypeInfo rt = (RowTypeInfo) type;
            Row row = new Row(rt.getArity());
            for (int i = 0; i < rt.getArity(); i++) row.setField(i, decode(v.get(i), rt.getTypeAt(i)));
            return row;
        }
        Class<?> c = type.getTypeClass();
        if (c == String.class) return v.asText();
        if (c == Boolean.class) return v.asBoolean();
        if (c == Integer.class) return v.asInt();
        if (c == Long.class) return v.asLong();
        if (c == Double.class) return v.asDouble();
        if (c == Float.class) return (float) v.asDouble();
        throw new IllegalArgumentException("cannot convert " + v + " to " + type);
    }

    /** A Java result → JSON for Node: byte[] as {"b": base64}, rows as {"r": [...]}. */
    static Object encode(Object v) {
        if (v instanceof byte[]) return Map.of("b", Base64.getEncoder().encodeToString((byte[]) v));
        if (v instanceof Tuple) {
            Tuple t = (Tuple) v;
            List<Object> fields = new ArrayList<>();
            for (int i = 0; i < t.getArity(); i++) fields.add(encode(t.getField(i)));
            return Map.of("r", fields);
        }
        if (v instanceof Row) {
            Row r = (Row) v;
            List<Object> fields = new ArrayList<>();
            for (int i = 0; i < r.getArity(); i++) fields.add(encode(r.getField(i)));
            // the RowKind (a table's changelog), as its byte value (0 +I, 1 -U, 2 +U, 3 -D)
            if (r.getKind() != org.apache.flink.types.RowKind.INSERT) return Map.of("r", fields, "k", (int) r.getKind().toByteValue());
            return Map.of("r", fields);
        }
        return v;
    }

    static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }
}
