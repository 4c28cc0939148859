package dev.tsflink.arrow;

import dev.tsflink.gateway.GatewayException;
import dev.tsflink.gateway.Handles;
import dev.tsflink.gateway.JobCancellation;
import dev.tsflink.gateway.Json;
import java.io.FileOutputStream;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.python.shaded.org.apache.arrow.memory.BufferAllocator;
import org.apache.flink.api.python.shaded.org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.flink.api.python.shaded.org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.conversion.DataStructureConverter;
import org.apache.flink.table.data.conversion.DataStructureConverters;
import org.apache.flink.table.runtime.arrow.ArrowUtils;
import org.apache.flink.table.runtime.arrow.ArrowWriter;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.utils.TypeConversions;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

/**
 * The JVM half of {@code table.toArrow()}: collects a query's rows and writes them with
 * flink-python's Arrow writers into an Arrow IPC stream file that Node reads in one go.
 *
 * <p>Like PyFlink's to_pandas: an insert-only result is written batch by batch as it arrives; an
 * updating result (a streaming aggregation, ...) is materialized first, applying -U/-D to the rows
 * they retract, so the file holds the final table once the job ends.
 *
 * <p>{@link #start} and {@link #attach} plan/submit and must run on the gateway's API thread, so
 * Node calls them through {@code Gateway.invoke} on this object's handle; {@link #write} blocks
 * until the result ends and runs on a java-bridge worker thread.
 */
public final class ArrowExport {
    private final String path;
    private final int maxBatchRows;
    private TableResult result;
    private boolean appendOnly;
    private volatile CloseableIterator<Row> rows;
    private volatile boolean cancelled;

    private ArrowExport(String path, int maxBatchRows) {
        this.path = path;
        this.maxBatchRows = maxBatchRows;
    }

    /** A new export into the file at a path given as a JSON string literal; returns its handle. */
    public static int create(String pathJson, int maxBatchRows) {
        return GatewayException.guard(() -> {
            if (maxBatchRows < 1) {
                throw new IllegalArgumentException("batchSize must be positive, got " + maxBatchRows);
            }
            return Handles.put(new ArrowExport(Json.parse(pathJson).asText(), maxBatchRows));
        });
    }

    /** Submits the table's query, noting whether its result is insert-only. */
    public void start(Table table) {
        ArrowUtils.checkArrowUsable();
        appendOnly = isAppendOnly(table);
        result = table.execute();
    }

    /** Exports an already executed result; appendOnly false materializes it (safe for any result). */
    public void attach(TableResult executed, boolean insertOnly) {
        ArrowUtils.checkArrowUsable();
        appendOnly = insertOnly;
        result = executed;
    }

    /** Collects the result into the file; returns {"rows": n, "batches": n}. */
    public static String write(int export) {
        return GatewayException.guard(() -> {
            ArrowExport e = Handles.get(export);
            try {
                return e.writeFile();
            } finally {
                Handles.release(export);
            }
        });
    }

    /** Stops a running export: closing the collect iterator cancels the job. */
    public static void cancel(int export) {
        GatewayException.guard(() -> {
            ArrowExport e = Handles.get(export);
            e.cancelled = true;
            CloseableIterator<Row> it = e.rows;
            if (it != null) {
                JobCancellation.awaitTasksStarted(e.result);
                it.close();
            }
            return null;
        });
    }

    private String writeFile() throws Exception {
        if (result == null) {
            throw new IllegalStateException("the Arrow export was not started");
        }
        RowType rowType = (RowType) result.getResolvedSchema().toPhysicalRowDataType().getLogicalType();
        // collect() hands out rows with the default Java classes (String, Instant, ...), whatever
        // conversion classes the source's schema declares.
        DataType rowDataType = TypeConversions.fromLogicalToDataType(rowType);
        DataStructureConverter<Object, Object> converter = DataStructureConverters.getConverter(rowDataType);
        converter.open(ArrowExport.class.getClassLoader());
        long count = 0;
        int batches = 0;
        try (BufferAllocator allocator =
                        ArrowUtils.getRootAllocator().newChildAllocator("tsflink-arrow-export", 0, Long.MAX_VALUE);
                VectorSchemaRoot root = VectorSchemaRoot.create(ArrowUtils.toArrowSchema(rowType), allocator);
                FileOutputStream out = new FileOutputStream(path);
                ArrowStreamWriter stream = new ArrowStreamWriter(root, null, out.getChannel());
                CloseableIterator<Row> it = result.collect()) {
            rows = it;
            if (cancelled) {
                throw new java.util.concurrent.CancellationException("the Arrow export was cancelled");
            }
            ArrowWriter<RowData> writer = ArrowUtils.createRowDataArrowWriter(root, rowType);
            stream.start();
            Iterable<Row> source = appendOnly ? () -> it : materialize(it);
            int inBatch = 0;
            for (Row row : source) {
                writer.write((RowData) converter.toInternalOrNull(row));
                count++;
                if (++inBatch == maxBatchRows) {
                    writer.finish();
                    stream.writeBatch();
                    writer.reset();
                    batches++;
                    inBatch = 0;
                }
            }
            if (inBatch > 0) {
                writer.finish();
                stream.writeBatch();
                batches++;
            }
            stream.end();
        } catch (RuntimeException ex) {
            if (cancelled) {
                throw new java.util.concurrent.CancellationException("the Arrow export was cancelled");
            }
            throw ex;
        }
        return "{\"rows\":" + count + ",\"batches\":" + batches + "}";
    }

    /**
     * Applies a changelog to the rows it retracts: +I/+U add a row, -U/-D remove an equal earlier
     * one (as PyFlink's to_pandas does), keeping the survivors in arrival order.
     */
    private static List<Row> materialize(CloseableIterator<Row> changelog) {
        List<Row> rows = new ArrayList<>();
        Map<Row, ArrayDeque<Integer>> positions = new HashMap<>();
        int live = 0;
        while (changelog.hasNext()) {
            Row row = changelog.next();
            RowKind kind = row.getKind();
            row.setKind(RowKind.INSERT);
            if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
                positions.computeIfAbsent(row, r -> new ArrayDeque<>()).addLast(rows.size());
                rows.add(row);
                live++;
            } else {
                ArrayDeque<Integer> at = positions.get(row);
                if (at == null || at.isEmpty()) {
                    throw new IllegalStateException("the changelog retracts a row it never inserted: " + row);
                }
                rows.set(at.pollFirst(), null);
                live--;
            }
        }
        List<Row> out = new ArrayList<>(live);
        for (Row r : rows) {
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** Asks the planner (through flink-python's own check) whether the query only inserts rows. */
    private static boolean isAppendOnly(Table table) {
        try {
            Method m = ArrowUtils.class.getDeclaredMethod("isAppendOnlyTable", Table.class);
            m.setAccessible(true);
            return (Boolean) m.invoke(null, table);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Materializing is correct for every result, only less incremental.
            return false;
        }
    }
}
