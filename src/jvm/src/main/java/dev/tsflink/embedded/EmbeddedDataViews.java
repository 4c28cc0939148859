package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.callback.IJavetDirectCallable;
import com.caoccao.javet.interop.callback.JavetCallbackContext;
import com.caoccao.javet.interop.callback.JavetCallbackType;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.dataview.DataView;
import org.apache.flink.table.api.dataview.ListView;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.types.CollectionDataType;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.KeyValueDataType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.StructuredType;
import org.apache.flink.types.Row;

/**
 * The ListView and MapView fields of an embedded aggregate's accumulator. The planner sees them as
 * Flink's own data view types (UdfSpec), so a streaming aggregate backs them with Flink's list and
 * map state of the current key (StateListView/StateMapView, set into the accumulator Row before each
 * call) and batch mode with in-memory ones, exactly as for a Java AggregateFunction: no entry is
 * kept in the JavaScript heap between calls. The JS objects the user's methods see (GLUE) have
 * process mode's API (src/api/udf/functions.ts: writes synchronous, reads Promises, iteration
 * AsyncIterables) and call into this object for each operation; they address a view by a handle:
 * slot * views + j for data view j of the accumulator in slot 0 (the one being updated) or slot i
 * (the i-th of merge()'s others). Iterations hand over their elements in chunks, so a view of a
 * million entries is never whole in either heap.
 */
final class EmbeddedDataViews implements IJavetDirectCallable, AutoCloseable {
    private static final int CHUNK = 256;

    /** Writes a log of this many entries holds before the JS side has it applied (flush). */
    private static final int LOG = 64;
    private static final int PUT = 0, PUT_NULL = 1, REMOVE = 2, CLEAR = 3, ADD = 4;

