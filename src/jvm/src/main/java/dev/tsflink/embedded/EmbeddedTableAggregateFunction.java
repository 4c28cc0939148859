package dev.tsflink.embedded;

import java.util.List;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.TableAggregateFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * A TypeScript table aggregate function (udtaf) in embedded mode: a plain Flink
 * {@link TableAggregateFunction}, so the planner runs it in its own table-aggregate operator
 * (`groupBy(...).flatAggregate(...)`), the accumulator a Row in Flink's state with its data views
 * Flink's own ({@link EmbeddedAccumulator}). emitValue's rows (or emitUpdateWithRetract's changes,
 * {@link Retracting}) are read as a table function's are ({@link JsRows}).
 */
public class EmbeddedTableAggregateFunction extends TableAggregateFunction<Object, Row> {
    private static final long serialVersionUID = 1L;

    private final EmbeddedAccumulator accumulator;
    private final EmbeddedCode code;
    private final JsRows reader;
    private final DataType[] inputTypes;
    private final DataType resultType;
    private final DataType accumulatorType;
    private final boolean deterministic;

    public EmbeddedTableAggregateFunction(String name, String filename, String source, String sourceMap, String engine, DataType[] inputTypes,
            DataType resultType, DataType accumulatorType, boolean deterministic, long callTimeoutMs, long maxHeapMb, java.util.Map<String, String> modules) {
        this.code = new EmbeddedCode(name, "object", null, filename, source, sourceMap, engine, callTimeoutMs, maxHeapMb, modules);
        this.accumulator = new EmbeddedAccumulator(code, inputTypes, accumulatorType);
        this.reader = new JsRows(name, "a table aggregate's emitValue()", resultType);
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
        accumulator.open(context, inputTypes);
    }

    @Override
    public Row createAccumulator() {
        return accumulator.create(accumulator.fields.length);
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

    void update(boolean retracting, Row acc, Object[] args) {
        accumulator.update(retracting, acc, args, inputTypes);
    }

    public void emitValue(Row acc, Collector<Object> out) {
        for (Object row : reader.rowsOf(accumulator.emitValue(acc))) out.collect(reader.toFlink(row));
    }

    @Override
    public void close() throws Exception {
        accumulator.close();
        code.close();
    }

    @Override
    public String toString() {
        return code.name;
    }

    /**
     * A TS table aggregate with an emitUpdateWithRetract() method: the planner uses that method when
     * the class has it, and so does process mode's worker when the object has it.
     */
    public static final class Retracting extends EmbeddedTableAggregateFunction {
        private static final long serialVersionUID = 1L;

        /**
         * The changes the user's emitUpdateWithRetract made right after the last update, and the
         * accumulator they belong to. Flink's GroupTableAggFunction takes the accumulator for its
         * state before it asks for the changes, so what emitUpdateWithRetract writes into the
         * accumulator (what it has emitted) would be lost; so it runs in the update's turn, its
         * accumulator stored with the update's, and the changes wait here for Flink's call.
         */
        private transient List<?> pending;
        private transient Row pendingFor;

        public Retracting(String name, String filename, String source, String sourceMap, String engine, DataType[] inputTypes,
                DataType resultType, DataType accumulatorType, boolean deterministic, long callTimeoutMs, long maxHeapMb, java.util.Map<String, String> modules) {
            super(name, filename, source, sourceMap, engine, inputTypes, resultType, accumulatorType, deterministic, callTimeoutMs, maxHeapMb, modules);
        }

        @Override
        void update(boolean retracting, Row acc, Object[] args) {
            super.update(retracting, acc, args);
            pending = accumulator().emitUpdateWithRetract(acc);
            pendingFor = acc;
        }

        public void emitUpdateWithRetract(Row acc, RetractableCollector<Object> out) {
            List<?> changes = acc == pendingFor ? pending : accumulator().emitUpdateWithRetract(acc);
            pending = null;
            pendingFor = null;
            for (Object change : changes) {
                List<?> pair = (List<?>) change;
                Object row = reader().toFlink(pair.get(1));
                if (Boolean.TRUE.equals(pair.get(0))) out.retract(row);
                else out.collect(row);
            }
        }
    }

    final EmbeddedAccumulator accumulator() {
        return accumulator;
    }

    final JsRows reader() {
        return reader;
    }
}
