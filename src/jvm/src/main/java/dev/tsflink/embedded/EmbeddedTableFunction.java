package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.reference.V8ValueFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Row;

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
    /** The result's columns: the ROW type's fields, or the one column of any other type. */
    private final String[] fieldNames;
    private final DataType[] fieldTypes;
    private final boolean rowResult;

    private transient JsRuntime js;
    /** eval, returning an array (a generator's rows collected) or the non-iterable value as it came */
    private transient V8ValueFunction rows;

    public EmbeddedTableFunction(String name, String form, String filename, String source, String sourceMap, String engine,
            DataType[] inputTypes, DataType resultType, boolean deterministic, long callTimeoutMs, long maxHeapMb, java.util.Map<String, String> modules) {
        for (DataType t : inputTypes) JsValues.requireSupported(name, t);
        rowResult = resultType.getLogicalType().is(LogicalTypeRoot.ROW);
        if (rowResult) {
            fieldNames = DataType.getFieldNames(resultType).toArray(new String[0]);
            fieldTypes = DataType.getFieldDataTypes(resultType).toArray(new DataType[0]);
        } else {
            fieldNames = new String[] {"f0"};
            fieldTypes = new DataType[] {resultType};
        }
        for (DataType t : fieldTypes) JsValues.requireSupported(name, t);
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
        if (!(result instanceof List)) {
            throw resultMismatch("a table function must return an iterable (array or generator) of rows, got " + JsValues.describe(result));
        }
        for (Object row : (List<?>) result) {
            List<?> values = fieldValues(row);
            if (values.size() != fieldTypes.length) {
                throw resultMismatch("a row of " + resultSummary() + " needs " + fieldTypes.length + " value(s), got " + values.size());
            }
            Object[] fields = new Object[fieldTypes.length];
            for (int i = 0; i < fields.length; i++) {
                try {
                    fields[i] = JsValues.fromJs(values.get(i), fieldTypes[i]);
                } catch (IllegalArgumentException e) {
                    throw resultMismatch((rowResult ? "field '" + fieldNames[i] + "': " : "") + e.getMessage());
                }
            }
            collect(rowResult ? Row.of(fields) : fields[0]);
        }
    }

    /** One produced row's field values, read as the worker reads them (TableOperation.values). */
    private List<?> fieldValues(Object row) {
        int n = fieldTypes.length;
        if (row instanceof List) {
            List<?> list = (List<?>) row;
            if (n > 1 || list.size() == 1 || (!list.isEmpty() && list.get(0) instanceof List)) return list;
        }
        if (n == 1 && !(row instanceof Map)) return java.util.Collections.singletonList(row);
        if (row instanceof Map) {
            Map<?, ?> obj = (Map<?, ?>) row;
            List<Object> values = new ArrayList<>(n);
            boolean any = false;
            for (String f : fieldNames) {
                any |= obj.containsKey(f);
                values.add(obj.get(f));
            }
            if (!any && !obj.isEmpty()) {
                StringBuilder keys = new StringBuilder();
                for (Object k : obj.keySet()) keys.append(keys.length() == 0 ? "" : ", ").append('\'').append(k).append('\'');
                throw resultMismatch("an object with none of the fields of " + resultSummary() + " (it has " + keys + ")");
            }
            return values;
        }
        throw resultMismatch("a table function row must be an array or an object with fields " + String.join(", ", fieldNames) + ", got "
                + JsValues.describe(row));
    }

    private String resultSummary() {
        return resultType.getLogicalType().asSummaryString();
    }

    private JsRuntime.UdfException resultMismatch(String what) {
        return new JsRuntime.UdfException("TypeScript UDF '" + code.name + "' returned a value that does not match its result type: " + what);
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
