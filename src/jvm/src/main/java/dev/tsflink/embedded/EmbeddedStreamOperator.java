package dev.tsflink.embedded;

import com.caoccao.javet.annotations.V8Function;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.callback.IJavetDirectCallable;
import com.caoccao.javet.interop.callback.JavetCallbackContext;
import com.caoccao.javet.interop.callback.JavetCallbackType;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.V8ValueObject;
import com.caoccao.javet.values.reference.V8ValueTypedArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;

/**
 * A TypeScript DataStream function in embedded mode (docs/datastream.md § Embedded mode): map,
 * filter, flatMap, a ProcessFunction, a key selector, and on a KeyedStream also a
 * KeyedProcessFunction and reduce, run in a JS runtime on the task thread instead of flink-python's
 * operator and the Node worker. The semantics are process mode's (datastream-glue.js mirrors the
 * worker's src/worker/operations/datastream.ts); keyed state is Flink's own (heap or RocksDB, in
 * checkpoints and savepoints as any Java operator's), timers Flink's timer service. As in process
 * mode, a keyed operator's records are Row(key, value), keyed by flink-python's KeyByKeySelector
 * (key = Row(key)). {@link OneInput} runs one-input functions, {@link TwoInput} the functions of
 * connected streams (CoMap, CoFlatMap, CoProcess, KeyedCoProcess).
 */
