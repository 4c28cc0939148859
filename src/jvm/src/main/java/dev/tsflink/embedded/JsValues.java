package dev.tsflink.embedded;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.types.CollectionDataType;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.KeyValueDataType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Row;

/**
 * Flink's external values (the default conversion classes of the function's DataTypes) to and from
 * the Java values Javet's converter turns into the JS values process mode's worker uses: BIGINT a
 * bigint, DECIMAL a string, DATE/TIMESTAMP/TIMESTAMP_LTZ a Date (UTC), TIME an ISO string, BYTES a
 * Uint8Array (byte[] in Javet), ARRAY an array, ROW an object with the fields by name, MAP a Map
 * (through {@link JsConverter}).
 */
final class JsValues {
    private JsValues() {}

    /** Whether embedded mode converts this type: every type process mode's worker does (not MULTISET, intervals). */
    static boolean supported(DataType t) {
        switch (t.getLogicalType().getTypeRoot()) {
            case CHAR: case VARCHAR: case BOOLEAN: case BINARY: case VARBINARY: case DECIMAL:
            case TINYINT: case SMALLINT: case INTEGER: case BIGINT: case FLOAT: case DOUBLE:
            case DATE: case TIME_WITHOUT_TIME_ZONE: case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return true;
            case ARRAY:
                return supported(((CollectionDataType) t).getElementDataType());
            case ROW:
                for (DataType f : DataType.getFieldDataTypes(t)) if (!supported(f)) return false;
                return true;
            case MAP:
                return supported(((KeyValueDataType) t).getKeyDataType()) && supported(((KeyValueDataType) t).getValueDataType());
            default:
                return false;
        }
    }

    /** Refuses, when the function is defined, a type embedded mode does not convert. */
    static void requireSupported(String udfName, DataType t) {
        if (!supported(t)) {
            // process mode's worker has no coder for them either (src/worker/coders/row-coder.ts)
            throw new IllegalArgumentException("TypeScript UDF '" + udfName + "': TypeScript UDFs do not support values of type "
                    + t.getLogicalType().asSummaryString() + " (in either mode: MULTISET and interval types have no JavaScript form yet)");
        }
    }

