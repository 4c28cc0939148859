package dev.tsflink.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.type.TypeReference;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.catalog.stats.CatalogColumnStatistics;
import org.apache.flink.table.catalog.stats.CatalogColumnStatisticsDataBase;
import org.apache.flink.table.catalog.stats.CatalogColumnStatisticsDataBinary;
import org.apache.flink.table.catalog.stats.CatalogColumnStatisticsDataBoolean;
import org.apache.flink.table.catalog.stats.CatalogColumnStatisticsDataDate;
import org.apache.flink.table.catalog.stats.CatalogColumnStatisticsDataDouble;
import org.apache.flink.table.catalog.stats.CatalogColumnStatisticsDataLong;
import org.apache.flink.table.catalog.stats.CatalogColumnStatisticsDataString;
import org.apache.flink.table.catalog.stats.CatalogTableStatistics;
import org.apache.flink.table.catalog.stats.Date;

/**
 * Catalog statistics as JSON both ways: TS holds them as plain value objects (src/api/catalog-stats.ts)
 * and hands them to a Catalog's alter*Statistics as a handle made here; get*Statistics results come
 * back through the *Json readers. Column data: {"type": "LONG"|"DOUBLE"|"STRING"|"BOOLEAN"|"BINARY"|
 * "DATE", the type's fields by Java getter name, "nullCount", "properties"}; a DATE's min/max are
 * days since the epoch.
 */
