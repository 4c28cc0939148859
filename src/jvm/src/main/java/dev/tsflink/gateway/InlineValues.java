package dev.tsflink.gateway;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BinaryType;
import org.apache.flink.table.types.logical.CharType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.Row;

/**
 * fromValues' rows, decoded from Node's JSON and fitted to the declared column types the way
 * Flink's fromValues casts its literals: strings and bytes cut (CHAR and BINARY also padded) to
 * their length, decimals rounded half-up to their scale (an overflow is an error), times cut to
 * their precision.
 */
final class InlineValues {
    private InlineValues() {}

    static Object[] rows(String rowsJson, RowType type) {
        Object[] rows = Values.rows(Json.parse(rowsJson), type);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = fit(rows[i], type);
        }
        return rows;
    }

    private static Object fit(Object v, LogicalType t) {
        if (v == null) {
            return null;
        }
        switch (t.getTypeRoot()) {
            case CHAR:
                return padded(cut((String) v, ((CharType) t).getLength()), ((CharType) t).getLength());
            case VARCHAR:
                return cut((String) v, ((VarCharType) t).getLength());
            case BINARY: {
                int n = ((BinaryType) t).getLength();
                return Arrays.copyOf((byte[]) v, n);
            }
            case VARBINARY: {
                byte[] b = (byte[]) v;
                int n = ((VarBinaryType) t).getLength();
                return b.length <= n ? b : Arrays.copyOf(b, n);
            }
            case DECIMAL: {
                DecimalType d = (DecimalType) t;
                BigDecimal rounded = ((BigDecimal) v).setScale(d.getScale(), RoundingMode.HALF_UP);
                if (rounded.precision() > d.getPrecision()) {
                    throw new IllegalArgumentException("Cannot convert " + v + " to " + t.asSummaryString() + " due to overflow");
                }
                return rounded;
            }
            case TIME_WITHOUT_TIME_ZONE: {
                LocalTime time = (LocalTime) v;
                return time.withNano(cutNanos(time.getNano(), ((TimeType) t).getPrecision()));
            }
            case TIMESTAMP_WITHOUT_TIME_ZONE: {
                LocalDateTime ts = (LocalDateTime) v;
                return ts.withNano(cutNanos(ts.getNano(), ((TimestampType) t).getPrecision()));
            }
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE: {
                Instant ts = (Instant) v;
                return ts.minusNanos(ts.getNano() - cutNanos(ts.getNano(), ((LocalZonedTimestampType) t).getPrecision()));
            }
            case ARRAY: {
                Object[] items = (Object[]) v;
                for (int i = 0; i < items.length; i++) {
                    items[i] = fit(items[i], ((ArrayType) t).getElementType());
                }
                return items;
            }
            case MAP:
            case MULTISET: {
                LogicalType kt = t instanceof MapType ? ((MapType) t).getKeyType() : ((MultisetType) t).getElementType();
                LogicalType vt = t instanceof MapType ? ((MapType) t).getValueType() : null;
                Map<Object, Object> out = new LinkedHashMap<>();
                ((Map<?, ?>) v).forEach((k, x) -> out.put(fit(k, kt), vt == null ? x : fit(x, vt)));
                return out;
            }
            case ROW: {
                Row row = (Row) v;
                List<RowType.RowField> fields = ((RowType) t).getFields();
                for (int i = 0; i < fields.size(); i++) {
                    row.setField(i, fit(row.getField(i), fields.get(i).getType()));
                }
                return row;
            }
            default:
                return v;
        }
    }

    private static String cut(String s, int length) {
        return s.length() <= length ? s : s.substring(0, length);
    }

    private static String padded(String s, int length) {
        return s.length() >= length ? s : s + " ".repeat(length - s.length());
    }

    private static int cutNanos(int nanos, int precision) {
        int unit = (int) Math.pow(10, 9 - precision);
        return nanos - nanos % unit;
    }
}
