package dev.tsflink.arrow;

import dev.tsflink.gateway.GatewayException;
import dev.tsflink.gateway.Handles;
import dev.tsflink.gateway.Json;
import dev.tsflink.gateway.Types;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import org.apache.flink.api.python.shaded.org.apache.arrow.memory.BufferAllocator;
import org.apache.flink.api.python.shaded.org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.flink.api.python.shaded.org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.arrow.ArrowUtils;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The JVM half of {@code tEnv.fromArrow}: Node writes an Arrow IPC stream to a file, laid out
 * exactly as flink-python's {@link ArrowUtils#toArrowSchema} expects; flink-python's Arrow table
 * source (the one PyFlink's from_pandas uses) reads its record batches in bulk.
 */
public final class ArrowImport {
    private ArrowImport() {}

    /**
     * The Arrow schema Flink uses for a row type, as a base64 IPC stream holding only the schema:
     * Node builds its record batches with exactly these Arrow types. Strings arrive as JSON string
     * literals (ASCII-escaped, so column names outside the BMP survive the bridge).
     */
    public static String arrowSchema(String rowTypeJson) {
        return GatewayException.guard(() -> {
            RowType rowType = rowType(Json.parse(rowTypeJson).asText());
            ArrowUtils.checkArrowUsable();
            try (BufferAllocator allocator =
                            ArrowUtils.getRootAllocator().newChildAllocator("tsflink-arrow-schema", 0, Long.MAX_VALUE);
                    VectorSchemaRoot root = VectorSchemaRoot.create(ArrowUtils.toArrowSchema(rowType), allocator)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out);
                writer.start();
                writer.end();
                writer.close();
                return Base64.getEncoder().encodeToString(out.toByteArray());
            }
        });
    }

    /**
     * A TableDescriptor for flink-python's Arrow source holding the record batches of the IPC stream
     * at {@code path} (read here, so the file may be deleted afterwards). Returns its handle.
     */
    public static int sourceDescriptor(String rowTypeJson, String pathJson) {
        return GatewayException.guard(() -> {
            String rowTypeSql = Json.parse(rowTypeJson).asText();
            String path = Json.parse(pathJson).asText();
            rowType(rowTypeSql);
            DataType type = Types.parse(rowTypeSql).notNull().bridgedTo(RowData.class);
            return Handles.put(ArrowUtils.createArrowTableSourceDesc(type, path));
        });
    }

    private static RowType rowType(String rowTypeSql) {
        DataType type = Types.parse(rowTypeSql);
        if (!(type.getLogicalType() instanceof RowType)) {
            throw new IllegalArgumentException("an Arrow table needs a ROW type, got " + rowTypeSql);
        }
        return (RowType) type.getLogicalType();
    }
}
