package dev.tsflink.gateway;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Base64;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.types.Row;

/**
 * Writes Flink rows as compact JSON for the Node side, which converts values by the schema it
 * already holds: BIGINT and DECIMAL travel as strings (exact), temporal values as ISO strings,
 * bytes as base64, maps as [key, value] pairs, nested rows as arrays.
 */
final class RowJson {
    private RowJson() {}

    static void writeRow(JsonGenerator g, Row row) throws java.io.IOException {
        g.writeStartArray();
        g.writeString(row.getKind().shortString());
        for (int i = 0; i < row.getArity(); i++) {
            writeValue(g, row.getField(i));
        }
        g.writeEndArray();
    }

    static void writeValue(JsonGenerator g, Object v) throws java.io.IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String) {
            g.writeString((String) v);
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).intValue());
        } else if (v instanceof Long) {
            g.writeString(v.toString());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeString(Double.toString(d));
            }
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v instanceof BigDecimal) {
            g.writeString(((BigDecimal) v).toPlainString());
        } else if (v instanceof LocalDate || v instanceof LocalTime || v instanceof LocalDateTime
                || v instanceof Instant) {
            g.writeString(v.toString());
        } else if (v instanceof java.sql.Timestamp) {
            g.writeString(((java.sql.Timestamp) v).toLocalDateTime().toString());
        } else if (v instanceof byte[]) {
            g.writeString(Base64.getEncoder().encodeToString((byte[]) v));
        } else if (v instanceof Row) {
            Row r = (Row) v;
            g.writeStartArray();
            for (int i = 0; i < r.getArity(); i++) {
                writeValue(g, r.getField(i));
            }
            g.writeEndArray();
        } else if (v instanceof Map) {
            g.writeStartArray();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeStartArray();
                writeValue(g, e.getKey());
                writeValue(g, e.getValue());
                g.writeEndArray();
            }
            g.writeEndArray();
        } else if (v.getClass().isArray()) {
            g.writeStartArray();
            int n = Array.getLength(v);
            for (int i = 0; i < n; i++) {
                writeValue(g, Array.get(v, i));
            }
            g.writeEndArray();
        } else {
            g.writeString(v.toString());
        }
    }
}
