package dev.tsflink.embedded;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Row;

/**
 * Reads the rows a table function or table aggregate produced (as Javet converted them) the way
 * process mode's worker reads them (src/worker/operations/table.ts): an array of the row's fields,
 * an object with the fields by name, or, for a one-column result, the value itself. A row that does
 * not fit the result type is named: its arity, the field and the value.
 */
final class JsRows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String udf;
    /** "a table function", "a table aggregate": what the messages call the producer */
    private final String kind;
    private final DataType resultType;
    /** The result's columns: the ROW type's fields, or the one column of any other type. */
    private final String[] fieldNames;
    private final DataType[] fieldTypes;
    private final boolean rowResult;

    JsRows(String udf, String kind, DataType resultType) {
        this.udf = udf;
        this.kind = kind;
        this.resultType = resultType;
        rowResult = resultType.getLogicalType().is(LogicalTypeRoot.ROW);
        if (rowResult) {
            fieldNames = DataType.getFieldNames(resultType).toArray(new String[0]);
            fieldTypes = DataType.getFieldDataTypes(resultType).toArray(new DataType[0]);
        } else {
            fieldNames = new String[] {"f0"};
            fieldTypes = new DataType[] {resultType};
        }
        for (DataType t : fieldTypes) JsValues.requireSupported(udf, t);
    }

    /** The rows of a call's result, which must be a list (a generator's rows were collected into one). */
    List<?> rowsOf(Object result) {
        if (!(result instanceof List)) {
            throw mismatch(kind + " must return an iterable (array or generator) of rows, got " + JsValues.describe(result));
        }
        return (List<?>) result;
    }

    /** One produced row as Flink's external value: a Row for a ROW result type, else the value. */
    Object toFlink(Object row) {
        List<?> values = fieldValues(row);
        if (values.size() != fieldTypes.length) {
            throw mismatch("a row of " + summary() + " needs " + fieldTypes.length + " value(s), got " + values.size());
        }
        Object[] fields = new Object[fieldTypes.length];
        for (int i = 0; i < fields.length; i++) {
            try {
                fields[i] = JsValues.fromJs(values.get(i), fieldTypes[i]);
            } catch (IllegalArgumentException e) {
                throw mismatch((rowResult ? "field '" + fieldNames[i] + "': " : "") + e.getMessage());
            }
        }
        return rowResult ? Row.of(fields) : fields[0];
    }

    /** One produced row's field values, read as the worker reads them (TableOperation.values). */
    private List<?> fieldValues(Object row) {
        int n = fieldTypes.length;
        if (row instanceof List) {
            List<?> list = (List<?>) row;
            if (n > 1 || list.size() == 1 || (!list.isEmpty() && list.get(0) instanceof List)) return list;
        }
        if (n == 1 && !(row instanceof Map)) return Collections.singletonList(row);
        if (row instanceof Map) {
            try {
                return JsValues.rowValues(row, fieldNames, summary());
            } catch (IllegalArgumentException e) {
                throw mismatch(e.getMessage());
            }
        }
        throw mismatch(kind + " row must be an array or an object with fields " + String.join(", ", fieldNames) + ", got " + JsValues.describe(row));
    }

    private String summary() {
        return resultType.getLogicalType().asSummaryString();
    }

    private JsRuntime.UdfException mismatch(String what) {
        return new JsRuntime.UdfException("TypeScript UDF '" + udf + "' returned a value that does not match its result type: " + what);
    }
}
