package dev.tsflink.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.python.util.PythonConfigUtil;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.typeinfo.python.PickledByteArrayTypeInfo;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.internal.StreamTableEnvironmentImpl;
import org.apache.flink.table.api.internal.TableImpl;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;

/**
 * Table ↔ DataStream for the TS StreamTableEnvironment (src/api/datastream/stream-table-environment.ts):
 * Flink's own StreamTableEnvironment (the session environment's {@link SessionTableEnvironment#bridge})
 * does the conversion; this class adapts the results to the TS DataStream API.
 *
 * <ul>
 *   <li>A Table made from a stream is re-created on the session environment (same query operation),
 *       so it belongs to tEnv like any other table: tEnv.createTemporaryView, executeSql and
 *       Table.execute() accept it (Flink refuses tables of another TableEnvironment).
 *   <li>A stream made from a table carries Flink's ExternalTypeInfo, which flink-python's operators
 *       (and so TS functions) cannot read: a pass-through map re-types it to the RowTypeInfo (or
 *       basic type) of the same values, whose serializer keeps each row's RowKind (the worker's row
 *       coder reads it, and DataStreams.encode sends it to Node).
 * </ul>
 */
public final class TableInterop {
    private TableInterop() {}

    /** Table of a DataStream (fromDataStream(stream[, schema])), on the session environment. */
    public static int fromDataStream(int tEnv, int senv, int stream, int schema) {
        return ApiThread.run(() -> {
            SessionTableEnvironment t = Handles.get(tEnv);
            DataStream<Object> s = typedStream(stream);
            StreamTableEnvironmentImpl b = t.bridge(Handles.get(senv));
            Table table = schema < 0 ? b.fromDataStream(s) : b.fromDataStream(s, (Schema) Handles.get(schema));
            return Handles.put(t.createTable(((TableImpl) table).getQueryOperation()));
        });
    }

    /**
     * fromChangelogStream(stream[, schema[, mode]]): a table of a stream of rows with their RowKind.
     * mode: "insertOnly" | "upsert" | "all" (Java's ChangelogMode factories), or null for the
     * default (all kinds).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int fromChangelogStream(int tEnv, int senv, int stream, int schema, String mode) {
        return ApiThread.run(() -> {
            SessionTableEnvironment t = Handles.get(tEnv);
            DataStream s = typedStream(stream);
            if (!(s.getType() instanceof org.apache.flink.api.java.typeutils.RowTypeInfo)) {
                throw new IllegalArgumentException("fromChangelogStream needs a stream of rows (Types.ROW_NAMED(...)), this one's records are " + s.getType());
            }
            StreamTableEnvironmentImpl b = t.bridge(Handles.get(senv));
            Table table;
            if (mode != null) {
                ChangelogMode m;
                switch (mode) {
                    case "insertOnly": m = ChangelogMode.insertOnly(); break;
                    case "upsert": m = ChangelogMode.upsert(); break;
                    case "all": m = ChangelogMode.all(); break;
                    default: throw new IllegalArgumentException("unknown changelog mode " + mode);
                }
                table = b.fromChangelogStream(s, schema < 0 ? Schema.derived() : (Schema) Handles.get(schema), m);
            } else {
                table = schema < 0 ? b.fromChangelogStream(s) : b.fromChangelogStream(s, (Schema) Handles.get(schema));
            }
            return Handles.put(t.createTable(((TableImpl) table).getQueryOperation()));
        });
    }

    /** createStatementSet() of the StreamTableEnvironment: a StreamStatementSet (attachAsDataStream) on the bridge. */
    public static int createStatementSet(int tEnv, int senv) {
        return ApiThread.run(() -> {
            SessionTableEnvironment t = Handles.get(tEnv);
            return Handles.put(t.bridge(Handles.get(senv)).createStatementSet());
        });
    }

    /** createTemporaryView(path, stream[, schema]): a view in the session's (shared) catalog. */
    public static void createTemporaryView(int tEnv, int senv, String path, int stream, int schema) {
        ApiThread.run(() -> {
            SessionTableEnvironment t = Handles.get(tEnv);
            DataStream<Object> s = typedStream(stream);
            StreamTableEnvironmentImpl b = t.bridge(Handles.get(senv));
            if (schema < 0) b.createTemporaryView(path, s);
            else b.createTemporaryView(path, s, (Schema) Handles.get(schema));
            return null;
        });
    }

