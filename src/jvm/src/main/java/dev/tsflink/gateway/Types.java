package dev.tsflink.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.table.types.logical.CharType;
import org.apache.flink.table.types.logical.BinaryType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;
import org.apache.flink.table.types.utils.TypeConversions;

/** SQL type strings from Node become DataTypes; LogicalTypes go back to Node as JSON trees. */
public final class Types {
    private Types() {}

    public static DataType parse(String sqlType) {
        LogicalType logical = LogicalTypeParser.parse(sqlType, Types.class.getClassLoader());
        return TypeConversions.fromLogicalToDataType(logical);
    }

    /** Validates a SQL type string and returns its canonical JSON tree. */
    /** The type tree of a SQL type given as a JSON string (ASCII-safe across java-bridge). */
    public static String describeSql(String sqlTypeJson) {
        return GatewayException.guard(() -> Json.write(describe(parse(Json.parse(sqlTypeJson).asText()).getLogicalType())));
    }

    public static Map<String, Object> describe(LogicalType t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("root", t.getTypeRoot().name());
        out.put("nullable", t.isNullable());
        out.put("sql", t.asSerializableString());
        if (t instanceof DecimalType) {
            out.put("precision", ((DecimalType) t).getPrecision());
            out.put("scale", ((DecimalType) t).getScale());
        } else if (t instanceof TimestampType) {
            out.put("precision", ((TimestampType) t).getPrecision());
            out.put("kind", ((TimestampType) t).getKind().name());
        } else if (t instanceof LocalZonedTimestampType) {
            out.put("precision", ((LocalZonedTimestampType) t).getPrecision());
            out.put("kind", ((LocalZonedTimestampType) t).getKind().name());
        } else if (t instanceof TimeType) {
            out.put("precision", ((TimeType) t).getPrecision());
        } else if (t instanceof VarCharType) {
            out.put("length", ((VarCharType) t).getLength());
        } else if (t instanceof CharType) {
            out.put("length", ((CharType) t).getLength());
        } else if (t instanceof VarBinaryType) {
            out.put("length", ((VarBinaryType) t).getLength());
        } else if (t instanceof BinaryType) {
            out.put("length", ((BinaryType) t).getLength());
        } else if (t instanceof ArrayType) {
            out.put("element", describe(((ArrayType) t).getElementType()));
        } else if (t instanceof MultisetType) {
            out.put("element", describe(((MultisetType) t).getElementType()));
        } else if (t instanceof MapType) {
            out.put("key", describe(((MapType) t).getKeyType()));
            out.put("value", describe(((MapType) t).getValueType()));
        } else if (t instanceof RowType) {
            List<Map<String, Object>> fields = new ArrayList<>();
            for (RowType.RowField f : ((RowType) t).getFields()) {
                Map<String, Object> field = new LinkedHashMap<>();
                field.put("name", f.getName());
                field.put("type", describe(f.getType()));
                fields.add(field);
            }
            out.put("fields", fields);
        }
        return out;
    }

    /** A resolved schema as JSON: columns with name, type tree and kind. */
    public static String describeSchema(ResolvedSchema schema) {
        List<Map<String, Object>> cols = new ArrayList<>();
        for (Column c : schema.getColumns()) {
            Map<String, Object> col = new LinkedHashMap<>();
            col.put("name", c.getName());
            col.put("type", describe(c.getDataType().getLogicalType()));
            col.put("physical", c.isPhysical());
            col.put("persisted", c.isPersisted());
            c.getComment().ifPresent(comment -> col.put("comment", comment));
            cols.add(col);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("columns", cols);
        List<Map<String, Object>> watermarks = new ArrayList<>();
        schema.getWatermarkSpecs().forEach(w -> {
            Map<String, Object> wm = new LinkedHashMap<>();
            wm.put("rowtimeAttribute", w.getRowtimeAttribute());
            wm.put("expression", w.getWatermarkExpression().asSummaryString());
            watermarks.add(wm);
        });
        out.put("watermarks", watermarks);
        schema.getPrimaryKey().ifPresent(pk -> out.put("primaryKey", pk.getColumns()));
        out.put("summary", schema.toString());
        return Json.write(out);
    }
}
