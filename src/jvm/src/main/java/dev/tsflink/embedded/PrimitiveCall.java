package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueFunction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * The fast per-row path for functions of numbers and booleans only (BOOLEAN, TINYINT, SMALLINT,
 * INT, BIGINT, FLOAT, DOUBLE in and out): arguments and the result travel through one ArrayBuffer
 * shared between the JVM (a direct ByteBuffer) and V8, and each row is one argument-less JNI call.
 * Javet's general call path (callObject) converts every argument and the result into handle objects
 * and costs about twice as much per row (docs/embedded.md).
 *
 * Layout: slot i (8 bytes at 8*i) holds argument i, slot n the result; a byte per slot after the
 * n+1 slots says NULL (1) or, for the result, a value of the wrong type (2).
 */
final class PrimitiveCall implements AutoCloseable {
    private final int n;
    private final DataType[] inputs;
    private final DataType result;
    private final ByteBuffer buf;
    private final int flags;
    private final V8ValueFunction call;
    private final V8ValueFunction lastResult;

    static boolean applies(DataType[] inputs, DataType result) {
        for (DataType t : inputs) if (!primitive(t)) return false;
        return primitive(result);
    }

    static boolean primitive(DataType t) {
        switch (t.getLogicalType().getTypeRoot()) {
            case BOOLEAN: case TINYINT: case SMALLINT: case INTEGER: case BIGINT: case FLOAT: case DOUBLE:
                return true;
            default:
                return false;
        }
    }

    PrimitiveCall(JsRuntime js, V8ValueFunction fn, com.caoccao.javet.values.V8Value receiver, DataType[] inputs, DataType result) throws JavetException {
        this.n = inputs.length;
        this.inputs = inputs;
        this.result = result;
        this.flags = 8 * (n + 1);
        this.buf = ByteBuffer.allocateDirect(flags + n + 1).order(ByteOrder.nativeOrder());
        StringBuilder src = new StringBuilder("(f, self, ab) => { const d = new Float64Array(ab, 0, ").append(n + 1)
                .append("); const l = new BigInt64Array(ab, 0, ").append(n + 1).append("); const z = new Uint8Array(ab, ").append(flags)
                .append("); let bad; return [() => { const r = f.call(self");
        for (int i = 0; i < n; i++) {
            src.append(", z[").append(i).append("] ? null : ").append(read(inputs[i].getLogicalType().getTypeRoot(), i));
        }
        src.append("); if (r === null || r === undefined) { z[").append(n).append("] = 1; return; } ")
                .append(write(result.getLogicalType().getTypeRoot(), n))
                .append(" }, () => bad]; }");
        try (V8ValueFunction make = js.v8().getExecutor(src.toString()).setResourceName(JsRuntime.GLUE).execute();
                V8ValueArrayBuffer ab = js.v8().createV8ValueArrayBuffer(buf);
                com.caoccao.javet.values.reference.V8ValueArray pair = make.call(null, fn, receiver, ab)) {
            this.call = pair.get(0);
            this.lastResult = pair.get(1);
        }
    }

    /** JS reading slot i as a value of t (d: the buffer as Float64Array, l: as BigInt64Array). */
    static String read(LogicalTypeRoot t, int i) {
        switch (t) {
            case BOOLEAN:
                return "d[" + i + "] !== 0";
            case BIGINT:
                return "l[" + i + "]";
            default:
                return "d[" + i + "]";
        }
    }

    /** JS storing r into slot i, or flagging it (and keeping it for the error) when its type is wrong. */
    static String write(LogicalTypeRoot t, int i) {
        String ok;
        switch (t) {
            case BOOLEAN:
                ok = "typeof r === 'boolean'";
                return "if (" + ok + ") { z[" + i + "] = 0; d[" + i + "] = r ? 1 : 0; } else { z[" + i + "] = 2; bad = r; }";
            case BIGINT:
                return "if (typeof r === 'bigint' && BigInt.asIntN(64, r) === r) { z[" + i + "] = 0; l[" + i + "] = r; } "
                        + "else if (Number.isSafeInteger(r)) { z[" + i + "] = 0; l[" + i + "] = BigInt(r); } else { z[" + i + "] = 2; bad = r; }";
            case FLOAT:
            case DOUBLE:
                return "if (typeof r === 'number') { z[" + i + "] = 0; d[" + i + "] = r; } else { z[" + i + "] = 2; bad = r; }";
            default: {
                long min = t == LogicalTypeRoot.TINYINT ? Byte.MIN_VALUE : t == LogicalTypeRoot.SMALLINT ? Short.MIN_VALUE : Integer.MIN_VALUE;
                long max = t == LogicalTypeRoot.TINYINT ? Byte.MAX_VALUE : t == LogicalTypeRoot.SMALLINT ? Short.MAX_VALUE : Integer.MAX_VALUE;
                return "if (Number.isInteger(r) && r >= " + min + " && r <= " + max + ") { z[" + i + "] = 0; d[" + i + "] = r; } else { z[" + i
                        + "] = 2; bad = r; }";
            }
        }
    }

    /** Calls the function with the row's arguments (Flink's external values); returns the external result. */
    Object call(Object[] args) throws JavetException {
        for (int i = 0; i < n; i++) put(buf, flags, i, inputs[i], args[i]);
        call.callVoid(null);
        switch (buf.get(flags + n)) {
            case 1:
                return null;
            case 2:
                // the wrong value, converted the general way, for JsValues' message
                return JsValues.fromJs(lastResult.callObject(null), result);
            default:
                break;
        }
        return get(buf, n, result);
    }

    /** Writes an external value of t into slot i (its flag byte at flags + i: 1 for NULL). */
    static void put(ByteBuffer buf, int flags, int i, DataType t, Object v) {
        if (v == null) {
            buf.put(flags + i, (byte) 1);
            return;
        }
        buf.put(flags + i, (byte) 0);
        switch (t.getLogicalType().getTypeRoot()) {
            case BOOLEAN:
                buf.putDouble(8 * i, ((Boolean) v) ? 1 : 0);
                break;
            case BIGINT:
                buf.putLong(8 * i, (Long) v);
                break;
            default:
                buf.putDouble(8 * i, ((Number) v).doubleValue());
        }
    }

    /** The external value of t in slot i (its flag already checked). */
    static Object get(ByteBuffer buf, int i, DataType t) {
        switch (t.getLogicalType().getTypeRoot()) {
            case BOOLEAN:
                return buf.getDouble(8 * i) != 0;
            case TINYINT:
                return (byte) buf.getDouble(8 * i);
            case SMALLINT:
                return (short) buf.getDouble(8 * i);
            case INTEGER:
                return (int) buf.getDouble(8 * i);
            case BIGINT:
                return buf.getLong(8 * i);
            case FLOAT:
                return (float) buf.getDouble(8 * i);
            default:
                return buf.getDouble(8 * i);
        }
    }

    @Override
    public void close() throws JavetException {
        call.close();
        lastResult.close();
    }
}