    /**
     * toDataStream(table[, targetType]) (changelog false) or toChangelogStream(table[, schema])
     * (changelog true; target is a Schema handle there). Returns {"h": stream handle, "spec": the TS
     * type spec of its records}.
     */
    public static String toStream(int tEnv, int senv, int table, boolean changelog, String targetSqlType, int schema) {
        return ApiThread.run(() -> {
            SessionTableEnvironment t = Handles.get(tEnv);
            StreamExecutionEnvironment env = Handles.get(senv);
            StreamTableEnvironmentImpl b = t.bridge(env);
            Table tbl = Handles.get(table);
            DataStream<?> out;
            if (changelog) {
                out = schema < 0 ? b.toChangelogStream(tbl) : b.toChangelogStream(tbl, (Schema) Handles.get(schema));
            } else {
                out = targetSqlType == null ? b.toDataStream(tbl) : b.toDataStream(tbl, dev.tsflink.gateway.Types.parse(targetSqlType));
            }
            DataType type = ((ExternalTypeInfo<?>) out.getType()).getDataType();
            Converted c = convert(type.getLogicalType(), "the result");
            @SuppressWarnings({"unchecked", "rawtypes"})
            SingleOutputStreamOperator<Object> typed = ((DataStream) out).map(new PassThrough(), c.info);
            typed.name("To-TSFlink-Records");
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("h", Handles.put(typed));
            result.put("spec", c.spec);
            return Json.write(result);
        });
    }

    /** A stream Flink can make a table of: typed records (the planner reads a byte[] column of V8 bytes as BYTES). */
    private static DataStream<Object> typedStream(int stream) throws Exception {
        DataStream<Object> s = Handles.get(stream);
        if ((Object) s.getType() instanceof PickledByteArrayTypeInfo) {
            throw new IllegalArgumentException("a table needs typed records, and this stream's are untyped (any JS value): give the function that makes it an output type, e.g. map(fn, Types.ROW_NAMED(['word', 'n'], [Types.STRING(), Types.LONG()]))");
        }
        // as PyFlink's from_data_stream: the stream's TS (Python) operators get their configuration and
        // managed memory now, since the table's job may be run by another environment's executor
        PythonConfigUtil.configPythonOperator(s.getExecutionEnvironment());
        return s;
    }

    private static final class Converted {
        final TypeInformation<?> info;
        final Object spec;

        Converted(TypeInformation<?> info, Object spec) {
            this.info = info;
            this.spec = spec;
        }
    }

    /** A table's value type → the DataStream type of the same Java values, and its TS type spec (DataStreams.typeInfo). */
    private static Converted convert(LogicalType t, String where) {
        switch (t.getTypeRoot()) {
            case CHAR:
            case VARCHAR: return new Converted(Types.STRING, "STRING");
            case BOOLEAN: return new Converted(Types.BOOLEAN, "BOOLEAN");
            case INTEGER: return new Converted(Types.INT, "INT");
            case BIGINT: return new Converted(Types.LONG, "LONG");
            case FLOAT: return new Converted(Types.FLOAT, "FLOAT");
            case DOUBLE: return new Converted(Types.DOUBLE, "DOUBLE");
            case ROW: {
                RowType row = (RowType) t;
                List<String> names = row.getFieldNames();
                TypeInformation<?>[] types = new TypeInformation<?>[names.size()];
                List<Object> fields = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    Converted f = convert(row.getTypeAt(i), "column '" + names.get(i) + "'");
                    types[i] = f.info;
                    fields.add(List.of(names.get(i), f.spec));
                }
                return new Converted(Types.ROW_NAMED(names.toArray(new String[0]), types), Map.of("row", fields));
            }
            default:
                throw new IllegalArgumentException(where + " is " + t.asSummaryString()
                        + ", which has no DataStream type in TSFlink yet (STRING, BOOLEAN, INT, BIGINT, FLOAT, DOUBLE and ROWs of them): CAST it in the query");
        }
    }

    /** Re-types the records (the values are the same Java objects); a Row keeps its RowKind. */
    public static final class PassThrough implements MapFunction<Object, Object> {
        @Override
        public Object map(Object value) {
            return value;
        }
    }
}
