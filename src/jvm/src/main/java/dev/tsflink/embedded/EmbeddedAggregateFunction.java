package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** Builds the per-method entry points over the user's object and the accumulator's field names. */
    private static final String GLUE = "(target, fields, name) => {"
            // BYTES arrive as the Int8Array Javet makes of a byte[]; process mode gives Uint8Array
            + " const u8 = (x) => x instanceof Int8Array ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : x;"
            + " const obj = (a) => { const o = {}; for (let i = 0; i < fields.length; i++) o[fields[i]] = u8(a[i]); return o; };"
            + " const show = (v) => v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;"
            + " const arr = (o, what) => { if (o === null || typeof o !== 'object' || Array.isArray(o))"
            + "   throw new TypeError(`${what} must be an object with the accumulator's fields (${fields.join(', ')}), got ${show(o)}`);"
            + "   return fields.map((f) => o[f] === undefined ? null : o[f]); };"
            + " const sync = (r, what) => { if (r instanceof Promise) throw new TypeError(`${what} returned a Promise: in embedded mode"
            + " aggregate methods are synchronous (use process mode for asynchronous ones)`); return r; };"
            + " const need = (m, why) => { if (typeof target[m] !== 'function') throw new TypeError(`TypeScript UDAF '${name}' has no ${m}()"
            + " method, which ${why}`); };"
            + " return {"
            + "  create: () => arr(sync(target.createAccumulator(), 'createAccumulator()'), 'createAccumulator()\\'s result'),"
            + "  accumulate: (a, ...args) => { const o = obj(a); sync(target.accumulate(o, ...args.map(u8)), 'accumulate()'); return arr(o, 'the accumulator'); },"
            + "  retract: (a, ...args) => { need('retract', 'this query needs: its input is an updating table (an aggregate over an aggregate, a join)');"
            + "   const o = obj(a); sync(target.retract(o, ...args.map(u8)), 'retract()'); return arr(o, 'the accumulator'); },"
            + "  merge: (a, others) => { need('merge', 'this query needs to combine accumulators');"
            + "   const o = obj(a); sync(target.merge(o, others.map(obj)), 'merge()'); return arr(o, 'the accumulator'); },"
            + "  getValue: (a) => sync(target.getValue(obj(a)), 'getValue()'),"
            + "  reset: (a) => { const o = obj(a);"
            + "   if (typeof target.resetAccumulator === 'function') { sync(target.resetAccumulator(o), 'resetAccumulator()'); return arr(o, 'the accumulator'); }"
            + "   return arr(sync(target.createAccumulator(), 'createAccumulator()'), 'createAccumulator()\\'s result'); },"
            + " }; }";

    private final EmbeddedCode code;
    private final DataType[] inputTypes;
    private final DataType resultType;
    private final DataType accumulatorType;
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
    /** numbers and booleans only: the shared-buffer path for accumulate, retract and getValue */
    private transient PrimitiveAggregateCall fast;

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
            if (accTypes[i].getLogicalType().is(LogicalTypeRoot.STRUCTURED_TYPE)) {
                throw new IllegalArgumentException("TypeScript UDAF '" + name + "': accumulator field '" + accFields[i]
                        + "' is a ListView/MapView, which embedded mode does not keep yet (they live in Flink state in process mode); use process mode");
            }
            JsValues.requireSupported(name, accTypes[i]);
        }
        this.code = new EmbeddedCode(name, "object", null, filename, source, sourceMap, engine, callTimeoutMs, maxHeapMb, modules);
        this.inputTypes = inputTypes;
        this.resultType = resultType;
        this.accumulatorType = accumulatorType;
        this.deterministic = deterministic;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return EmbeddedCode.typeInference(inputTypes, accumulatorType, resultType);
    }

    @Override
    public boolean isDeterministic() {
        return deterministic;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        code.open(context, inputTypes);
        js = code.js();
        try (V8ValueFunction make = js.v8().getExecutor(GLUE).setResourceName(JsRuntime.GLUE).execute();
                V8ValueObject methods = make.call(null, code.target(), Arrays.asList(accFields), code.name)) {
            create = methods.get("create");
            accumulate = methods.get("accumulate");
            retract = methods.get("retract");
            merge = methods.get("merge");
            getValue = methods.get("getValue");
            reset = methods.get("reset");
            if (PrimitiveAggregateCall.applies(inputTypes, accTypes, resultType)) {
                fast = new PrimitiveAggregateCall(js, code.target(), code.name, accumulatorType.getLogicalType().asSummaryString(), accFields, accTypes,
                        inputTypes, resultType);
            }
        } catch (JavetException e) {
            close();
            throw new IllegalStateException("TypeScript UDAF '" + code.name + "': cannot set up the embedded call path: " + e.getMessage(), e);
        }
    }

    @Override
    public Row createAccumulator() {
        Row acc = Row.withPositions(accFields.length);
        store(acc, call(create, "createAccumulator()"));
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
        List<Object> jsOthers = new ArrayList<>();
        for (Row other : others) jsOthers.add(fields(other));
        store(acc, call(merge, "merge()", fields(acc), jsOthers));
    }

    @Override
    public Object getValue(Row acc) {
        if (fast != null) {
            js.enter();
            try {
                return fast.getValue(acc);
            } catch (JavetException e) {
                throw js.userError(e, "getValue()");
            } finally {
                js.exit();
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
        store(acc, call(reset, "resetAccumulator()", fields(acc)));
    }

    private void update(boolean retracting, Row acc, Object[] args) {
        String what = retracting ? "retract()" : "accumulate()";
        if (fast != null) {
            js.enter();
            try {
                if (retracting) fast.retract(acc, args);
                else fast.accumulate(acc, args);
            } catch (JavetException e) {
                throw js.userError(e, what);
            } finally {
                js.exit();
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
        for (int i = 0; i < accFields.length; i++) out.add(JsValues.toJs(acc.getField(i), accTypes[i]));
        return out;
    }

    /** Writes the fields the JS side gave back into the accumulator Flink holds (accumulate changes it in place). */
    private void store(Row acc, Object jsFields) {
        List<?> values = (List<?>) jsFields;
        for (int i = 0; i < accFields.length; i++) {
            try {
                acc.setField(i, JsValues.fromJs(values.get(i), accTypes[i]));
            } catch (IllegalArgumentException e) {
                throw new JsRuntime.UdfException("the accumulator of TypeScript UDAF '" + code.name + "' does not match its accumulatorType "
                        + accumulatorType.getLogicalType().asSummaryString() + ": field '" + accFields[i] + "': " + e.getMessage());
            }
        }
    }

    private Object call(V8ValueFunction method, String what, Object... args) {
        Object result;
        js.enter();
        try {
            result = method.callObject(null, args);
        } catch (JavetException e) {
            throw js.userError(e, what);
        } finally {
            js.exit();
        }
        code.afterCall();
        return result;
    }

    @Override
    public void close() throws Exception {
        try {
            if (code.callableHere()) {
                if (fast != null) fast.close();
                for (V8ValueFunction f : new V8ValueFunction[] {create, accumulate, retract, merge, getValue, reset}) {
                    if (f != null) f.close();
                }
            }
        } catch (JavetException ignored) {
            // the runtime goes next anyway
        } finally {
            fast = null;
            create = accumulate = retract = merge = getValue = reset = null;
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
