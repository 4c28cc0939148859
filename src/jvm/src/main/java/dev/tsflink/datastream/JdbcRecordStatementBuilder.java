package dev.tsflink.datastream;

import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.types.Row;

/**
 * The JdbcStatementBuilder of a TS JdbcSink: sets the statement's ? parameters from fields of a
 * typed record (a Row of Types.ROW_NAMED, a Tuple of Types.TUPLE, or the record itself for a basic
 * type), each with the JDBC setter of its Flink type, and NULL with that type's SQL type.
 *
 * <p>Why a dynamic proxy: JdbcStatementBuilder is in the 'jdbc' connector's jar, which is not on
 * TSFlink's classpath (ConnectorClassLoaders), so no class of ours can implement it at compile
 * time. {@link #create} makes a java.lang.reflect.Proxy of the connector's interface with this
 * (serializable) handler; Java serialization writes a proxy as its interface names plus the
 * handler, and Flink's ClassLoaderObjectInputStream.resolveProxyClass rebuilds it in the job's
 * user-code class loader, where pipeline.jars put the connector's jar.
 */
final class JdbcRecordStatementBuilder implements InvocationHandler, Serializable {
    private static final long serialVersionUID = 1L;

    /** How a record holds its fields. */
    enum RecordKind { ROW, TUPLE, VALUE }

    private final RecordKind kind;
    /** For parameter i (1-based i + 1): the record's field position (unused for VALUE). */
    private final int[] fields;
    /** For parameter i: the field's DataStream type (STRING, BOOLEAN, INT, LONG, FLOAT, DOUBLE). */
    private final String[] types;

    private JdbcRecordStatementBuilder(RecordKind kind, int[] fields, String[] types) {
        if (fields.length != types.length) throw new IllegalArgumentException("one type per field");
        for (String t : types) sqlType(t); // an unknown type fails here, when the sink is built, not in the job
        this.kind = kind;
        this.fields = fields;
        this.types = types;
    }

    /** A JdbcStatementBuilder (the connector's interface, loaded by `cl`) binding these fields. */
    static Object create(ClassLoader cl, Class<?> statementBuilderInterface, RecordKind kind, int[] fields, String[] types) {
        return Proxy.newProxyInstance(cl, new Class<?>[] {statementBuilderInterface}, new JdbcRecordStatementBuilder(kind, fields, types));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "accept":
                if (args != null && args.length == 2) {
                    accept((PreparedStatement) args[0], args[1]);
                    return null;
                }
                break;
            case "equals":
                return args != null && args.length == 1 && proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "JdbcStatementBuilder(" + kind + " fields " + Arrays.toString(fields) + " as " + Arrays.toString(types) + ")";
            default:
                break;
        }
        throw new UnsupportedOperationException(method.toString());
    }

    private void accept(PreparedStatement ps, Object record) throws SQLException {
        for (int i = 0; i < fields.length; i++) set(ps, i + 1, types[i], field(record, i));
    }

    private Object field(Object record, int parameter) {
        switch (kind) {
            case ROW: return ((Row) record).getField(fields[parameter]);
            case TUPLE: return ((Tuple) record).getField(fields[parameter]);
            default: return record;
        }
    }

    private static void set(PreparedStatement ps, int index, String type, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, sqlType(type));
            return;
        }
        switch (type) {
            case "STRING": ps.setString(index, (String) value); break;
            case "BOOLEAN": ps.setBoolean(index, (Boolean) value); break;
            case "INT": ps.setInt(index, ((Number) value).intValue()); break;
            case "LONG": ps.setLong(index, ((Number) value).longValue()); break;
            case "FLOAT": ps.setFloat(index, ((Number) value).floatValue()); break;
            case "DOUBLE": ps.setDouble(index, ((Number) value).doubleValue()); break;
            default: throw new IllegalArgumentException("JdbcSink cannot bind a " + type + " field");
        }
    }

    /** The java.sql.Types code of a DataStream type (what a NULL is sent as). */
    private static int sqlType(String type) {
        switch (type) {
            case "STRING": return Types.VARCHAR;
            case "BOOLEAN": return Types.BOOLEAN;
            case "INT": return Types.INTEGER;
            case "LONG": return Types.BIGINT;
            case "FLOAT": return Types.REAL;
            case "DOUBLE": return Types.DOUBLE;
            default: throw new IllegalArgumentException("JdbcSink cannot bind a " + type + " field (JDBC parameters take STRING, BOOLEAN, INT, LONG, FLOAT or DOUBLE)");
        }
    }
}
