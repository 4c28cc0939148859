package dev.tsflink.udf;

import dev.tsflink.gateway.GatewayException;
import dev.tsflink.gateway.Json;
import dev.tsflink.gateway.Types;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.python.PythonBridgeUtils;
import org.apache.flink.api.python.shaded.com.google.protobuf.Descriptors;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.PythonTypeUtils;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;

/**
 * Test support: serializes rows with flink-python's own serializers
 * (PythonTypeUtils.toInternalSerializer, exactly what the Python operators put on the wire) and
 * reads bytes back, so the TypeScript coders can be checked byte for byte against Flink. Values use
 * TSFlink's JSON wire form (src/api/values.ts encodeValue).
 */
public final class CoderGolden {
    private CoderGolden() {}

    /** Rows (JSON arrays of field values) of ROW type `rowTypeSql` → base64 of each row's bytes. */
    public static String serialize(String rowTypeSql, String rowsJson) {
        return GatewayException.guard(() -> {
            RowType type = (RowType) Types.parse(rowTypeSql).getLogicalType();
            @SuppressWarnings("unchecked")
            TypeSerializer<RowData> ser = PythonTypeUtils.toInternalSerializer(type);
            List<String> out = new ArrayList<>();
            for (JsonNode row : Json.parse(rowsJson)) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ser.serialize((RowData) toInternal(row, type), new DataOutputViewStreamWrapper(bytes));
                out.add(Base64.getEncoder().encodeToString(bytes.toByteArray()));
            }
            return Json.write(out);
        });
    }

    /** The inverse of serialize: base64 row bytes → JSON rows ({"kind": n, "fields": [...]}). */
    public static String deserialize(String rowTypeSql, String base64RowsJson) {
        return GatewayException.guard(() -> {
            RowType type = (RowType) Types.parse(rowTypeSql).getLogicalType();
            @SuppressWarnings("unchecked")
            TypeSerializer<RowData> ser = PythonTypeUtils.toInternalSerializer(type);
            List<Object> out = new ArrayList<>();
            for (JsonNode b64 : Json.parse(base64RowsJson)) {
                byte[] bytes = Base64.getDecoder().decode(b64.asText());
                DataInputDeserializer in = new DataInputDeserializer(bytes);
                RowData row = ser.deserialize(in);
                if (in.available() != 0) {
                    throw new IllegalStateException(in.available() + " trailing bytes after the row");
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("kind", (int) row.getRowKind().toByteValue());
                r.put("fields", toJson(row, type));
                out.add(r);
            }
            return Json.write(out);
        });
    }

    /** What the planner sends for a SQL literal argument: PythonBridgeUtils.pickleValue. */
    public static String pickle(String kind, String valueJson) {
        return GatewayException.guard(() -> {
            JsonNode v = Json.parse(valueJson);
            Object value;
            byte type = 0;
            switch (kind) {
                case "null": value = null; break;
                case "byte": value = (byte) v.asInt(); break;
                case "short": value = (short) v.asInt(); break;
                case "int": value = v.asInt(); break;
                case "long": value = Long.parseLong(v.asText()); break;
                case "float": value = (float) v.asDouble(); break;
                case "double": value = v.asDouble(); break;
                case "decimal": value = new BigDecimal(v.asText()); break;
                case "boolean": value = v.asBoolean(); break;
                case "string": value = v.asText(); break;
                case "date": type = 1; value = v.asInt(); break;
                case "time": type = 2; value = v.asInt(); break;
                case "timestamp": type = 3; value = Long.parseLong(v.asText()); break;
                default: throw new IllegalArgumentException("unknown literal kind " + kind);
            }
            return Base64.getEncoder().encodeToString(PythonBridgeUtils.pickleValue(value, type));
        });
    }

    /**
     * Every field (name=number:type) and enum value of flink-fn-execution.proto as compiled into
     * the flink-python jar, to check TSFlink's copy of the .proto against it.
     */
    public static String flinkFnApiFields() {
        return GatewayException.guard(() -> {
            List<String> out = new ArrayList<>();
            for (Descriptors.Descriptor d : org.apache.flink.fnexecution.v1.FlinkFnApi.getDescriptor().getMessageTypes()) {
                describe(d, out);
            }
            for (Descriptors.EnumDescriptor e : org.apache.flink.fnexecution.v1.FlinkFnApi.getDescriptor().getEnumTypes()) {
                describe(e, out);
            }
            java.util.Collections.sort(out);
            return Json.write(out);
        });
    }

    private static void describe(Descriptors.Descriptor d, List<String> out) {
        for (Descriptors.FieldDescriptor f : d.getFields()) {
            out.add(d.getFullName() + "." + f.getName() + "=" + f.getNumber() + ":" + (f.isRepeated() ? "repeated " : "") + f.getType());
        }
        for (Descriptors.Descriptor n : d.getNestedTypes()) {
            describe(n, out);
        }
        for (Descriptors.EnumDescriptor e : d.getEnumTypes()) {
            describe(e, out);
        }
    }

    private static void describe(Descriptors.EnumDescriptor e, List<String> out) {
        for (Descriptors.EnumValueDescriptor v : e.getValues()) {
            out.add(e.getFullName() + "." + v.getName() + "=" + v.getNumber());
        }
    }

    static Object toInternal(JsonNode v, LogicalType t) {
        if (v == null || v.isNull()) {
            return null;
        }
        switch (t.getTypeRoot()) {
            case CHAR:
            case VARCHAR: return StringData.fromString(v.asText());
            case BOOLEAN: return v.asBoolean();
            case TINYINT: return (byte) v.asInt();
            case SMALLINT: return (short) v.asInt();
            case INTEGER: return v.asInt();
            case BIGINT: return Long.parseLong(v.asText());
            case FLOAT: return v.isTextual() ? Float.parseFloat(v.asText()) : (float) v.asDouble();
            case DOUBLE: return v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
            case DECIMAL: {
                DecimalType d = (DecimalType) t;
                return DecimalData.fromBigDecimal(new BigDecimal(v.asText()), d.getPrecision(), d.getScale());
            }
            case DATE: return (int) LocalDate.parse(v.asText()).toEpochDay();
            case TIME_WITHOUT_TIME_ZONE: return (int) (LocalTime.parse(v.asText()).toNanoOfDay() / 1_000_000);
            case TIMESTAMP_WITHOUT_TIME_ZONE: return TimestampData.fromLocalDateTime(LocalDateTime.parse(v.asText()));
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE: return TimestampData.fromInstant(Instant.parse(v.asText()));
            case BINARY:
            case VARBINARY: return Base64.getDecoder().decode(v.asText());
            case ARRAY: {
                LogicalType el = ((ArrayType) t).getElementType();
                Object[] items = new Object[v.size()];
                for (int i = 0; i < items.length; i++) items[i] = toInternal(v.get(i), el);
                return new GenericArrayData(items);
            }
            case MAP: {
                MapType m = (MapType) t;
                Map<Object, Object> entries = new LinkedHashMap<>();
                for (JsonNode e : v) entries.put(toInternal(e.get(0), m.getKeyType()), toInternal(e.get(1), m.getValueType()));
                return new GenericMapData(entries);
            }
            case ROW: {
                RowType r = (RowType) t;
                GenericRowData row = new GenericRowData(RowKind.INSERT, r.getFieldCount());
                for (int i = 0; i < r.getFieldCount(); i++) row.setField(i, toInternal(v.get(i), r.getTypeAt(i)));
                return row;
            }
            default: throw new IllegalArgumentException("unsupported type " + t);
        }
    }

    static Object toJson(Object v, LogicalType t) {
        if (v == null) {
            return null;
        }
        switch (t.getTypeRoot()) {
            case CHAR:
            case VARCHAR: return v.toString();
            case BIGINT: return v.toString();
            case FLOAT:
            case DOUBLE: {
                double d = ((Number) v).doubleValue();
                return Double.isFinite(d) ? v : String.valueOf(d);
            }
            case DECIMAL: return ((DecimalData) v).toBigDecimal().toPlainString();
            case DATE: return LocalDate.ofEpochDay((Integer) v).toString();
            case TIME_WITHOUT_TIME_ZONE: return LocalTime.ofNanoOfDay((Integer) v * 1_000_000L).toString();
            case TIMESTAMP_WITHOUT_TIME_ZONE: return ((TimestampData) v).toLocalDateTime().toString();
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE: return ((TimestampData) v).toInstant().toString();
            case BINARY:
            case VARBINARY: return Base64.getEncoder().encodeToString((byte[]) v);
            case ARRAY: {
                ArrayData a = (ArrayData) v;
                LogicalType el = ((ArrayType) t).getElementType();
                ArrayData.ElementGetter g = ArrayData.createElementGetter(el);
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) out.add(toJson(g.getElementOrNull(a, i), el));
                return out;
            }
            case MAP: {
                MapData m = (MapData) v;
                MapType mt = (MapType) t;
                ArrayData.ElementGetter kg = ArrayData.createElementGetter(mt.getKeyType());
                ArrayData.ElementGetter vg = ArrayData.createElementGetter(mt.getValueType());
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < m.size(); i++) {
                    List<Object> e = new ArrayList<>();
                    e.add(toJson(kg.getElementOrNull(m.keyArray(), i), mt.getKeyType()));
                    e.add(toJson(vg.getElementOrNull(m.valueArray(), i), mt.getValueType()));
                    out.add(e);
                }
                return out;
            }
            case ROW: {
                RowData row = (RowData) v;
                RowType r = (RowType) t;
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < r.getFieldCount(); i++) {
                    LogicalType ft = r.getTypeAt(i);
                    // a NULL-typed field has no getter (createFieldGetter refuses it): its value is null
                    out.add(ft.getTypeRoot() == LogicalTypeRoot.NULL ? null : toJson(RowData.createFieldGetter(ft, i).getFieldOrNull(row), ft));
                }
                return out;
            }
            default: return v;
        }
    }
}
