package dev.tsflink.datastream;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;

/**
 * Row (the TS DataStream's typed ROW_NAMED records) ↔ RowData (Flink's internal rows, what the
 * Parquet writer takes and its columnar reader produces), field by field for the basic types a
 * ParquetConnectors row type has. PyFlink does the same with flink-python's RowRowMapper before a
 * RowData bulk writer; the reader side it leaves to the user, whose records are then RowData.
 */
final class RowDataConversions {
    private RowDataConversions() {}

    /** Before a RowData sink: strings become StringData, the other basic types are the same objects. */
    static final class ToRowData implements MapFunction<Row, RowData> {
        private static final long serialVersionUID = 1L;
        private final String[] names;
        private final boolean[] strings;

        ToRowData(RowType type) {
            names = type.getFieldNames().toArray(new String[0]);
            strings = new boolean[names.length];
            for (int i = 0; i < names.length; i++) strings[i] = type.getTypeAt(i).getTypeRoot() == LogicalTypeRoot.VARCHAR;
        }

        @Override
        public RowData map(Row row) {
            GenericRowData out = new GenericRowData(row.getKind(), names.length);
            // a Row in name-based mode has no positions (getField(int) would throw)
            boolean byName = row.getFieldNames(false) != null;
            for (int i = 0; i < names.length; i++) {
                Object v = byName ? row.getField(names[i]) : row.getField(i);
                out.setField(i, v != null && strings[i] ? StringData.fromString((String) v) : v);
            }
            return out;
        }
    }

    /** After a RowData source: each field read with its type's getter (a columnar row reuses its vectors, so values are copied out). */
    static final class FromRowData implements MapFunction<RowData, Row> {
        private static final long serialVersionUID = 1L;
        private final LogicalTypeRoot[] roots;

        FromRowData(RowType type) {
            roots = new LogicalTypeRoot[type.getFieldCount()];
            for (int i = 0; i < roots.length; i++) roots[i] = type.getTypeAt(i).getTypeRoot();
        }

        @Override
        public Row map(RowData row) {
            Row out = new Row(row.getRowKind(), roots.length);
            for (int i = 0; i < roots.length; i++) {
                if (row.isNullAt(i)) continue;
                switch (roots[i]) {
                    case VARCHAR: out.setField(i, row.getString(i).toString()); break;
                    case BOOLEAN: out.setField(i, row.getBoolean(i)); break;
                    case INTEGER: out.setField(i, row.getInt(i)); break;
                    case BIGINT: out.setField(i, row.getLong(i)); break;
                    case FLOAT: out.setField(i, row.getFloat(i)); break;
                    case DOUBLE: out.setField(i, row.getDouble(i)); break;
                    default: throw new IllegalStateException("unexpected column type " + roots[i]);
                }
            }
            return out;
        }
    }
}
