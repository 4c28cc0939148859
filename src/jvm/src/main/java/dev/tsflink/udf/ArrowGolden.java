package dev.tsflink.udf;

import dev.tsflink.gateway.GatewayException;
import dev.tsflink.gateway.Json;
import dev.tsflink.gateway.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.python.shaded.org.apache.arrow.memory.BufferAllocator;
import org.apache.flink.api.python.shaded.org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.flink.core.memory.ByteArrayInputStreamWithPos;
import org.apache.flink.core.memory.ByteArrayOutputStreamWithPos;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.arrow.ArrowUtils;
import org.apache.flink.table.runtime.arrow.serializers.ArrowSerializer;
import org.apache.flink.table.types.logical.RowType;

/**
 * Test support: Arrow batches written and read by flink-python's own Arrow code, exactly as its
 * Arrow operators (ArrowPythonScalarFunctionOperator and the Arrow aggregate operators) exchange
 * them with the worker, so the worker's Arrow batches (src/worker/coders/arrow-batch.ts) can be
 * checked against Flink's. Rows use TSFlink's JSON wire form, as in {@link CoderGolden}.
 */
public final class ArrowGolden {
    private ArrowGolden() {}

    /**
     * Rows (JSON arrays of field values) of ROW type `rowTypeSql` → base64 of the Arrow IPC stream
     * the operator sends to the worker for them: the schema and one record batch, written by
     * flink-python's ArrowSerializer (ArrowUtils.createRowDataArrowWriter + ArrowStreamWriter), as
     * in the operator's invokeCurrentBatch.
     */
    public static String write(String rowTypeSql, String rowsJson) {
        return GatewayException.guard(() -> {
            RowType type = rowType(rowTypeSql);
            ByteArrayOutputStreamWithPos out = new ByteArrayOutputStreamWithPos();
            ArrowSerializer serializer = new ArrowSerializer(type, type);
            serializer.open(new ByteArrayInputStreamWithPos(new byte[0]), out);
            try {
                for (JsonNode row : Json.parse(rowsJson)) {
                    serializer.write((RowData) CoderGolden.toInternal(row, type));
                }
                serializer.finishCurrentBatch();
                // the operator hands exactly these bytes to the runner; close() would add an end-of-stream marker
                return Base64.getEncoder().encodeToString(out.toByteArray());
            } finally {
                serializer.close();
            }
        });
    }

    /**
     * The inverse of write, for what the worker answers: base64 of an Arrow IPC stream → {"rows":
     * JSON rows read by flink-python's ArrowSerializer (ArrowUtils.createArrowReader over the
     * stream's first batch, as the operator's emitResult reads a result element), "schema": the
     * Arrow schema in the stream, in Arrow's JSON form (compare it with {@link #schema})}.
     */
    public static String read(String rowTypeSql, String base64Stream) {
        return GatewayException.guard(() -> {
            RowType type = rowType(rowTypeSql);
            byte[] bytes = Base64.getDecoder().decode(base64Stream);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("rows", readRows(type, bytes));
            out.put("schema", schemaIn(bytes));
            return Json.write(out);
        });
    }

    /** ArrowUtils.toArrowSchema in Arrow's JSON form (or its refusal, as a GatewayException). */
    public static String schema(String rowTypeSql) {
        return GatewayException.guard(() -> ArrowUtils.toArrowSchema(rowType(rowTypeSql)).toJson());
    }

    private static RowType rowType(String sql) {
        return (RowType) Types.parse(sql).getLogicalType();
    }

    private static List<Object> readRows(RowType type, byte[] bytes) throws Exception {
        // the operator's serializer reads results by their output type; its input type (the UDF
        // arguments, written the other way) plays no part, so none is given
        ArrowSerializer serializer = new ArrowSerializer(RowType.of(), type);
        serializer.open(new ByteArrayInputStreamWithPos(bytes), new ByteArrayOutputStreamWithPos());
        try {
            int n = serializer.load();
            List<Object> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                // the row is a view of the loaded vectors: convert it before the serializer closes
                rows.add(CoderGolden.toJson(serializer.read(i), type));
            }
            return rows;
        } finally {
            serializer.close();
        }
    }

    private static String schemaIn(byte[] bytes) throws Exception {
        try (BufferAllocator allocator = ArrowUtils.getRootAllocator().newChildAllocator("golden", 0, Long.MAX_VALUE);
                ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStreamWithPos(bytes), allocator)) {
            return reader.getVectorSchemaRoot().getSchema().toJson();
        }
    }
}
