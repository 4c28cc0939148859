package dev.tsflink.gateway;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;

/**
 * JSON values from Node become the Java objects Flink's default conversion classes expect, driven
 * by the logical type (the inverse of {@link RowJson}).
 */
final class Values {
    private Values() {}

    static Object fromJson(JsonNode v, LogicalType t) {
        if (v == null || v.isNull()) {
            return null;
        }
        switch (t.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return v.asText();
            case BOOLEAN:
                return v.asBoolean();
            case TINYINT:
                return (byte) v.asInt();
            case SMALLINT:
                return (short) v.asInt();
            case INTEGER:
                return v.asInt();
            case BIGINT:
                return v.isNumber() ? v.longValue() : Long.parseLong(v.asText());
            case FLOAT:
                return v.isNumber() ? v.floatValue() : Float.parseFloat(v.asText());
            case DOUBLE:
                return v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText());
            case DECIMAL:
                return new BigDecimal(v.asText());
            case DATE:
                return LocalDate.parse(v.asText());
            case TIME_WITHOUT_TIME_ZONE:
                return LocalTime.parse(v.asText());
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return LocalDateTime.parse(stripZone(v.asText()));
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return Instant.parse(v.asText());
            case BINARY:
            case VARBINARY:
                return Base64.getDecoder().decode(v.asText());
            case ARRAY: {
                LogicalType elem = ((ArrayType) t).getElementType();
                Object[] out = (Object[]) java.lang.reflect.Array.newInstance(
                        org.apache.flink.table.types.utils.TypeConversions.fromLogicalToDataType(elem).getConversionClass(), v.size());
                for (int i = 0; i < v.size(); i++) {
                    out[i] = fromJson(v.get(i), elem);
                }
                return out;
            }
            case MAP:
            case MULTISET: {
                LogicalType kt = t instanceof MapType ? ((MapType) t).getKeyType() : ((MultisetType) t).getElementType();
                LogicalType vt = t instanceof MapType ? ((MapType) t).getValueType() : new org.apache.flink.table.types.logical.IntType();
                Map<Object, Object> out = new LinkedHashMap<>();
                for (JsonNode pair : v) {
                    out.put(fromJson(pair.get(0), kt), fromJson(pair.get(1), vt));
                }
                return out;
            }
            case ROW: {
                List<RowType.RowField> fields = ((RowType) t).getFields();
                Row row = new Row(fields.size());
                for (int i = 0; i < fields.size(); i++) {
                    JsonNode f = v.isArray() ? v.get(i) : v.get(fields.get(i).getName());
                    row.setField(i, fromJson(f, fields.get(i).getType()));
                }
                return row;
            }
            default:
                throw new IllegalArgumentException("values of type " + t.asSummaryString() + " cannot be passed from TypeScript");
        }
    }

    private static String stripZone(String s) {
        return s.endsWith("Z") ? s.substring(0, s.length() - 1) : s;
    }

    /** Decodes a JSON array of rows (arrays or objects) of the given row type. */
    static Object[] rows(JsonNode values, RowType type) {
        Object[] out = new Object[values.size()];
        Iterator<JsonNode> it = values.iterator();
        for (int i = 0; it.hasNext(); i++) {
            out[i] = fromJson(it.next(), type);
        }
        return out;
    }
}
