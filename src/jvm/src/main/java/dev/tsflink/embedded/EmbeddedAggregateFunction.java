package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.AggregateFunction;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Row;

/**
 * A TypeScript aggregate function (udaf) in embedded mode: a plain Flink {@link AggregateFunction},
 * so the planner runs it in its own aggregate operators (streaming GROUP BY, group windows, and
 * batch mode too) and keeps each key's accumulator in Flink's state as a Row of the declared ROW
 * accumulator type, with no Python operator, no state requests to a worker, no second process.
 * Each call hands the accumulator's fields to the runtime, where GLUE makes the plain object the
 * user's methods see (as process mode's worker does), and takes the fields back after the call: the
 * one JNI crossing per row. Data views (ListView/MapView fields) need process mode.
 */
public class EmbeddedAggregateFunction extends AggregateFunction<Object, Row> {
    private static final long serialVersionUID = 1L;

    /**
     * What a method returns instead of its result when that is a Promise: the Promise settles in the
     * microtasks that run when the call returns (V8 runs them then; Node.js on {@link JsRuntime#settle}),
     * and {@code outcome()} gives its result then.
     */
    static final String PENDING = "\u0000tsflink:pending";

    /**
     * Builds the per-method entry points over the user's object, the accumulator's field names and
     * its data views (views: handle => the JS ListView/MapView, viewAt: field index => view j or -1).
     */
    private static final String GLUE = "(target, fields, name, views, viewAt, PENDING) => {"
            // BYTES arrive as the Int8Array Javet makes of a byte[]; process mode gives Uint8Array
            + " const u8 = (x) => x instanceof Int8Array ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : x;"
            + " const k = viewAt.filter((j) => j >= 0).length;"
            + " const obj = (a, slot) => { const o = {}; for (let i = 0; i < fields.length; i++)"
            + "   o[fields[i]] = viewAt[i] >= 0 ? views(slot * k + viewAt[i]) : u8(a[i]); return o; };"
            + " const show = (v) => v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;"
            // data view fields stay where they are (in Flink state): null in their place
            + " const arr = (o, what) => { if (o === null || typeof o !== 'object' || Array.isArray(o))"
            + "   throw new TypeError(`${what} must be an object with the accumulator's fields (${fields.join(', ')}), got ${show(o)}`);"
            + "   return fields.map((f, i) => viewAt[i] >= 0 || o[f] === undefined ? null : o[f]); };"
            + " let outcome;"
            + " const settle = (r, then) => { if (!(r instanceof Promise)) return then(r); outcome = undefined;"
            + "   r.then((v) => { try { outcome = { ok: true, value: then(v) }; } catch (e) { outcome = { ok: false, error: e }; } },"
            + "    (e) => { outcome = { ok: false, error: e }; });"
            + "   return PENDING; };"
            + " const need = (m, why) => { if (typeof target[m] !== 'function') throw new TypeError(`TypeScript UDAF '${name}' has no ${m}()"
            + " method, which ${why}`); };"
            + " const created = () => { const c = target.createAccumulator(); if (c instanceof Promise) throw new TypeError("
            + "   'createAccumulator() returned a Promise: it must return the accumulator itself'); return arr(c, 'createAccumulator()\\'s result'); };"
            + " return {"
            + "  create: created,"
            + "  accumulate: (a, ...args) => { const o = obj(a, 0); return settle(target.accumulate(o, ...args.map(u8)), () => arr(o, 'the accumulator')); },"
            + "  retract: (a, ...args) => { need('retract', 'this query needs: its input is an updating table (an aggregate over an aggregate, a join)');"
            + "   const o = obj(a, 0); return settle(target.retract(o, ...args.map(u8)), () => arr(o, 'the accumulator')); },"
            + "  merge: (a, others) => { need('merge', 'this query needs to combine accumulators');"
            + "   const o = obj(a, 0); return settle(target.merge(o, others.map((x, i) => obj(x, i + 1))), () => arr(o, 'the accumulator')); },"
            + "  getValue: (a) => settle(target.getValue(obj(a, 0)), (v) => v),"
            + "  reset: (a) => { const o = obj(a, 0);"
            + "   if (typeof target.resetAccumulator === 'function') return settle(target.resetAccumulator(o), () => arr(o, 'the accumulator'));"
            + "   for (let i = 0; i < fields.length; i++) if (viewAt[i] >= 0) o[fields[i]].clear();"
            + "   return created(); },"
            + "  outcome: () => { if (outcome === undefined) return PENDING; const r = outcome; outcome = undefined; if (!r.ok) throw r.error; return r.value; },"
            + " }; }";

