package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.AggregateFunction;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.Row;

/**
 * A TypeScript aggregate function (udaf) in embedded mode: a plain Flink {@link AggregateFunction},
 * so the planner runs it in its own aggregate operators (streaming GROUP BY, group windows, and
 * batch mode too) and keeps each key's accumulator in Flink's state as a Row of the declared ROW
 * accumulator type, with no Python operator, no state requests to a worker, no second process.
 * The accumulator, its data views and the general call path are {@link EmbeddedAccumulator}'s;
 * all-numeric signatures take {@link PrimitiveAggregateCall}'s shared buffer, and keep getValue's
 * result in two hidden fields of the accumulator Row.
 */
public class EmbeddedAggregateFunction extends AggregateFunction<Object, Row> {
    private static final long serialVersionUID = 1L;

    /** The hidden fields' names. */
    private static final String KEPT_VALUE = "__tsflink_kept_value";
    private static final String KEPT_VALID = "__tsflink_kept_value_current";

    private final EmbeddedAccumulator accumulator;
    private final EmbeddedCode code;
    private final DataType[] inputTypes;
    private final DataType resultType;
    private final DataType accumulatorType;
    /**
     * What Flink keeps: the accumulator's fields, and for the shared-buffer path two hidden ones
     * after them, the last result and whether it is current (PrimitiveAggregateCall).
     */
    private final DataType storedType;
    private final boolean deterministic;

    private transient JsRuntime js;
    /** numbers and booleans only: the shared-buffer path for accumulate, retract and getValue */
    private transient PrimitiveAggregateCall fast;

    public EmbeddedAggregateFunction(String name, String filename, String source, String sourceMap, String engine, DataType[] inputTypes,
            DataType resultType, DataType accumulatorType, boolean deterministic, long callTimeoutMs, long maxHeapMb, java.util.Map<String, String> modules) {
        JsValues.requireSupported(name, resultType);
        this.code = new EmbeddedCode(name, "object", null, filename, source, sourceMap, engine, callTimeoutMs, maxHeapMb, modules);
        this.accumulator = new EmbeddedAccumulator(code, inputTypes, accumulatorType);
        this.inputTypes = inputTypes;
        this.resultType = resultType;
        this.accumulatorType = accumulatorType;
        if (PrimitiveAggregateCall.applies(inputTypes, accumulator.types, resultType)) {
            List<DataTypes.Field> stored = new ArrayList<>();
            for (int i = 0; i < accumulator.fields.length; i++) stored.add(DataTypes.FIELD(accumulator.fields[i], accumulator.types[i]));
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
        accumulator.open(context, inputTypes);
        js = accumulator.js();
        if (PrimitiveAggregateCall.applies(inputTypes, accumulator.types, resultType)) {
            try {
                fast = new PrimitiveAggregateCall(js, code.target(), code.name, accumulatorType.getLogicalType().asSummaryString(), accumulator.fields,
                        accumulator.types, inputTypes, resultType, accumulator.views());
            } catch (JavetException e) {
                close();
                throw new IllegalStateException("TypeScript UDAF '" + code.name + "': cannot set up the embedded call path: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Row createAccumulator() {
        return accumulator.create(DataType.getFieldCount(storedType));
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
        accumulator.merge(acc, others);
    }

    @Override
    public Object getValue(Row acc) {
        if (fast != null) {
            EmbeddedDataViews views = accumulator.views();
            if (views != null) views.bind(0, acc);
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
                accumulator.endViews(ok, "getValue()");
                code.afterCall();
            }
        }
        Object result = accumulator.value(acc);
        try {
            return JsValues.fromJs(result, resultType);
        } catch (IllegalArgumentException e) {
            throw new JsRuntime.UdfException("TypeScript UDAF '" + code.name + "' produced a value that does not match its result type: " + e.getMessage());
        }
    }

    public void resetAccumulator(Row acc) {
        if (fast != null) fast.stale(acc);
        accumulator.reset(acc);
    }

    private void update(boolean retracting, Row acc, Object[] args) {
        if (fast == null) {
            accumulator.update(retracting, acc, args, inputTypes);
            return;
        }
        String what = retracting ? "retract()" : "accumulate()";
        EmbeddedDataViews views = accumulator.views();
        if (views != null) views.bind(0, acc);
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
            accumulator.endViews(ok, what);
        }
        code.afterCall();
    }

    @Override
    public void close() throws Exception {
        try {
            if (fast != null && code.callableHere()) fast.close();
        } catch (JavetException ignored) {
            // the runtime goes next anyway
        } finally {
            fast = null;
            js = null;
            accumulator.close();
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