    /**
     * (raw, kinds, types, names, udaf, ab) => handle => the JS view for that handle (made once, then
     * reused). kinds[j]: 'm'/'l' for a map/list view whose values go through Javet's converter, 'M'/'L'
     * for one of numbers and booleans only, which uses the buffer {@code ab} shared with the JVM: a
     * get() puts its key in slot 0 and finds the value in slot 1 after the call; writes (put, remove,
     * add, clear) go to a log in the buffer that the JVM applies before any read and after the call,
     * so they cost no JNI crossing of their own. types[j]: [key or element, value] type codes (Z
     * boolean, B/S/I the integers, J bigint, D float/double).
     */
    private static final String GLUE = "(raw, kinds, types, names, udaf, ab) => {"
            + " const u8 = (x) => x instanceof Int8Array ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : x;"
            + " const chunks = async function* (id, pairs) { for (;;) { const c = raw.next(id); if (c.length === 0) return;"
            + "  if (pairs) for (let i = 0; i < c.length; i += 2) yield [u8(c[i]), u8(c[i + 1])]; else for (const x of c) yield u8(x); } };"
            + " class MapView { constructor(h) { this.h = h; }"
            + "  async get(k) { return u8(raw.get(this.h, k)); }"
            + "  put(k, v) { raw.put(this.h, k, v === undefined ? null : v); }"
            + "  putAll(entries) { for (const [k, v] of entries) this.put(k, v); }"
            + "  remove(k) { raw.remove(this.h, k); }"
            + "  async contains(k) { return raw.contains(this.h, k); }"
            + "  entries() { return chunks(raw.iterate(this.h, 0), true); }"
            + "  keys() { return chunks(raw.iterate(this.h, 1), false); }"
            + "  values() { return chunks(raw.iterate(this.h, 2), false); }"
            + "  async isEmpty() { return raw.isEmpty(this.h); }"
            + "  clear() { raw.clear(this.h); } }"
            + " class ListView { constructor(h) { this.h = h; }"
            + "  get() { return chunks(raw.iterate(this.h, 3), false); }"
            + "  add(v) { raw.add(this.h, v); }"
            + "  addAll(values) { for (const v of values) this.add(v); }"
            + "  clear() { raw.clear(this.h); } }"
            // the buffered views: 8-byte slots (0: a get's key, 1: its value, then key and value of each log entry),
            // a flag byte per slot (1: NULL), then the log's length and per entry its view handle and operation
            + " const SLOTS = " + (2 + 2 * LOG) + ", d = new Float64Array(ab, 0, SLOTS), l = new BigInt64Array(ab, 0, SLOTS), z = new Uint8Array(ab, 8 * SLOTS, SLOTS);"
            + " const ops = new Int32Array(ab, " + intsOffset() + ", " + (2 + 2 * LOG) + "), GET = " + (1 + 2 * LOG) + ";"
            + " const show = (v) => v === null ? 'null' : typeof v === 'string' ? `string '${v}'` : `${typeof v} ${String(v)}`;"
            + " const NAMES = { Z: 'BOOLEAN', B: 'TINYINT', S: 'SMALLINT', I: 'INT', J: 'BIGINT', D: 'DOUBLE' };"
            + " const RANGE = { B: 127, S: 32767, I: 2147483647 };"
            + " const put8 = (t, v, i, what, j) => { z[i] = 0;"
            + "  if (t === 'J') { if (typeof v === 'bigint' && BigInt.asIntN(64, v) === v) { l[i] = v; return; } if (Number.isSafeInteger(v)) { l[i] = BigInt(v); return; } }"
            + "  else if (t === 'D') { if (typeof v === 'number') { d[i] = v; return; } }"
            + "  else if (t === 'Z') { if (typeof v === 'boolean') { d[i] = v ? 1 : 0; return; } }"
            + "  else if (Number.isInteger(v) && v >= -RANGE[t] - 1 && v <= RANGE[t]) { d[i] = v; return; }"
            + "  throw new TypeError(`TypeScript UDAF '${udaf}': a ${what} '${names[j]}': expected ${NAMES[t]}, got ${show(v)}`); };"
            + " const get8 = (t, i) => t === 'J' ? l[i] : t === 'Z' ? d[i] !== 0 : d[i];"
            // the slots of the next log entry (a full log is applied first), then the entry itself
            + " const next = () => { if (ops[0] === " + LOG + ") raw.flush(); return 2 + 2 * ops[0]; };"
            + " const log = (h, op) => { const n = ops[0]; ops[1 + 2 * n] = h; ops[2 + 2 * n] = op; ops[0] = n + 1; };"
            + " const noNull = (k, msg) => { if (k === null || k === undefined) throw new TypeError(msg); };"
            + " class BufferedMapView extends MapView { constructor(h, t) { super(h); this.t = t; }"
            + "  async get(k) { noNull(k, 'a MapView key cannot be null'); put8(this.t[0], k, 0, 'key of MapView', this.j); ops[GET] = this.h; raw.get8(); return z[1] ? null : get8(this.t[1], 1); }"
            + "  put(k, v) { noNull(k, 'a MapView key cannot be null'); const s = next(); put8(this.t[0], k, s, 'key of MapView', this.j);"
            + "   if (v === null || v === undefined) { log(this.h, " + PUT_NULL + "); return; } put8(this.t[1], v, s + 1, 'value of MapView', this.j); log(this.h, " + PUT + "); }"
            + "  remove(k) { noNull(k, 'a MapView key cannot be null'); put8(this.t[0], k, next(), 'key of MapView', this.j); log(this.h, " + REMOVE + "); }"
            + "  clear() { next(); log(this.h, " + CLEAR + "); } }"
            + " class BufferedListView extends ListView { constructor(h, t) { super(h); this.t = t; }"
            + "  add(v) { noNull(v, 'a ListView cannot hold null elements'); put8(this.t[0], v, next(), 'element of ListView', this.j); log(this.h, " + ADD + "); }"
            + "  clear() { next(); log(this.h, " + CLEAR + "); } }"
            + " const made = [];"
            + " return (h) => { if (made[h]) return made[h]; const j = h % kinds.length, k = kinds[j];"
            + "  const v = k === 'M' ? new BufferedMapView(h, types[j]) : k === 'L' ? new BufferedListView(h, types[j]) : k === 'm' ? new MapView(h) : new ListView(h);"
            + "  v.j = j; return made[h] = v; }; }";

    private final String udaf;
    /** The accumulator field index of view j. */
    final int[] fieldIndex;
    private final String[] fieldName;
    private final boolean[] isMap;
    /** A MapView's key type, a ListView's element type. */
    private final DataType[] keyTypes;
    private final DataType[] valueTypes;
    private final List<DataView> handles = new ArrayList<>();
    private final List<Iterator<?>> iterators = new ArrayList<>();
    /** Per iteration: the view (j) and what it iterates. */
    private final List<int[]> iterating = new ArrayList<>();
    private final JavetCallbackContext[] callbacks;
    /** Per view: numbers and booleans only, so it goes through {@link #buf} (GLUE's 'M'/'L'). */
    private final boolean[] buffered;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(intsOffset() + 4 * (2 + 2 * LOG)).order(ByteOrder.nativeOrder());