    /** The hidden fields' names. */
    private static final String KEPT_VALUE = "__tsflink_kept_value";
    private static final String KEPT_VALID = "__tsflink_kept_value_current";

    private final EmbeddedCode code;
    private final DataType[] inputTypes;
    private final DataType resultType;
    private final DataType accumulatorType;
    /**
     * What Flink keeps: the accumulator's fields, and for the shared-buffer path two hidden ones
     * after them, the last result and whether it is current (PrimitiveAggregateCall).
     */
    private final DataType storedType;
    private final String[] accFields;
    private final DataType[] accTypes;
    private final boolean deterministic;

    private transient JsRuntime js;
    private transient V8ValueFunction create;
    private transient V8ValueFunction accumulate;
    private transient V8ValueFunction retract;
    private transient V8ValueFunction merge;
    private transient V8ValueFunction getValue;
    private transient V8ValueFunction reset;
    private transient V8ValueFunction outcome;
    /** numbers and booleans only: the shared-buffer path for accumulate, retract and getValue */
    private transient PrimitiveAggregateCall fast;
    /** The ListView/MapView fields, or null */
    private transient EmbeddedDataViews views;

    public EmbeddedAggregateFunction(String name, String filename, String source, String sourceMap, String engine, DataType[] inputTypes,
            DataType resultType, DataType accumulatorType, boolean deterministic, long callTimeoutMs, long maxHeapMb, java.util.Map<String, String> modules) {
        for (DataType t : inputTypes) JsValues.requireSupported(name, t);
        JsValues.requireSupported(name, resultType);
        if (!accumulatorType.getLogicalType().is(LogicalTypeRoot.ROW)) {
            throw new IllegalArgumentException("TypeScript UDAF '" + name + "': embedded mode keeps ROW accumulators (an object with fields), not "
                    + accumulatorType.getLogicalType().asSummaryString() + "; use process mode");
        }
        accFields = DataType.getFieldNames(accumulatorType).toArray(new String[0]);
        accTypes = DataType.getFieldDataTypes(accumulatorType).toArray(new DataType[0]);
        for (int i = 0; i < accTypes.length; i++) {
            if (EmbeddedDataViews.kindOf(accTypes[i]) == null) JsValues.requireSupported(name, accTypes[i]);
        }
        EmbeddedDataViews.of(name, accFields, accTypes); // refuses view types it cannot convert, here on the client
        this.code = new EmbeddedCode(name, "object", null, filename, source, sourceMap, engine, callTimeoutMs, maxHeapMb, modules);
        this.inputTypes = inputTypes;
        this.resultType = resultType;
        this.accumulatorType = accumulatorType;
        if (PrimitiveAggregateCall.applies(inputTypes, accTypes, resultType)) {
            List<DataTypes.Field> stored = new ArrayList<>();
            for (int i = 0; i < accFields.length; i++) stored.add(DataTypes.FIELD(accFields[i], accTypes[i]));
            stored.add(DataTypes.FIELD(KEPT_VALUE, resultType.nullable()));
            stored.add(DataTypes.FIELD(KEPT_VALID, DataTypes.BOOLEAN()));
            storedType = DataTypes.ROW(stored.toArray(new DataTypes.Field[0]));
        } else {
            storedType = accumulatorType;
        }
        this.deterministic = deterministic;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return EmbeddedCode.typeInference(inputTypes, storedType, resultType);
    }

    @Override
    public boolean isDeterministic() {
        return deterministic;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        code.open(context, inputTypes);
        js = code.js();
        views = EmbeddedDataViews.of(code.name, accFields, accTypes);
        List<Integer> viewAt = new ArrayList<>();
        for (int i = 0; i < accFields.length; i++) viewAt.add(-1);
        try {
            if (views != null) {
                views.open(js);
                for (int j = 0; j < views.count(); j++) viewAt.set(views.fieldIndex[j], j);
            }
        } catch (JavetException e) {
            close();
            throw new IllegalStateException("TypeScript UDAF '" + code.name + "': cannot set up its data views: " + e.getMessage(), e);
        }
        try (V8ValueFunction make = js.v8().getExecutor(GLUE).setResourceName(JsRuntime.GLUE).execute();
                V8ValueObject methods = make.call(null, code.target(), Arrays.asList(accFields), code.name, views == null ? null : views.views(), viewAt, PENDING)) {
            outcome = methods.get("outcome");
            create = methods.get("create");
            accumulate = methods.get("accumulate");
            retract = methods.get("retract");
            merge = methods.get("merge");
            getValue = methods.get("getValue");
            reset = methods.get("reset");
            if (PrimitiveAggregateCall.applies(inputTypes, accTypes, resultType)) {
                fast = new PrimitiveAggregateCall(js, code.target(), code.name, accumulatorType.getLogicalType().asSummaryString(), accFields, accTypes,
                        inputTypes, resultType, views);
            }
        } catch (JavetException e) {
            close();
            throw new IllegalStateException("TypeScript UDAF '" + code.name + "': cannot set up the embedded call path: " + e.getMessage(), e);
        }
    }

