package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.reference.V8ValueArray;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;

/**
 * The per-row path of an embedded aggregate whose accumulator fields, arguments and result are all
 * numbers or booleans (PrimitiveCall's types): the accumulator's fields and the row's arguments go
 * through one ArrayBuffer shared by the JVM and V8, and accumulate, retract and getValue are each one
 * argument-less JNI call. The general path converts a list of fields into a JS array and back for
 * every row, which costs several times more (docs/embedded.md).
 *
 * Layout: slots 0..m-1 the accumulator's fields, m..m+n-1 the arguments, m+n the result, 8 bytes
 * each; then one flag byte per slot: NULL (1) or, for a value the JS side wrote, a wrong type (2).
 */
final class PrimitiveAggregateCall implements AutoCloseable {
    private final String udaf;
    private final String accumulatorSummary;
    private final String[] fields;
    private final DataType[] accTypes;
    private final DataType[] inputs;
    private final DataType result;
    private final int m;
    private final int n;
    private final int flags;
    private final ByteBuffer buf;
    private final V8ValueFunction accumulate;
    private final V8ValueFunction retract;
    private final V8ValueFunction getValue;
    /** The value the JS side flagged as of the wrong type, and its slot: [value, slot]. */
    private final V8ValueFunction lastBad;

    static boolean applies(DataType[] inputs, DataType[] accTypes, DataType result) {
        for (DataType t : inputs) if (!PrimitiveCall.primitive(t)) return false;
        for (DataType t : accTypes) if (!PrimitiveCall.primitive(t)) return false;
        return PrimitiveCall.primitive(result);
    }

    PrimitiveAggregateCall(JsRuntime js, V8ValueObject target, String udaf, String accumulatorSummary, String[] fields, DataType[] accTypes,
            DataType[] inputs, DataType result) throws JavetException {
        this.udaf = udaf;
        this.accumulatorSummary = accumulatorSummary;
        this.fields = fields;
        this.accTypes = accTypes;
        this.inputs = inputs;
        this.result = result;
        this.m = fields.length;
        this.n = inputs.length;
        this.flags = 8 * (m + n + 1);
        this.buf = ByteBuffer.allocateDirect(flags + m + n + 1).order(ByteOrder.nativeOrder());
        int slots = m + n + 1;
        StringBuilder src = new StringBuilder("(target, ab, name) => { const d = new Float64Array(ab, 0, ").append(slots)
                .append("); const l = new BigInt64Array(ab, 0, ").append(slots).append("); const z = new Uint8Array(ab, ").append(flags)
                .append("); let bad, badSlot;")
                .append(" const sync = (p, what) => { if (p instanceof Promise) throw new TypeError(`${what} returned a Promise: in embedded mode"
                        + " aggregate methods are synchronous (use process mode for asynchronous ones)`); return p; };");
        // the accumulator object the user's methods see, from slots 0..m-1
        src.append(" const acc = () => ({");
        for (int i = 0; i < m; i++) {
            src.append(quote(fields[i])).append(": z[").append(i).append("] ? null : ").append(PrimitiveCall.read(accTypes[i].getLogicalType().getTypeRoot(), i)).append(", ");
        }
        src.append("});");
        // its fields back into the slots: undefined and null are NULL, a wrong type is flagged
        src.append(" const store = (o) => { if (o === null || typeof o !== 'object') throw new TypeError('the accumulator must be an object'); let r;");
        for (int i = 0; i < m; i++) {
            src.append(" r = o[").append(quote(fields[i])).append("]; if (r === null || r === undefined) z[").append(i).append("] = 1; else { ")
                    .append(PrimitiveCall.write(accTypes[i].getLogicalType().getTypeRoot(), i)).append(" if (z[").append(i).append("] === 2) badSlot = ")
                    .append(i).append("; }");
        }
        src.append(" };");
        src.append(" const args = () => [");
        for (int i = 0; i < n; i++) {
            src.append("z[").append(m + i).append("] ? null : ").append(PrimitiveCall.read(inputs[i].getLogicalType().getTypeRoot(), m + i)).append(", ");
        }
        src.append("];");
        src.append(" return [")
                .append("() => { const o = acc(); sync(target.accumulate(o, ...args()), 'accumulate()'); store(o); },")
                .append(" () => { if (typeof target.retract !== 'function') throw new TypeError(`TypeScript UDAF '${name}' has no retract() method, which this"
                        + " query needs: its input is an updating table (an aggregate over an aggregate, a join)`);"
                        + " const o = acc(); sync(target.retract(o, ...args()), 'retract()'); store(o); },")
                .append(" () => { const r = sync(target.getValue(acc()), 'getValue()'); if (r === null || r === undefined) { z[").append(m + n)
                .append("] = 1; return; } ").append(PrimitiveCall.write(result.getLogicalType().getTypeRoot(), m + n)).append(" if (z[").append(m + n)
                .append("] === 2) badSlot = ").append(m + n).append("; },")
                .append(" () => [bad, badSlot]]; }");
        try (V8ValueFunction make = js.v8().getExecutor(src.toString()).setResourceName(JsRuntime.GLUE).execute();
                V8ValueArrayBuffer ab = js.v8().createV8ValueArrayBuffer(buf);
                V8ValueArray made = make.call(null, target, ab, udaf)) {
            accumulate = made.get(0);
            retract = made.get(1);
            getValue = made.get(2);
            lastBad = made.get(3);
        }
    }