public abstract class EmbeddedStreamOperator extends AbstractStreamOperator<Object> implements Triggerable<Object, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_SAFE = (1L << 53) - 1;

    private final String kind;
    private final ShippedSource shipped;
    /**
     * The record types as DataStreams.typeInfo specs: the inputs' (Row(key, value) when keyed; a
     * JSON array of the two for TwoInput), the output's, the key's (null: not keyed).
     */
    private final String inSpec;
    private final String outSpec;
    private final String keySpec;
    private final TypeInformation<?>[] inTypes;
    private final TypeInformation<Object> outType;
    private final TypeInformation<Object> keyType;
    /** DataStreams.typeInfo, to make a side output's type from its spec. */
    private final SerializableTypes types;

    private transient JsRuntime js;
    private transient V8ValueObject stage;
    private transient V8ValueObject hostObject;
    private transient V8ValueFunction elementFn;
    private transient V8ValueFunction onTimerFn;
    private transient V8ValueFunction takeFn;
    private transient EmbeddedContext context;
    private transient Host host;
    private transient TimestampedCollector<Object> collector;
    private transient InternalTimerService<VoidNamespace> timers;
    /** The timestamp of the record (or event-time timer) being processed; null: none. */
    private transient Long currentTimestamp;
    private transient long lastWatermark;
    private transient boolean nodeEngine;
    /**
     * The types of the records the function gets, per input: on a KeyedStream the value of
     * Row(key, value) alone (the key is the operator's current key, which ctx.getCurrentKey() asks
     * for when wanted).
     */
    private transient TypeInformation<?>[] valueTypes;
    /** A one-input function's value type if it is a ROW of basic fields, passed field by field (elementRow); else null. */
    private transient RowTypeInfo flatRow;
    private transient V8ValueFunction elementRowFn;

    /** Makes a record type from its spec (DataStreams.typeInfo), on the TaskManager too. */
    public interface SerializableTypes extends Function<String, TypeInformation<Object>>, java.io.Serializable {}

    /** @param inSpecs the specs of the inputs' record types: one, or two for TwoInput */
    EmbeddedStreamOperator(String kind, ShippedSource shipped, String[] inSpecs, String outSpec, String keySpec, SerializableTypes types) {
        this.kind = kind;
        this.shipped = shipped;
        this.inSpec = inSpecs.length == 1 ? inSpecs[0] : "[" + String.join(",", inSpecs) + "]";
        this.outSpec = outSpec;
        this.keySpec = keySpec;
        this.types = types;
        this.inTypes = new TypeInformation<?>[inSpecs.length];
        for (int i = 0; i < inSpecs.length; i++) inTypes[i] = types.apply(inSpecs[i]);
        this.outType = types.apply(outSpec);
        this.keyType = keySpec == null ? null : types.apply(keySpec);
    }

    /** A one-input function: map, filter, flatMap, process, keyBy's selector; keyed process and reduce. */
    public static final class OneInput extends EmbeddedStreamOperator implements OneInputStreamOperator<Object, Object> {
        private static final long serialVersionUID = 1L;

        public OneInput(String kind, ShippedSource shipped, String inSpec, String outSpec, String keySpec, SerializableTypes types) {
            super(kind, shipped, new String[] {inSpec}, outSpec, keySpec, types);
        }

        @Override
        public void processElement(StreamRecord<Object> element) throws Exception {
            processRecord(element, 0);
        }
    }

    /** A function of two connected streams: CoMap, CoFlatMap, CoProcess, and on keyed streams KeyedCoProcess too. */
    public static final class TwoInput extends EmbeddedStreamOperator implements TwoInputStreamOperator<Object, Object, Object> {
        private static final long serialVersionUID = 1L;

        public TwoInput(String kind, ShippedSource shipped, String inSpec1, String inSpec2, String outSpec, String keySpec, SerializableTypes types) {
            super(kind, shipped, new String[] {inSpec1, inSpec2}, outSpec, keySpec, types);
        }

        @Override
        public void processElement1(StreamRecord<Object> element) throws Exception {
            processRecord(element, 0);
        }

        @Override
        public void processElement2(StreamRecord<Object> element) throws Exception {
            processRecord(element, 1);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        collector = new TimestampedCollector<>(output);
        lastWatermark = Long.MIN_VALUE;
        if (keySpec != null) timers = getInternalTimerService("tsflink-user-timers", VoidNamespaceSerializer.INSTANCE, this);
        host = new Host(this);
        nodeEngine = shipped.isNodeEngine();
        valueTypes = new TypeInformation<?>[inTypes.length];
        for (int i = 0; i < inTypes.length; i++) valueTypes[i] = keyType == null ? inTypes[i] : ((RowTypeInfo) inTypes[i]).getTypeAt(1);
        flatRow = inTypes.length == 1 ? flatRowOf(valueTypes[0]) : null;
        js = shipped.openRuntime();
        V8Value exported;
        try {
            exported = shipped.load(js);
        } catch (RuntimeException e) {
            throw failOpen(e);
        }
        try (V8ValueFunction make = js.v8().getExecutor(Glue.SOURCE).setResourceName(JsRuntime.GLUE).execute()) {
            hostObject = js.v8().createV8ValueObject();
            hostObject.bind(host);
            host.bindDirectCalls(hostObject, js.v8());
            js.enter();
            try {
                stage = make.call(null, kind, shipped.name, exported, hostObject, inSpec, outSpec, keySpec, nodeEngine);
            } finally {
                js.exit();
                exported.close();
            }
            elementFn = stage.get("element");
            elementRowFn = stage.get("elementRow");
            onTimerFn = stage.get("onTimer");
            takeFn = stage.get("take");
            V8ValueObject[] ctx = new V8ValueObject[1];
            context = EmbeddedContext.bind(js, new FunctionContext(getRuntimeContext()), ctx);
            try (V8ValueFunction open = stage.get("open")) {
                call(open, "open()", ctx[0]);
            } finally {
                ctx[0].close();
            }
        } catch (JavetException e) {
            throw failOpen(js.userError(e, "open()"));
        } catch (RuntimeException e) {
            throw failOpen(e);
        }
        js.allowHeldLock();
    }

    private RuntimeException failOpen(RuntimeException e) {
        try {
            release();
        } catch (RuntimeException ignored) {
            // the open failure is the one to report
        }
        return e;
    }

    /** A record of input `side` (0, or 1 for a TwoInput's second) through the function. */
    void processRecord(StreamRecord<Object> element, int side) {
        collector.setTimestamp(element);
        // Long.MIN_VALUE: no timestamp, as process mode's worker reads it (flink-python's operators
        // emit records without one with it)
        currentTimestamp = element.hasTimestamp() && element.getTimestamp() != Long.MIN_VALUE ? element.getTimestamp() : null;
        Object ts = currentTimestamp == null ? null : (double) currentTimestamp;
        Object record = keyType == null ? element.getValue() : ((Row) element.getValue()).getField(1);
        if (flatRow != null) {
            emit(call(elementRowFn, null, flatRowArguments(ts, (Row) record)));
        } else {
            emit(call(elementFn, null, toJs(record, valueTypes[side]), ts, side));
        }
    }

    /**
     * A ROW of basic fields as the arguments (timestamp, field 0, field 1, ...) of the glue's
     * elementRow, which makes the object: Javet passes primitive arguments in its one native call,
     * where an object is made with a native call per field (measured in docs/datastream.md §
     * Benchmark).
     */
    private Object[] flatRowArguments(Object ts, Row row) {
        String[] names = flatRow.getFieldNames();
        boolean byName = row.getFieldNames(false) != null;
        Object[] args = new Object[names.length + 1];
        args[0] = ts;
        for (int i = 0; i < names.length; i++) {
            Object v = byName ? row.getField(names[i]) : row.getField(i);
            args[i + 1] = basicToJs(v);
        }
        return args;
    }

    /** The record type if it is a ROW of basic fields (strings, booleans, numbers), else null. */
    private static RowTypeInfo flatRowOf(TypeInformation<?> t) {
        if (!(t instanceof RowTypeInfo)) return null;
        RowTypeInfo rt = (RowTypeInfo) t;
        for (int i = 0; i < rt.getArity(); i++) {
            Class<?> c = rt.getTypeAt(i).getTypeClass();
            if (c != String.class && c != Boolean.class && c != Integer.class && c != Long.class && c != Double.class && c != Float.class) return null;
        }
        return rt;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        lastWatermark = mark.getTimestamp();
        super.processWatermark(mark);
    }

    @Override
    public void onEventTime(InternalTimer<Object, VoidNamespace> timer) throws Exception {
        collector.setAbsoluteTimestamp(timer.getTimestamp());
        currentTimestamp = timer.getTimestamp();
        emit(call(onTimerFn, "onTimer()", (double) timer.getTimestamp(), 0));
    }

    @Override
    public void onProcessingTime(InternalTimer<Object, VoidNamespace> timer) throws Exception {
        collector.eraseTimestamp();
        currentTimestamp = null;
        emit(call(onTimerFn, "onTimer()", (double) timer.getTimestamp(), 1));
    }

    private void emit(List<?> results) {
        for (Object r : results) collector.collect(toJava(r, outType));
    }

    /**
     * Calls an entry point of the glue: its results, or, when the user's function returned a
     * Promise, the results it settled with (its continuations have run once the call returned: V8
     * runs microtasks then; the node engine's loop is turned once).
     */
    private List<?> call(V8ValueFunction fn, String method, Object... args) {
        js.enter();
        try {
            Object r = fn.callObject(null, args);
            if (r == null) {
                // V8 ran the call's microtasks as it returned; Node.js runs them in its loop
                if (nodeEngine) js.settle();
                r = takeFn.callObject(null);
            }
            return (List<?>) r;
        } catch (JavetException e) {
            throw js.userError(e, method);
        } finally {
            js.exit();
            if (context != null) context.afterCall(js);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (js != null && js.callableHere() && stage != null) {
                try (V8ValueFunction close = stage.get("close")) {
                    call(close, "close()");
                }
            }
        } finally {
            release();
            super.close();
        }
    }

    /** Ends the runtime and what this operator holds in it. */
    private void release() {
        if (js == null) return;
        if (js.callableHere()) {
            try {
                if (context != null) context.close();
                for (V8Value v : new V8Value[] {elementFn, elementRowFn, onTimerFn, takeFn, stage}) if (v != null) v.close();
                if (hostObject != null) {
                    hostObject.unbind(host);
                    hostObject.close();
                }
            } catch (JavetException ignored) {
                // the runtime goes next anyway
            }
        }
        context = null;
        elementFn = elementRowFn = onTimerFn = takeFn = null;
        stage = hostObject = null;
        js.close();
        js = null;
    }

    // --- values: Flink's records ↔ what Javet converts to and from the JS values process mode gives


    /**
     * A Java record of the type → a value Javet turns into the JS one (datastream-glue.js decodes
     * untyped ones). As in process mode, a LONG (a record, a key or a field) is a number where
     * exact, a bigint beyond 2^53.
     */
    static Object toJs(Object v, TypeInformation<?> t) {
        if (v == null) return null;
        if (v instanceof byte[]) {
            byte[] b = (byte[]) v;
            // untyped values: JSON text, or V8's bytes (its version tag 0xFF, which UTF-8 JSON never starts with)
            return b.length > 0 && b[0] == (byte) 0xFF ? b : new String(b, StandardCharsets.UTF_8);
        }
        if (t instanceof RowTypeInfo) {
            RowTypeInfo rt = (RowTypeInfo) t;
            Row row = (Row) v;
            String[] names = rt.getFieldNames();
            boolean byName = row.getFieldNames(false) != null;
            Map<String, Object> o = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) o.put(names[i], toJs(byName ? row.getField(names[i]) : row.getField(i), rt.getTypeAt(i)));
            return o;
        }
        if (t instanceof TupleTypeInfo) {
            TupleTypeInfo<?> tt = (TupleTypeInfo<?>) t;
            Tuple tuple = (Tuple) v;
            List<Object> a = new ArrayList<>(tt.getArity());
            for (int i = 0; i < tt.getArity(); i++) a.add(toJs(tuple.getField(i), tt.getTypeAt(i)));
            return a;
        }
        return basicToJs(v);
    }

    /** A LONG a number where exact (Javet makes a bigint of a Long), a FLOAT a double, the rest as is. */
    private static Object basicToJs(Object v) {
        if (v instanceof Long) {
            long l = (Long) v;
            return l >= -MAX_SAFE && l <= MAX_SAFE ? (Object) (double) l : v;
        }
        if (v instanceof Float) return ((Float) v).doubleValue();
        return v;
    }

    /** What the glue returned for a value of the type (checked there) → the Java record. */
    static Object toJava(Object v, TypeInformation<?> t) {
        if (v == null) return null;
        if (t.getTypeClass() == byte[].class) return untypedBytes(v); // untyped (PICKLED)
        if (t instanceof RowTypeInfo) {
            RowTypeInfo rt = (RowTypeInfo) t;
            List<?> fields = (List<?>) v;
            Row row = new Row(rt.getArity());
            for (int i = 0; i < rt.getArity(); i++) row.setField(i, toJava(fields.get(i), rt.getTypeAt(i)));
            return row;
        }
        if (t instanceof TupleTypeInfo) {
            TupleTypeInfo<?> tt = (TupleTypeInfo<?>) t;
            List<?> fields = (List<?>) v;
            Tuple tuple = Tuple.newInstance(tt.getArity());
            for (int i = 0; i < tt.getArity(); i++) tuple.setField(toJava(fields.get(i), tt.getTypeAt(i)), i);
            return tuple;
        }
        Class<?> c = t.getTypeClass();
        if (c == Long.class) return v instanceof BigInteger ? ((BigInteger) v).longValueExact() : ((Number) v).longValue();
        if (c == Integer.class) return ((Number) v).intValue();
        if (c == Double.class) return ((Number) v).doubleValue();
        if (c == Float.class) return ((Number) v).floatValue();
        return v; // STRING, BOOLEAN
    }

    /**
     * An untyped value's V8 bytes: a byte[] in results (Javet converts them), a typed array in the
     * arguments of host's methods (passed as they are).
     */
    private static byte[] bytesOf(Object v) {
        if (v instanceof byte[]) return (byte[]) v;
        if (v instanceof V8ValueTypedArray) {
            try {
                return ((V8ValueTypedArray) v).toBytes();
            } catch (JavetException e) {
                throw new IllegalStateException("cannot read an untyped value's bytes", e);
            }
        }
        throw new IllegalArgumentException("expected an untyped value's bytes, got " + v.getClass().getName());
    }

    /** An untyped value's bytes, as records and state keep them: its JSON text in UTF-8, or V8's bytes. */
    private static byte[] untypedBytes(Object v) {
        String json = textOf(v);
        return json != null ? json.getBytes(StandardCharsets.UTF_8) : bytesOf(v);
    }

    /** The JSON text of an untyped value, or null if it is V8's bytes. */
    private static String textOf(Object v) {
        if (v instanceof String) return (String) v;
        if (v instanceof V8ValueString) return ((V8ValueString) v).getValue();
        return null;
    }

    /** A map key as a String (MapState keys need equals/hashCode: byte[] has neither). */
    private static String mapKey(Object k) {
        String json = textOf(k);
        return json != null ? json : "\u0000v8:" + Base64.getEncoder().encodeToString(bytesOf(k));
    }

    /**
     * What the glue's `host` calls: the record's context (key, time, timers, side outputs) and
     * Flink's keyed state, whose values are untyped values' bytes (as process mode's worker
     * writes them).
     */
    public static final class Host {
        private final EmbeddedStreamOperator op;
        private final List<State> states = new ArrayList<>();
        private final Map<String, Integer> stateIds = new HashMap<>();
        private final Map<String, OutputTag<Object>> tags = new HashMap<>();

        Host(EmbeddedStreamOperator op) {
            this.op = op;
        }

        @V8Function(name = "currentWatermark")
        public double currentWatermark() {
            return op.timers != null ? op.timers.currentWatermark() : op.lastWatermark;
        }

        @V8Function(name = "currentProcessingTime")
        public double currentProcessingTime() {
            return op.getProcessingTimeService().getCurrentProcessingTime();
        }

        @V8Function(name = "currentKey")
        public Object currentKey() {
            return toJs(((Row) op.getCurrentKey()).getField(0), op.keyType);
        }

        /** operand: 0/1 register an event-/processing-time timer, 2/3 delete one (as process mode's worker). */
        @V8Function(name = "timer")
        public void timer(int operand, double time) {
            long t = (long) time;
            switch (operand) {
                case 0: op.timers.registerEventTimeTimer(VoidNamespace.INSTANCE, t); break;
                case 1: op.timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, t); break;
                case 2: op.timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, t); break;
                default: op.timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, t); break;
            }
        }

        /** ctx.output(tag, value): as in Java, records for a tag the job does not read are dropped by Flink. */
        @V8Function(name = "sideOutput")
        public void sideOutput(String id, String specJson, Object value) {
            OutputTag<Object> tag = tags.computeIfAbsent(id, k -> new OutputTag<>(k, op.types.apply(specJson)));
            Object v;
            try {
                // a record, as element's results are: through Javet's converter
                v = toJava(value instanceof V8Value ? op.js.v8().toObject((V8Value) value) : value, tag.getTypeInfo());
            } catch (JavetException e) {
                throw new IllegalStateException("cannot read the record sent to side output '" + id + "'", e);
            }
            op.output.collect(tag, op.currentTimestamp == null ? new StreamRecord<>(v) : new StreamRecord<>(v, op.currentTimestamp));
        }

        /** The id of a keyed state ("value", "list" or "map") by name, made on first use with its TTL. */
        @V8Function(name = "state")
        public int state(String kind, String name, String ttlJson) throws IOException {
            String key = kind + "\u0000" + name;
            Integer id = stateIds.get(key);
            if (id != null) return id;
            StateDescriptor<?, ?> d;
            switch (kind) {
                case "value": d = new ValueStateDescriptor<>(name, Types.PRIMITIVE_ARRAY(Types.BYTE)); break;
                case "list": d = new ListStateDescriptor<>(name, Types.PRIMITIVE_ARRAY(Types.BYTE)); break;
                default: d = new MapStateDescriptor<>(name, Types.STRING, Types.PRIMITIVE_ARRAY(Types.BYTE)); break;
            }
            if (ttlJson != null) d.enableTimeToLive(ttl(JSON.readTree(ttlJson)));
            State s;
            if (d instanceof ValueStateDescriptor) s = op.getKeyedStateStore().getState((ValueStateDescriptor<?>) d);
            else if (d instanceof ListStateDescriptor) s = op.getKeyedStateStore().getListState((ListStateDescriptor<?>) d);
            else s = op.getKeyedStateStore().getMapState((MapStateDescriptor<?, ?>) d);
            states.add(s);
            stateIds.put(key, states.size() - 1);
            return states.size() - 1;
        }

        private static StateTtlConfig ttl(JsonNode c) {
            StateTtlConfig.Builder b = StateTtlConfig.newBuilder(Duration.ofMillis(c.get("ttlMs").asLong()))
                    .setUpdateType(StateTtlConfig.UpdateType.valueOf(c.get("updateType").asText()))
                    .setStateVisibility(StateTtlConfig.StateVisibility.valueOf(c.get("stateVisibility").asText()));
            if (!c.get("cleanupInBackground").asBoolean()) b.disableCleanupInBackground();
            return b.build();
        }

        @SuppressWarnings("unchecked")
        private <S> S get(int id) {
            return (S) states.get(id);
        }

        private static Object untyped(byte[] b) {
            return b == null ? null : toJs(b, null);
        }

        /**
         * valueGet(id) and valueSet(id, value), called on every ValueState access (twice per record
         * of a running count), as Javet's direct calls: without the reflection and argument
         * conversion of a bound method's call (docs/datastream.md § Benchmark).
         */
        void bindDirectCalls(V8ValueObject target, V8Runtime rt) throws JavetException {
            IJavetDirectCallable.NoThisAndResult<Exception> get = args -> {
                byte[] b = this.<ValueState<byte[]>>get(args[0].asInt()).value();
                if (b == null) return rt.createV8ValueNull();
                return b.length > 0 && b[0] == (byte) 0xFF ? rt.toV8Value(b) : rt.createV8ValueString(new String(b, StandardCharsets.UTF_8));
            };
            IJavetDirectCallable.NoThisAndNoResult<Exception> set = args -> this.<ValueState<byte[]>>get(args[0].asInt()).update(untypedBytes(args[1]));
            try (V8ValueFunction f = rt.createV8ValueFunction(new JavetCallbackContext("valueGet", JavetCallbackType.DirectCallNoThisAndResult, get))) {
                target.set("valueGet", f);
            }
            try (V8ValueFunction f = rt.createV8ValueFunction(new JavetCallbackContext("valueSet", JavetCallbackType.DirectCallNoThisAndNoResult, set))) {
                target.set("valueSet", f);
            }
        }

        @V8Function(name = "clear")
        public void clear(int id) {
            states.get(id).clear();
        }

        @V8Function(name = "listGet")
        public List<Object> listGet(int id) throws Exception {
            List<Object> out = new ArrayList<>();
            Iterable<byte[]> it = this.<ListState<byte[]>>get(id).get();
            if (it != null) for (byte[] b : it) out.add(untyped(b));
            return out;
        }

        @V8Function(name = "listAdd")
        public void listAdd(int id, Object v) throws Exception {
            this.<ListState<byte[]>>get(id).add(untypedBytes(v));
        }

        @V8Function(name = "mapGet")
        public Object mapGet(int id, Object k) throws Exception {
            return untyped(this.<MapState<String, byte[]>>get(id).get(mapKey(k)));
        }

        @V8Function(name = "mapPut")
        public void mapPut(int id, Object k, Object v) throws Exception {
            this.<MapState<String, byte[]>>get(id).put(mapKey(k), untypedBytes(v));
        }

        @V8Function(name = "mapContains")
        public boolean mapContains(int id, Object k) throws Exception {
            return this.<MapState<String, byte[]>>get(id).contains(mapKey(k));
        }

        @V8Function(name = "mapRemove")
        public void mapRemove(int id, Object k) throws Exception {
            this.<MapState<String, byte[]>>get(id).remove(mapKey(k));
        }

        @V8Function(name = "mapIsEmpty")
        public boolean mapIsEmpty(int id) throws Exception {
            return this.<MapState<String, byte[]>>get(id).isEmpty();
        }
    }

    /** datastream-glue.js, read once per TaskManager (on first use). */
    private static final class Glue {
        static final String SOURCE = JsRuntime.glueScript("datastream-glue.js");
    }
}