    static Object toJs(Object v, DataType t) {
        if (v == null) return null;
        switch (t.getLogicalType().getTypeRoot()) {
            case TINYINT:
            case SMALLINT:
                return ((Number) v).intValue();
            case FLOAT:
                return ((Number) v).doubleValue();
            case DECIMAL:
                return ((BigDecimal) v).toPlainString();
            case DATE:
                return ((LocalDate) v).atStartOfDay(ZoneOffset.UTC);
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return ((LocalDateTime) v).atZone(ZoneOffset.UTC);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return ((Instant) v).atZone(ZoneOffset.UTC);
            case TIME_WITHOUT_TIME_ZONE:
                return ((LocalTime) v).format(DateTimeFormatter.ISO_LOCAL_TIME);
            case ARRAY: {
                DataType e = ((CollectionDataType) t).getElementDataType();
                int n = Array.getLength(v);
                List<Object> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) out.add(toJs(Array.get(v, i), e));
                return out;
            }
            case ROW: {
                // an object with the fields by name, as process mode's worker gives (Javet makes a Map one)
                List<String> names = DataType.getFieldNames(t);
                List<DataType> types = DataType.getFieldDataTypes(t);
                Row row = (Row) v;
                Map<String, Object> out = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) out.put(names.get(i), toJs(row.getField(i), types.get(i)));
                return out;
            }
            case MAP: {
                // a JavaScript Map (JsConverter), as process mode's worker gives
                KeyValueDataType kv = (KeyValueDataType) t;
                JsConverter.JsMap out = new JsConverter.JsMap();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    out.put(toJs(e.getKey(), kv.getKeyDataType()), toJs(e.getValue(), kv.getValueDataType()));
                }
                return out;
            }
            default:
                return v; // String, Boolean, Integer, Long (a bigint), Double, byte[]
        }
    }

    /** A JS result (as Javet converted it) as the external value of {@code t}; throws on a mismatch. */
    static Object fromJs(Object v, DataType t) {
        if (v == null) return null;
        LogicalType lt = t.getLogicalType();
        LogicalTypeRoot root = lt.getTypeRoot();
        switch (root) {
            case CHAR:
            case VARCHAR:
                if (v instanceof String) return v;
                break;
            case BOOLEAN:
                if (v instanceof Boolean) return v;
                break;
            case TINYINT:
            case SMALLINT:
            case INTEGER:
            case BIGINT: {
                Long l = integral(v);
                if (l == null) break;
                if (root == LogicalTypeRoot.BIGINT) return l;
                long min = root == LogicalTypeRoot.TINYINT ? Byte.MIN_VALUE : root == LogicalTypeRoot.SMALLINT ? Short.MIN_VALUE : Integer.MIN_VALUE;
                long max = root == LogicalTypeRoot.TINYINT ? Byte.MAX_VALUE : root == LogicalTypeRoot.SMALLINT ? Short.MAX_VALUE : Integer.MAX_VALUE;
                if (l < min || l > max) throw mismatch(v, t, "out of range");
                return root == LogicalTypeRoot.TINYINT ? (Object) l.byteValue() : root == LogicalTypeRoot.SMALLINT ? (Object) l.shortValue() : (Object) l.intValue();
            }
            case FLOAT:
                if (v instanceof Number && !(v instanceof BigInteger)) return ((Number) v).floatValue();
                break;
            case DOUBLE:
                if (v instanceof Number && !(v instanceof BigInteger)) return ((Number) v).doubleValue();
                break;
            case DECIMAL: {
                if (!(v instanceof String || v instanceof Number)) break;
                BigDecimal d;
                try {
                    d = new BigDecimal(v.toString());
                } catch (NumberFormatException e) {
                    throw mismatch(v, t, "not a decimal number");
                }
                DecimalType dt = (DecimalType) lt;
                d = d.setScale(dt.getScale(), RoundingMode.HALF_UP);
                if (d.precision() > dt.getPrecision()) throw mismatch(v, t, "too many digits");
                return d;
            }
            case DATE:
                if (v instanceof ZonedDateTime) return ((ZonedDateTime) v).withZoneSameInstant(ZoneOffset.UTC).toLocalDate();
                break;
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                if (v instanceof ZonedDateTime) return ((ZonedDateTime) v).withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
                break;
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                if (v instanceof ZonedDateTime) return ((ZonedDateTime) v).toInstant();
                break;
            case TIME_WITHOUT_TIME_ZONE:
                if (v instanceof String) {
                    try {
                        return LocalTime.parse((String) v);
                    } catch (RuntimeException e) {
                        throw mismatch(v, t, "not an ISO time");
                    }
                }
                break;
            case BINARY:
            case VARBINARY:
                if (v instanceof byte[]) return v;
                break;
            case ARRAY:
                if (v instanceof List) {
                    DataType e = ((CollectionDataType) t).getElementDataType();
                    List<?> list = (List<?>) v;
                    Object out = Array.newInstance(e.getConversionClass(), list.size());
                    for (int i = 0; i < list.size(); i++) Array.set(out, i, fromJs(list.get(i), e));
                    return out;
                }
                break;
            case MAP:
                // a Map, or an object with the entries as properties (process mode takes both)
                if (v instanceof Map) {
                    KeyValueDataType kv = (KeyValueDataType) t;
                    Map<Object, Object> out = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                        if (e.getKey() == null) throw new IllegalArgumentException("a key of " + lt.asSummaryString() + " is null");
                        Object key;
                        try {
                            key = fromJs(e.getKey(), kv.getKeyDataType());
                        } catch (IllegalArgumentException x) {
                            throw new IllegalArgumentException("a key: " + x.getMessage(), x);
                        }
                        try {
                            out.put(key, fromJs(e.getValue(), kv.getValueDataType()));
                        } catch (IllegalArgumentException x) {
                            throw new IllegalArgumentException("the value of key " + describe(e.getKey()) + ": " + x.getMessage(), x);
                        }
                    }
                    return out;
                }
                break;
            case ROW: {
                // an array of the fields, or an object with them by name (process mode's two forms)
                String[] names = DataType.getFieldNames(t).toArray(new String[0]);
                List<DataType> types = DataType.getFieldDataTypes(t);
                if (!(v instanceof List) && !(v instanceof Map)) break;
                List<?> values = rowValues(v, names, lt.asSummaryString());
                if (values.size() != names.length) {
                    throw new IllegalArgumentException("a row of " + lt.asSummaryString() + " needs " + names.length + " value(s), got " + values.size());
                }
                Object[] fields = new Object[names.length];
                for (int i = 0; i < fields.length; i++) {
                    try {
                        fields[i] = fromJs(values.get(i), types.get(i));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("field '" + names[i] + "': " + e.getMessage(), e);
                    }
                }
                return Row.of(fields);
            }
            default:
                break;
        }
        throw mismatch(v, t, null);
    }

    /**
     * A row's field values: a list as it is, an object's by field name (a missing field is null). An
     * object with none of the fields but other keys is a mistake (a misspelt name), not a row of nulls.
     */
    static List<?> rowValues(Object v, String[] names, String rowSummary) {
        if (v instanceof List) return (List<?>) v;
        Map<?, ?> obj = (Map<?, ?>) v;
        List<Object> values = new ArrayList<>(names.length);
        boolean any = false;
        for (String f : names) {
            any |= obj.containsKey(f);
            values.add(obj.get(f));
        }
        if (!any && !obj.isEmpty()) {
            StringBuilder keys = new StringBuilder();
            for (Object k : obj.keySet()) keys.append(keys.length() == 0 ? "" : ", ").append('\'').append(k).append('\'');
            throw new IllegalArgumentException("an object with none of the fields of " + rowSummary + " (it has " + keys + ")");
        }
        return values;
    }

    private static Long integral(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof BigInteger) {
            try {
                return ((BigInteger) v).longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        if (v instanceof Double) {
            double d = (Double) v;
            if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) <= 9007199254740991d) return (long) d;
        }
        return null;
    }

    private static IllegalArgumentException mismatch(Object v, DataType t, String why) {
        return new IllegalArgumentException("expected " + t.getLogicalType().asSummaryString() + ", got " + describe(v)
                + (why == null ? "" : " (" + why + ")"));
    }

    /** A JS value (as Javet converted it) for an error: its JS type, then the value. */
    static String describe(Object v) {
        if (v == null) return "null";
        String shown = v instanceof String ? "'" + v + "'" : v instanceof Double ? jsNumber((Double) v) : String.valueOf(v);
        return jsTypeName(v) + " " + shown;
    }

    /** A number as JavaScript prints it (30000000000, not Java's 3.0E10). */
    private static String jsNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e21) return new BigDecimal(d).toPlainString();
        return Double.toString(d);
    }

    private static String jsTypeName(Object v) {
        if (v instanceof String) return "string";
        if (v instanceof Boolean) return "boolean";
        if (v instanceof Long || v instanceof BigInteger) return "bigint";
        if (v instanceof Number) return "number";
        if (v instanceof ZonedDateTime) return "Date";
        if (v instanceof List) return "array";
        return "object";
    }
}
