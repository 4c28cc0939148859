package dev.tsflink.datastream;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * Flink's Parquet bulk format (flink-parquet, in the session's 'parquet' connector) for the
 * DataStream FileSink and FileSource: ParquetRowDataBuilder.createWriterFactory (PyFlink's
 * ParquetBulkWriters.for_row_type) and ParquetColumnarRowInputFormat, built by reflection in a
 * class loader over the session's connector jars (ConnectorClassLoaders says why). Both work on
 * RowData, Flink's internal rows; RowDataConversions turns the TS records' Rows into RowData before
 * the sink and back after the source.
 */
final class ParquetConnectors {
    private ParquetConnectors() {}

    static String missing(String what) {
        return what + " needs the 'parquet' connector: add it with await env.addConnector('parquet'), "
                + "StreamExecutionEnvironment.create({}, { connectors: ['parquet'] }), %connector parquet in the shell or kernel, or tsflink run --connector parquet";
    }

    /**
     * The Parquet writer factory of a bulk FileSink: {rowType: {"row": [[name, type], ...]},
     * hadoopConfig?: {key: value}, utcTimestamp, connectorJars}.
     */
    @SuppressWarnings("unchecked")
    static BulkWriter.Factory<RowData> writerFactory(JsonNode spec) throws Exception {
        String what = "ParquetBulkWriters";
        ClassLoader cl = ConnectorClassLoaders.loader(spec.get("connectorJars"));
        Class<?> builder = ConnectorClassLoaders.load(cl, "org.apache.flink.formats.parquet.row.ParquetRowDataBuilder", missing(what));
        Object conf = hadoopConfiguration(cl, spec.get("hadoopConfig"), what);
        return (BulkWriter.Factory<RowData>) ConnectorClassLoaders.call(builder, "createWriterFactory", rowType(spec.get("rowType")), conf, spec.get("utcTimestamp").asBoolean());
    }

    /**
     * A ParquetColumnarRowInputFormat: {rowType, hadoopConfig?, batchSize, isUtcTimestamp,
     * isCaseSensitive, connectorJars}. Columns are found by name (the row type is the projection).
     */
    @SuppressWarnings("unchecked")
    static BulkFormat<RowData, FileSourceSplit> inputFormat(JsonNode spec) throws Exception {
        String what = "ParquetColumnarRowInputFormat";
        ClassLoader cl = ConnectorClassLoaders.loader(spec.get("connectorJars"));
        Class<?> format = ConnectorClassLoaders.load(cl, "org.apache.flink.formats.parquet.ParquetColumnarRowInputFormat", missing(what));
        Object conf = hadoopConfiguration(cl, spec.get("hadoopConfig"), what);
        RowType rowType = rowType(spec.get("rowType"));
        Class<?> confClass = conf.getClass();
        return (BulkFormat<RowData, FileSourceSplit>) format
                .getConstructor(confClass, RowType.class, TypeInformation.class, int.class, boolean.class, boolean.class)
                .newInstance(conf, rowType, InternalTypeInfo.of(rowType), spec.get("batchSize").asInt(),
                        spec.get("isUtcTimestamp").asBoolean(), spec.get("isCaseSensitive").asBoolean());
    }

    /** Hadoop's Configuration (from the connector's hadoop-client-api), with the given entries. */
    private static Object hadoopConfiguration(ClassLoader cl, JsonNode entries, String what) throws Exception {
        Object conf = ConnectorClassLoaders.load(cl, "org.apache.hadoop.conf.Configuration", missing(what)).getConstructor().newInstance();
        if (entries != null && !entries.isNull()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ConnectorClassLoaders.call(conf, "set", e.getKey(), e.getValue().asText());
            }
        }
        return conf;
    }

    /** The logical RowType of a TS Types.ROW_NAMED of basic fields (all nullable: a TS field may be null). */
    static RowType rowType(JsonNode spec) {
        List<RowType.RowField> fields = new ArrayList<>();
        for (JsonNode f : spec.get("row")) fields.add(new RowType.RowField(f.get(0).asText(), logicalType(f.get(1))));
        return new RowType(true, fields);
    }

    private static LogicalType logicalType(JsonNode spec) {
        switch (spec.isTextual() ? spec.asText() : "") {
            case "STRING": return new VarCharType(true, VarCharType.MAX_LENGTH);
            case "BOOLEAN": return new BooleanType(true);
            case "INT": return new IntType(true);
            case "LONG": return new BigIntType(true);
            case "FLOAT": return new FloatType(true);
            case "DOUBLE": return new DoubleType(true);
            default: throw new IllegalArgumentException("a Parquet column takes STRING, BOOLEAN, INT, LONG, FLOAT or DOUBLE, not " + spec);
        }
    }
}