    private JsRuntime js;
    private V8ValueObject raw;
    private V8ValueFunction views;

    /** The data view fields among an accumulator's fields, or null when it has none. */
    static EmbeddedDataViews of(String udaf, String[] accFields, DataType[] accTypes) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < accTypes.length; i++) if (kindOf(accTypes[i]) != null) found.add(i);
        return found.isEmpty() ? null : new EmbeddedDataViews(udaf, accFields, accTypes, found);
    }

    /** MapView.class or ListView.class for Flink's data view types (MapView.newMapViewDataType), else null. */
    static Class<?> kindOf(DataType t) {
        if (!t.getLogicalType().is(LogicalTypeRoot.STRUCTURED_TYPE)) return null;
        Class<?> c = ((StructuredType) t.getLogicalType()).getImplementationClass().orElse(null);
        return c == MapView.class || c == ListView.class ? c : null;
    }

    private EmbeddedDataViews(String udaf, String[] accFields, DataType[] accTypes, List<Integer> found) {
        this.udaf = udaf;
        int k = found.size();
        fieldIndex = new int[k];
        fieldName = new String[k];
        isMap = new boolean[k];
        keyTypes = new DataType[k];
        valueTypes = new DataType[k];
        for (int j = 0; j < k; j++) {
            int i = found.get(j);
            fieldIndex[j] = i;
            fieldName[j] = accFields[i];
            isMap[j] = kindOf(accTypes[i]) == MapView.class;
            // the data view types wrap a MAP (key, value) or an ARRAY (element) in their one field
            DataType inner = accTypes[i].getChildren().get(0);
            if (isMap[j]) {
                keyTypes[j] = ((KeyValueDataType) inner).getKeyDataType();
                valueTypes[j] = ((KeyValueDataType) inner).getValueDataType();
                JsValues.requireSupported(udaf, valueTypes[j]);
            } else {
                keyTypes[j] = ((CollectionDataType) inner).getElementDataType();
            }
            JsValues.requireSupported(udaf, keyTypes[j]);
        }
        buffered = new boolean[k];
        for (int j = 0; j < k; j++) buffered[j] = PrimitiveCall.primitive(keyTypes[j]) && (!isMap[j] || PrimitiveCall.primitive(valueTypes[j]));
        callbacks = new JavetCallbackContext[] {
            noResult("get8", a -> get8()),
            noResult("flush", a -> applyLog()),
            result("get", a -> {
                Object v = map(a[0]).get(key(a));
                return v == null ? null : JsValues.toJs(v, valueTypes[view(a[0])]);
            }),
            result("contains", a -> map(a[0]).contains(key(a))),
            result("isEmpty", a -> map(a[0]).isEmpty()),
            result("iterate", a -> iterate(a)),
            result("next", a -> next(a)),
            noResult("put", a -> map(a[0]).put(key(a), value(a))),
            noResult("remove", a -> map(a[0]).remove(key(a))),
            noResult("add", a -> list(a[0]).add(element(a))),
            noResult("clear", a -> handle(a[0]).clear()),
        };
    }

    /** Builds the JS side in the function's runtime: call before the first {@link #view}. */
    void open(JsRuntime js) throws JavetException {
        this.js = js;
        raw = js.v8().createV8ValueObject();
        raw.bind(this);
        List<String> kinds = new ArrayList<>();
        List<List<String>> types = new ArrayList<>();
        for (int j = 0; j < isMap.length; j++) {
            String kind = isMap[j] ? "m" : "l";
            kinds.add(buffered[j] ? kind.toUpperCase() : kind);
            types.add(buffered[j] ? List.of(typeCode(keyTypes[j]), isMap[j] ? typeCode(valueTypes[j]) : "") : List.of());
        }
        try (V8ValueFunction make = js.v8().getExecutor(GLUE).setResourceName(JsRuntime.GLUE).execute();
                V8ValueArrayBuffer ab = js.v8().createV8ValueArrayBuffer(buf)) {
            views = make.call(null, raw, kinds, types, Arrays.asList(fieldName), udaf, ab);
        }
    }

    /** The JS function handle → view, for the aggregate's glue. */
    V8ValueFunction views() {
        return views;
    }

    int count() {
        return fieldIndex.length;
    }

    /** The accumulator in {@code slot} gets handles slot * count() + j (its views from now until the call ends). */
    void bind(int slot, Row acc) {
        int base = slot * fieldIndex.length;
        while (handles.size() < base + fieldIndex.length) handles.add(null);
        for (int j = 0; j < fieldIndex.length; j++) {
            Object view = acc.getField(fieldIndex[j]);
            if (view == null) {
                // a fresh accumulator (createAccumulator's Row before Flink backs it with state)
                view = isMap[j] ? new MapView<>() : new ListView<>();
                acc.setField(fieldIndex[j], view);
            }
            handles.set(base + j, (DataView) view);
        }
    }

    /** New, empty views for a new accumulator (Flink replaces them with its state-backed ones in streaming). */
    void fresh(Row acc) {
        for (int j = 0; j < fieldIndex.length; j++) acc.setField(fieldIndex[j], isMap[j] ? new MapView<>() : new ListView<>());
    }

    private static int intsOffset() {
        int slots = 2 + 2 * LOG;
        return (9 * slots + 3) & ~3;
    }

    /** GLUE's type code of a number or boolean type. */
    private static String typeCode(DataType t) {
        switch (t.getLogicalType().getTypeRoot()) {
            case BOOLEAN:
                return "Z";
            case TINYINT:
                return "B";
            case SMALLINT:
                return "S";
            case INTEGER:
                return "I";
            case BIGINT:
                return "J";
            default:
                return "D";
        }
    }

    /** A buffered view's get(): its handle after the log, the key in slot 0, the value (or its NULL flag) into slot 1. */
    @SuppressWarnings("unchecked")
    private void get8() throws Exception {
        int h = buf.getInt(intsOffset() + 4 * (1 + 2 * LOG));
        int j = h % fieldIndex.length;
        Object v = ((MapView<Object, Object>) handle(h)).get(PrimitiveCall.get(buf, 0, keyTypes[j]));
        PrimitiveCall.put(buf, SLOT_FLAGS, 1, valueTypes[j], v);
    }

    private static final int SLOT_FLAGS = 8 * (2 + 2 * LOG);

    /** Applies the buffered views' logged writes, in order, and empties the log. */
    @SuppressWarnings("unchecked")
    private void applyLog() throws Exception {
        int ints = intsOffset();
        int n = buf.getInt(ints);
        for (int e = 0; e < n; e++) {
            int h = buf.getInt(ints + 4 * (1 + 2 * e));
            int op = buf.getInt(ints + 4 * (2 + 2 * e));
            DataView v = handle(h);
            int j = h % fieldIndex.length;
            int slot = 2 + 2 * e;
            switch (op) {
                case PUT:
                    ((MapView<Object, Object>) v).put(PrimitiveCall.get(buf, slot, keyTypes[j]), PrimitiveCall.get(buf, slot + 1, valueTypes[j]));
                    break;
                case PUT_NULL:
                    ((MapView<Object, Object>) v).put(PrimitiveCall.get(buf, slot, keyTypes[j]), null);
                    break;
                case REMOVE:
                    ((MapView<Object, Object>) v).remove(PrimitiveCall.get(buf, slot, keyTypes[j]));
                    break;
                case CLEAR:
                    v.clear();
                    break;
                default:
                    ((ListView<Object>) v).add(PrimitiveCall.get(buf, slot, keyTypes[j]));
                    break;
            }
        }
        buf.putInt(ints, 0);
    }

    /**
     * After each call: its logged writes applied (unless it failed: the job fails then, and its state
     * is restored from a checkpoint), and the views and iterations it used no longer reachable from JS.
     */
    void endCall(boolean succeeded) throws Exception {
        try {
            if (succeeded) applyLog();
        } finally {
            buf.putInt(intsOffset(), 0);
            forget();
        }
    }

    private void forget() {
        for (int i = 0; i < handles.size(); i++) handles.set(i, null);
        iterators.clear();
        iterating.clear();
    }

    /** Begins an iteration (0: a map's entries, 1: its keys, 2: its values, 3: a list's elements); returns its id. */
    private Object iterate(V8Value[] a) throws Exception {
        DataView v = handle(a[0]);
        int what = ((Number) js.v8().toObject(a[1])).intValue();
        Iterator<?> it;
        if (what == 3) it = ((ListView<?>) v).get().iterator();
        else if (what == 0) it = ((MapView<?, ?>) v).entries().iterator();
        else if (what == 1) it = ((MapView<?, ?>) v).keys().iterator();
        else it = ((MapView<?, ?>) v).values().iterator();
        iterators.add(it);
        iterating.add(new int[] {view(a[0]), what});
        return iterators.size() - 1;
    }

    /** The next chunk of an iteration as JS values (entries flattened to key, value, key, value), empty at its end. */
    private Object next(V8Value[] a) throws Exception {
        int id = ((Number) js.v8().toObject(a[0])).intValue();
        if (id >= iterators.size()) {
            throw new IllegalStateException("TypeScript UDAF '" + udaf + "': a ListView/MapView iteration was continued after the call that began it ended");
        }
        Iterator<?> it = iterators.get(id);
        int j = iterating.get(id)[0];
        int what = iterating.get(id)[1];
        List<Object> out = new ArrayList<>();
        for (int n = 0; n < CHUNK && it.hasNext(); n++) {
            Object x = it.next();
            if (what == 0) {
                Map.Entry<?, ?> e = (Map.Entry<?, ?>) x;
                out.add(JsValues.toJs(e.getKey(), keyTypes[j]));
                out.add(e.getValue() == null ? null : JsValues.toJs(e.getValue(), valueTypes[j]));
            } else if (what == 2) {
                out.add(x == null ? null : JsValues.toJs(x, valueTypes[j]));
            } else {
                out.add(JsValues.toJs(x, keyTypes[j]));
            }
        }
        return out;
    }

    private DataView handle(V8Value h) throws JavetException {
        return handle(((Number) js.v8().toObject(h)).intValue());
    }

    private DataView handle(int i) {
        DataView v = i < handles.size() ? handles.get(i) : null;
        if (v == null) {
            throw new IllegalStateException("TypeScript UDAF '" + udaf + "': a ListView/MapView was used after the call it belongs to ended"
                    + " (kept in a variable outside the accumulator?)");
        }
        return v;
    }

    private int view(V8Value h) throws JavetException {
        return ((Number) js.v8().toObject(h)).intValue() % fieldIndex.length;
    }

    @SuppressWarnings("unchecked")
    private MapView<Object, Object> map(V8Value h) throws JavetException {
        return (MapView<Object, Object>) handle(h);
    }

    @SuppressWarnings("unchecked")
    private ListView<Object> list(V8Value h) throws JavetException {
        return (ListView<Object>) handle(h);
    }

    private Object key(V8Value[] a) throws JavetException {
        int j = view(a[0]);
        Object k = js.v8().toObject(a[1]);
        if (k == null) throw new IllegalArgumentException("a MapView key cannot be null");
        return convert(k, keyTypes[j], "key of MapView '" + fieldName[j] + "'");
    }

    private Object value(V8Value[] a) throws JavetException {
        int j = view(a[0]);
        Object v = js.v8().toObject(a[2]);
        return v == null ? null : convert(v, valueTypes[j], "value of MapView '" + fieldName[j] + "'");
    }

    private Object element(V8Value[] a) throws JavetException {
        int j = view(a[0]);
        Object v = js.v8().toObject(a[1]);
        if (v == null) throw new IllegalArgumentException("a ListView cannot hold null elements");
        return convert(v, keyTypes[j], "element of ListView '" + fieldName[j] + "'");
    }

    private Object convert(Object v, DataType t, String what) {
        try {
            return JsValues.fromJs(v, t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TypeScript UDAF '" + udaf + "': a " + what + ": " + e.getMessage());
        }
    }

    private interface Op {
        Object apply(V8Value[] args) throws Exception;
    }

    private interface VoidOp {
        void apply(V8Value[] args) throws Exception;
    }

    private JavetCallbackContext result(String name, Op op) {
        return new JavetCallbackContext(name, JavetCallbackType.DirectCallNoThisAndResult,
                (IJavetDirectCallable.NoThisAndResult<Exception>) args -> {
                    applyLog(); // the buffered views' writes come first
                    return js.v8().toV8Value(op.apply(args));
                });
    }

    private JavetCallbackContext noResult(String name, VoidOp op) {
        return new JavetCallbackContext(name, JavetCallbackType.DirectCallNoThisAndNoResult,
                (IJavetDirectCallable.NoThisAndNoResult<Exception>) args -> {
                    applyLog(); // the buffered views' writes come first
                    op.apply(args);
                });
    }

    @Override
    public JavetCallbackContext[] getCallbackContexts() {
        return callbacks;
    }

    @Override
    public void close() throws JavetException {
        forget();
        try {
            if (views != null) views.close();
            if (raw != null) {
                raw.unbind(this);
                raw.close();
            }
        } finally {
            views = null;
            raw = null;
        }
    }
}