    @Override
    public Row createAccumulator() {
        Row acc = Row.withPositions(DataType.getFieldCount(storedType));
        store(acc, call(create, "createAccumulator()"));
        if (views != null) views.fresh(acc);
        return acc;
    }

    // Fixed-arity overloads first, as in EmbeddedScalarFunction: a single ARRAY argument is no varargs array.
    public void accumulate(Row acc) {
        update(false, acc, new Object[0]);
    }

    public void accumulate(Row acc, Object a) {
        update(false, acc, new Object[] {a});
    }

    public void accumulate(Row acc, Object a, Object b) {
        update(false, acc, new Object[] {a, b});
    }

    public void accumulate(Row acc, Object a, Object b, Object c) {
        update(false, acc, new Object[] {a, b, c});
    }

    public void accumulate(Row acc, Object... args) {
        update(false, acc, args.clone());
    }

    public void retract(Row acc) {
        update(true, acc, new Object[0]);
    }

    public void retract(Row acc, Object a) {
        update(true, acc, new Object[] {a});
    }

    public void retract(Row acc, Object a, Object b) {
        update(true, acc, new Object[] {a, b});
    }

    public void retract(Row acc, Object a, Object b, Object c) {
        update(true, acc, new Object[] {a, b, c});
    }

    public void retract(Row acc, Object... args) {
        update(true, acc, args.clone());
    }

    /** Folds {@code others} into {@code acc} with the user's merge(): only {@link Merging} offers it to the planner. */
    final void mergeAll(Row acc, Iterable<Row> others) {
        if (fast != null) fast.stale(acc);
        List<Object> jsOthers = new ArrayList<>();
        int slot = 0;
        if (views != null) views.bind(slot, acc);
        for (Row other : others) {
            if (views != null) views.bind(++slot, other);
            jsOthers.add(fields(other));
        }
        store(acc, call(merge, "merge()", fields(acc), jsOthers));
    }

    @Override
    public Object getValue(Row acc) {
        if (views != null) views.bind(0, acc);
        if (fast != null) {
            boolean ok = false;
            js.enter();
            try {
                Object value = fast.getValue(acc);
                ok = true;
                return value;
            } catch (JavetException e) {
                throw js.userError(e, "getValue()");
            } finally {
                js.exit();
                endViews(ok, "getValue()");
                code.afterCall();
            }
        }
        Object result = call(getValue, "getValue()", fields(acc));
        try {
            return JsValues.fromJs(result, resultType);
        } catch (IllegalArgumentException e) {
            throw new JsRuntime.UdfException("TypeScript UDAF '" + code.name + "' produced a value that does not match its result type: " + e.getMessage());
        }
    }

    public void resetAccumulator(Row acc) {
        if (fast != null) fast.stale(acc);
        if (views != null) views.bind(0, acc);
        store(acc, call(reset, "resetAccumulator()", fields(acc)));
    }

    private void update(boolean retracting, Row acc, Object[] args) {
        String what = retracting ? "retract()" : "accumulate()";
        if (views != null) views.bind(0, acc);
        if (fast != null) {
            boolean ok = false;
            js.enter();
            try {
                if (retracting) fast.retract(acc, args);
                else fast.accumulate(acc, args);
                ok = true;
            } catch (JavetException e) {
                throw js.userError(e, what);
            } finally {
                js.exit();
                endViews(ok, what);
            }
            code.afterCall();
            return;
        }
        V8ValueFunction method = retracting ? retract : accumulate;
        Object[] jsArgs = new Object[args.length + 1];
        jsArgs[0] = fields(acc);
        for (int i = 0; i < args.length; i++) jsArgs[i + 1] = JsValues.toJs(args[i], inputTypes[i]);
        store(acc, call(method, what, jsArgs));
    }