public final class CatalogStats {
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};

    private CatalogStats() {}

    /** A CatalogTableStatistics from {rowCount, fileCount, totalSize, rawDataSize, properties}, as a handle. */
    public static int tableStatistics(String json) {
        return ApiThread.run(() -> Handles.put(table(Json.parse(json))));
    }

    /** A CatalogColumnStatistics from {columns: {name: data}, properties}, as a handle. */
    public static int columnStatistics(String json) {
        return ApiThread.run(() -> Handles.put(columns(Json.parse(json))));
    }

    /** The handle's CatalogTableStatistics, or a List of them (bulkGet...), as JSON. */
    public static String tableStatisticsJson(int handle) {
        return ApiThread.run(() -> {
            Object o = Handles.get(handle);
            if (o instanceof List) {
                return Json.write(((List<?>) o).stream().map(s -> toJson((CatalogTableStatistics) s)).toList());
            }
            return Json.write(toJson((CatalogTableStatistics) o));
        });
    }

    /** The handle's CatalogColumnStatistics, or a List of them, as JSON. */
    public static String columnStatisticsJson(int handle) {
        return ApiThread.run(() -> {
            Object o = Handles.get(handle);
            if (o instanceof List) {
                return Json.write(((List<?>) o).stream().map(s -> toJson((CatalogColumnStatistics) s)).toList());
            }
            return Json.write(toJson((CatalogColumnStatistics) o));
        });
    }

    private static Map<String, String> props(JsonNode n) {
        JsonNode p = n.get("properties");
        return p == null || p.isNull() ? new LinkedHashMap<>() : Json.MAPPER.convertValue(p, STRINGS);
    }

    private static Long lng(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asLong();
    }

    private static Double dbl(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asDouble();
    }

    private static Date date(JsonNode n, String field) {
        Long days = lng(n, field);
        return days == null ? null : new Date(days);
    }

    private static CatalogTableStatistics table(JsonNode n) {
        return new CatalogTableStatistics(
                n.path("rowCount").asLong(), n.path("fileCount").asInt(), n.path("totalSize").asLong(),
                n.path("rawDataSize").asLong(), props(n));
    }

    private static CatalogColumnStatistics columns(JsonNode n) {
        Map<String, CatalogColumnStatisticsDataBase> data = new LinkedHashMap<>();
        n.path("columns").fields().forEachRemaining(f -> data.put(f.getKey(), columnData(f.getKey(), f.getValue())));
        return new CatalogColumnStatistics(data, props(n));
    }

    private static CatalogColumnStatisticsDataBase columnData(String column, JsonNode n) {
        String type = n.path("type").asText();
        Long nulls = lng(n, "nullCount");
        switch (type) {
            case "LONG":
                return new CatalogColumnStatisticsDataLong(lng(n, "min"), lng(n, "max"), lng(n, "ndv"), nulls, props(n));
            case "DOUBLE":
                return new CatalogColumnStatisticsDataDouble(dbl(n, "min"), dbl(n, "max"), lng(n, "ndv"), nulls, props(n));
            case "STRING":
                return new CatalogColumnStatisticsDataString(lng(n, "maxLength"), dbl(n, "avgLength"), lng(n, "ndv"), nulls, props(n));
            case "BOOLEAN":
                return new CatalogColumnStatisticsDataBoolean(lng(n, "trueCount"), lng(n, "falseCount"), nulls, props(n));
            case "BINARY":
                return new CatalogColumnStatisticsDataBinary(lng(n, "maxLength"), dbl(n, "avgLength"), nulls, props(n));
            case "DATE":
                return new CatalogColumnStatisticsDataDate(date(n, "min"), date(n, "max"), lng(n, "ndv"), nulls, props(n));
            default:
                throw new IllegalArgumentException("column '" + column + "': unknown column statistics type '" + type + "'");
        }
    }

    private static Map<String, Object> toJson(CatalogTableStatistics s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rowCount", s.getRowCount());
        m.put("fileCount", s.getFileCount());
        m.put("totalSize", s.getTotalSize());
        m.put("rawDataSize", s.getRawDataSize());
        m.put("properties", s.getProperties());
        return m;
    }

    private static Map<String, Object> toJson(CatalogColumnStatistics s) {
        Map<String, Object> columns = new LinkedHashMap<>();
        s.getColumnStatisticsData().forEach((name, d) -> columns.put(name, toJson(d)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("columns", columns);
        m.put("properties", s.getProperties());
        return m;
    }

    private static Map<String, Object> toJson(CatalogColumnStatisticsDataBase d) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (d instanceof CatalogColumnStatisticsDataLong) {
            CatalogColumnStatisticsDataLong l = (CatalogColumnStatisticsDataLong) d;
            m.put("type", "LONG");
            m.put("min", l.getMin());
            m.put("max", l.getMax());
            m.put("ndv", l.getNdv());
        } else if (d instanceof CatalogColumnStatisticsDataDouble) {
            CatalogColumnStatisticsDataDouble x = (CatalogColumnStatisticsDataDouble) d;
            m.put("type", "DOUBLE");
            m.put("min", x.getMin());
            m.put("max", x.getMax());
            m.put("ndv", x.getNdv());
        } else if (d instanceof CatalogColumnStatisticsDataString) {
            CatalogColumnStatisticsDataString x = (CatalogColumnStatisticsDataString) d;
            m.put("type", "STRING");
            m.put("maxLength", x.getMaxLength());
            m.put("avgLength", x.getAvgLength());
            m.put("ndv", x.getNdv());
        } else if (d instanceof CatalogColumnStatisticsDataBoolean) {
            CatalogColumnStatisticsDataBoolean x = (CatalogColumnStatisticsDataBoolean) d;
            m.put("type", "BOOLEAN");
            m.put("trueCount", x.getTrueCount());
            m.put("falseCount", x.getFalseCount());
        } else if (d instanceof CatalogColumnStatisticsDataBinary) {
            CatalogColumnStatisticsDataBinary x = (CatalogColumnStatisticsDataBinary) d;
            m.put("type", "BINARY");
            m.put("maxLength", x.getMaxLength());
            m.put("avgLength", x.getAvgLength());
        } else if (d instanceof CatalogColumnStatisticsDataDate) {
            CatalogColumnStatisticsDataDate x = (CatalogColumnStatisticsDataDate) d;
            m.put("type", "DATE");
            m.put("min", x.getMin() == null ? null : x.getMin().getDaysSinceEpoch());
            m.put("max", x.getMax() == null ? null : x.getMax().getDaysSinceEpoch());
            m.put("ndv", x.getNdv());
        } else {
            throw new IllegalArgumentException("unknown column statistics " + d.getClass().getName());
        }
        m.put("nullCount", d.getNullCount());
        m.put("properties", d.getProperties());
        return m;
    }
}