    private static String quote(String field) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : field.toCharArray()) {
            if (c == '"' || c == '\\') q.append('\\');
            if (c < 0x20 || c > 0x7e) q.append(String.format("\\u%04x", (int) c));
            else q.append(c);
        }
        return q.append('"').toString();
    }

    void accumulate(Row acc, Object[] args) throws JavetException {
        update(accumulate, acc, args);
    }

    void retract(Row acc, Object[] args) throws JavetException {
        update(retract, acc, args);
    }

    private void update(V8ValueFunction method, Row acc, Object[] args) throws JavetException {
        putAccumulator(acc);
        for (int i = 0; i < n; i++) PrimitiveCall.put(buf, flags, m + i, inputs[i], args[i]);
        method.callVoid(null);
        for (int i = 0; i < m; i++) {
            byte flag = buf.get(flags + i);
            if (flag == 2) throw badAccumulatorField();
            acc.setField(i, flag == 1 ? null : PrimitiveCall.get(buf, i, accTypes[i]));
        }
    }

    Object getValue(Row acc) throws JavetException {
        putAccumulator(acc);
        getValue.callVoid(null);
        switch (buf.get(flags + m + n)) {
            case 1:
                return null;
            case 2:
                throw new JsRuntime.UdfException("TypeScript UDAF '" + udaf + "' produced a value that does not match its result type: " + mismatch(result));
            default:
                return PrimitiveCall.get(buf, m + n, result);
        }
    }

    private void putAccumulator(Row acc) {
        for (int i = 0; i < m; i++) PrimitiveCall.put(buf, flags, i, accTypes[i], acc.getField(i));
    }

    private RuntimeException badAccumulatorField() throws JavetException {
        List<?> bad = (List<?>) lastBad.callObject(null);
        int slot = ((Number) bad.get(1)).intValue();
        return new JsRuntime.UdfException("the accumulator of TypeScript UDAF '" + udaf + "' does not match its accumulatorType " + accumulatorSummary
                + ": field '" + fields[slot] + "': " + mismatch(accTypes[slot]));
    }

    /** JsValues' message for the value the JS side flagged (converted the general way). */
    private String mismatch(DataType t) throws JavetException {
        List<?> bad = (List<?>) lastBad.callObject(null);
        try {
            JsValues.fromJs(bad.get(0), t);
            return "expected " + t.getLogicalType().asSummaryString() + ", got " + JsValues.describe(bad.get(0));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Override
    public void close() throws JavetException {
        accumulate.close();
        retract.close();
        getValue.close();
        lastBad.close();
    }
}