    /** The accumulator's fields as the JS values of their types. */
    private List<Object> fields(Row acc) {
        List<Object> out = new ArrayList<>(accFields.length);
        for (int i = 0; i < accFields.length; i++) out.add(isView(i) ? null : JsValues.toJs(acc.getField(i), accTypes[i]));
        return out;
    }

    /** Writes the fields the JS side gave back into the accumulator Flink holds (accumulate changes it in place). */
    private void store(Row acc, Object jsFields) {
        List<?> values = (List<?>) jsFields;
        for (int i = 0; i < accFields.length; i++) {
            if (isView(i)) continue; // a ListView/MapView: the Row keeps Flink's
            try {
                acc.setField(i, JsValues.fromJs(values.get(i), accTypes[i]));
            } catch (IllegalArgumentException e) {
                throw new JsRuntime.UdfException("the accumulator of TypeScript UDAF '" + code.name + "' does not match its accumulatorType "
                        + accumulatorType.getLogicalType().asSummaryString() + ": field '" + accFields[i] + "': " + e.getMessage());
            }
        }
    }

    private boolean isView(int field) {
        if (views == null) return false;
        for (int j : views.fieldIndex) if (j == field) return true;
        return false;
    }

    /** Calls a glue method; when the user's method returned a Promise, waits for it to settle within the call. */
    private Object call(V8ValueFunction method, String what, Object... args) {
        Object result;
        boolean ok = false;
        js.enter();
        try {
            result = method.callObject(null, args);
            if (PENDING.equals(result)) result = settled(what);
            ok = true;
        } catch (JavetException e) {
            throw js.userError(e, what);
        } finally {
            js.exit();
            endViews(ok, what);
        }
        code.afterCall();
        return result;
    }

    /** After a call: the writes its buffered views logged go to Flink's views (only when it succeeded: a failed call fails the job). */
    private void endViews(boolean succeeded, String what) {
        if (views == null) return;
        try {
            views.endCall(succeeded);
        } catch (Exception e) {
            if (succeeded) {
                throw new JsRuntime.UdfException("TypeScript UDAF '" + code.name + "': writing the ListView/MapView changes of " + what + " failed: " + e);
            }
        }
    }

    /**
     * The result of a method whose Promise settles in microtasks: in V8 they ran when the call
     * returned, in Node.js they run now. A Promise still pending then waits for something other than
     * its data views (a timer, I/O), which a synchronous Flink aggregate cannot wait for.
     */
    private Object settled(String what) throws JavetException {
        Object result = outcome.callObject(null);
        if (PENDING.equals(result)) {
            js.settle();
            result = outcome.callObject(null);
        }
        if (PENDING.equals(result)) throw notSettled(code.name, what);
        return result;
    }

    static RuntimeException notSettled(String udaf, String what) {
        return new JsRuntime.UdfException("TypeScript UDAF '" + udaf + "': the Promise " + what + " returned did not settle within the call:"
                + " in embedded mode an aggregate's methods may await its ListView/MapView reads, not timers or I/O (use process mode for those)");
    }

    @Override
    public void close() throws Exception {
        try {
            if (code.callableHere()) {
                if (fast != null) fast.close();
                for (V8ValueFunction f : new V8ValueFunction[] {create, accumulate, retract, merge, getValue, reset, outcome}) {
                    if (f != null) f.close();
                }
                if (views != null) views.close();
            }
        } catch (JavetException ignored) {
            // the runtime goes next anyway
        } finally {
            fast = null;
            create = accumulate = retract = merge = getValue = reset = outcome = null;
            views = null;
            js = null;
            code.close();
        }
    }

    @Override
    public String toString() {
        return code.name;
    }

    /**
     * A TS aggregate with a merge() method. The planner looks for a public merge method to decide
     * whether it may split the aggregate into partial and final phases (batch and mini-batch
     * two-phase aggregation) and to allow SESSION windows; a function without one gets the plain
     * class, so such a plan is not chosen for it.
     */
    public static final class Merging extends EmbeddedAggregateFunction {
        private static final long serialVersionUID = 1L;

        public Merging(String name, String filename, String source, String sourceMap, String engine, DataType[] inputTypes,
                DataType resultType, DataType accumulatorType, boolean deterministic, long callTimeoutMs, long maxHeapMb, java.util.Map<String, String> modules) {
            super(name, filename, source, sourceMap, engine, inputTypes, resultType, accumulatorType, deterministic, callTimeoutMs, maxHeapMb, modules);
        }

        public void merge(Row acc, Iterable<Row> others) {
            mergeAll(acc, others);
        }
    }
}
