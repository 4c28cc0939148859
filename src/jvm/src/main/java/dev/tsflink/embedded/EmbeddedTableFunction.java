package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.reference.V8ValueFunction;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.TypeInference;

/**
 * A TypeScript table UDF (udtf) in embedded mode: a plain Flink {@link TableFunction}, so the
 * planner runs it in its own Correlate operator in the task thread. Each call returns the user's
 * iterable (an array, or a generator run to its end inside the runtime); its rows are read as
 * process mode's worker reads them (src/worker/operations/table.ts): an array of the row's fields,
 * an object with the fields by name, or, for a one-column result, the value itself.
 */
public final class EmbeddedTableFunction extends TableFunction<Object> {
    private static final long serialVersionUID = 1L;

    private final EmbeddedCode code;
    private final DataType[] inputTypes;
    private final DataType resultType;
    private final boolean deterministic;
    private final JsRows reader;

    private transient JsRuntime js;
    /** eval, returning an array (a generator's rows collected) or the non-iterable value as it came */
    private transient V8ValueFunction rows;

    public EmbeddedTableFunction(String name, String form, String filename, String source, String sourceMap, String engine,
            DataType[] inputTypes, DataType resultType, boolean deterministic, long callTimeoutMs, long maxHeapMb, java.util.Map<String, String> modules) {
        for (DataType t : inputTypes) JsValues.requireSupported(name, t);
        this.reader = new JsRows(name, "a table function", resultType);
        this.code = new EmbeddedCode(name, form, "eval", filename, source, sourceMap, engine, callTimeoutMs, maxHeapMb, modules);
        this.inputTypes = inputTypes;
        this.resultType = resultType;
        this.deterministic = deterministic;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return EmbeddedCode.typeInference(inputTypes, null, resultType);
    }

    @Override
    public boolean isDeterministic() {
        return deterministic;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        code.open(context, inputTypes);
        js = code.js();
        try {
            rows = js.collectingIterables(code.fn());
        } catch (JavetException e) {
            code.close();
            throw new IllegalStateException("TypeScript UDF '" + code.name + "': cannot set up the embedded call path: " + e.getMessage(), e);
        }
    }

    // Fixed-arity overloads first, as in EmbeddedScalarFunction: a single ARRAY argument is no varargs array.
    public void eval() {
        call(new Object[0]);
    }

    public void eval(Object a) {
        call(new Object[] {a});
    }

    public void eval(Object a, Object b) {
        call(new Object[] {a, b});
    }

    public void eval(Object a, Object b, Object c) {
        call(new Object[] {a, b, c});
    }

    public void eval(Object a, Object b, Object c, Object d) {
        call(new Object[] {a, b, c, d});
    }

    public void eval(Object... args) {
        call(args.clone());
    }

    private void call(Object[] args) {
        for (int i = 0; i < args.length; i++) args[i] = JsValues.toJs(args[i], inputTypes[i]);
        Object result;
        js.enter();
        try {
            result = rows.callObject(code.target(), args);
        } catch (JavetException e) {
            throw js.userError(e, null);
        } finally {
            js.exit();
        }
        code.afterCall();
        if (result == null) return;
        for (Object row : reader.rowsOf(result)) collect(reader.toFlink(row));
    }

    @Override
    public void close() throws Exception {
        try {
            if (rows != null && code.callableHere()) rows.close();
        } catch (JavetException ignored) {
            // the runtime goes next anyway
        } finally {
            rows = null;
            js = null;
            code.close();
        }
    }

    @Override
    public String toString() {
        return code.name;
    }
}
