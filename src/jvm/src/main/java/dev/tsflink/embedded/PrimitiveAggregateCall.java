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
 * Layout: slots 0..m-1 the accumulator's fields (its ListView/MapView fields excepted: the JS side
 * has the views of EmbeddedDataViews in their place), m..m+n-1 the arguments, m+n the result, 8
 * bytes each; then one flag byte per slot: NULL (1) or, for a value the JS side wrote, a wrong type
 * (2); then the call's state: done (1), its Promise pending (0) or rejected (3); then the
 * speculation byte (see {@link #getValue}).
 *
 * The result, kept with the accumulator: a streaming GROUP BY asks for a group's value before and
 * after each row it adds (GroupAggFunction: the previous value, for its retraction, and the new
 * one), so on seeing getValue follow an update, accumulate and retract also run the user's getValue
 * in the same call and keep its result in two hidden fields the accumulator Row has after the
 * user's (EmbeddedAggregateFunction declares them): the value and whether it is current. Both
 * getValue calls of the next rows read the field, with no JNI crossing (two of the three crossings
 * per row and aggregate). Every change of an accumulator leaves the field current or marks it stale
 * (merge and resetAccumulator mark it stale), so a value read from it is always the one getValue
 * would give. A window aggregate, whose value is asked for once per window, turns this off again
 * after two updates in a row. A getValue that throws, does not settle or gives a value of the wrong
 * type keeps nothing, and the real call that follows reports it as ever.
 */
final class PrimitiveAggregateCall implements AutoCloseable {
    private final String udaf;
    private final String accumulatorSummary;
    /** The accumulator's non-view fields: names, types and places in the accumulator Row. */
    private final String[] fields;
    private final DataType[] accTypes;
    private final int[] rowIndex;
    private final DataType[] inputs;
    private final DataType result;
    private final int m;
    private final int n;
    private final int flags;
    private final int state;
    private final int speculation;
    /** The accumulator Row's hidden fields: the kept value, and whether it is current (TRUE). */
    private final int keptValue;
    private final int keptValid;
    /** Keep the value on each update (a getValue followed an update) */
    private boolean keep;
    private int updatesSinceGetValue;
    private final JsRuntime js;
    private final ByteBuffer buf;
    private final V8ValueFunction accumulate;
    private final V8ValueFunction retract;
    private final V8ValueFunction getValue;
    /** The value the JS side flagged as of the wrong type, and its slot: [value, slot]. */
    private final V8ValueFunction lastBad;
    /** Throws the error the call's Promise was rejected with. */
    private final V8ValueFunction rethrow;

    /** Numbers and booleans only (data view fields aside). */
    static boolean applies(DataType[] inputs, DataType[] accTypes, DataType result) {
        for (DataType t : inputs) if (!PrimitiveCall.primitive(t)) return false;
        for (DataType t : accTypes) if (!PrimitiveCall.primitive(t) && EmbeddedDataViews.kindOf(t) == null) return false;
        return PrimitiveCall.primitive(result);
    }

    PrimitiveAggregateCall(JsRuntime js, V8ValueObject target, String udaf, String accumulatorSummary, String[] allFields, DataType[] allTypes,
            DataType[] inputs, DataType result, EmbeddedDataViews views) throws JavetException {
        this.js = js;
        this.keptValue = allFields.length;
        this.keptValid = allFields.length + 1;
        this.udaf = udaf;
        this.accumulatorSummary = accumulatorSummary;
        java.util.List<Integer> plain = new java.util.ArrayList<>();
        for (int i = 0; i < allTypes.length; i++) if (EmbeddedDataViews.kindOf(allTypes[i]) == null) plain.add(i);
        this.m = plain.size();
        this.fields = new String[m];
        this.accTypes = new DataType[m];
        this.rowIndex = new int[m];
        for (int s = 0; s < m; s++) {
            rowIndex[s] = plain.get(s);
            fields[s] = allFields[rowIndex[s]];
            accTypes[s] = allTypes[rowIndex[s]];
        }
        this.inputs = inputs;
        this.result = result;
        this.n = inputs.length;
        this.flags = 8 * (m + n + 1);
        this.state = flags + m + n + 1;
        this.speculation = state + 1;
        this.buf = ByteBuffer.allocateDirect(speculation + 1).order(ByteOrder.nativeOrder());
        int slots = m + n + 1;
        StringBuilder src = new StringBuilder("(target, ab, name, views) => { const d = new Float64Array(ab, 0, ").append(slots)
                .append("); const l = new BigInt64Array(ab, 0, ").append(slots).append("); const z = new Uint8Array(ab, ").append(flags)
                .append("); let bad, badSlot, failure;")
                // a method's Promise settles in the microtasks that run as the call returns: its state in z[S]
                .append(" const S = ").append(m + n + 1).append(";")
                // z[S + 1]: 1 = run getValue after the update (the JVM asks), 3 = its result is in the result slot
                .append(" const value = (r) => { if (r === null || r === undefined) { z[").append(m + n).append("] = 1; return; } ")
                .append(PrimitiveCall.write(result.getLogicalType().getTypeRoot(), m + n)).append(" if (z[").append(m + n).append("] === 2) badSlot = ")
                .append(m + n).append("; };")
                .append(" const speculate = (o) => { if (z[S + 1] !== 1) return; z[S + 1] = 2; let r; try { r = target.getValue(o); } catch { z[S + 1] = 0; return; }"
                        + " if (r instanceof Promise) r.then((v) => { value(v); z[S + 1] = 3; }, () => { z[S + 1] = 0; }); else { value(r); z[S + 1] = 3; } };")
                .append(" const run = (r, after) => { if (!(r instanceof Promise)) { after(r); z[S] = 1; return; } z[S] = 0;"
                        + " r.then((v) => { try { after(v); z[S] = 1; } catch (e) { failure = e; z[S] = 3; } }, (e) => { failure = e; z[S] = 3; }); };");
        // the accumulator object the user's methods see, from slots 0..m-1, with the views in their fields
        src.append(" const acc = () => ({");
        for (int s = 0, j = 0, i = 0; i < allFields.length; i++) {
            if (s < m && rowIndex[s] == i) {
                src.append(quote(fields[s])).append(": z[").append(s).append("] ? null : ").append(PrimitiveCall.read(accTypes[s].getLogicalType().getTypeRoot(), s)).append(", ");
                s++;
            } else {
                src.append(quote(allFields[i])).append(": views(").append(j++).append("), ");
            }
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
                .append("() => { const o = acc(); run(target.accumulate(o, ...args()), () => { store(o); speculate(o); }); },")
                .append(" () => { if (typeof target.retract !== 'function') throw new TypeError(`TypeScript UDAF '${name}' has no retract() method, which this"
                        + " query needs: its input is an updating table (an aggregate over an aggregate, a join)`);"
                        + " const o = acc(); run(target.retract(o, ...args()), () => { store(o); speculate(o); }); },")
                .append(" () => run(target.getValue(acc()), value),")
                .append(" () => [bad, badSlot],")
                .append(" () => { throw failure; }]; }");
        try (V8ValueFunction make = js.v8().getExecutor(src.toString()).setResourceName(JsRuntime.GLUE).execute();
                V8ValueArrayBuffer ab = js.v8().createV8ValueArrayBuffer(buf);
                V8ValueArray made = make.call(null, target, ab, udaf, views == null ? null : views.views())) {
            accumulate = made.get(0);
            retract = made.get(1);
            getValue = made.get(2);
            lastBad = made.get(3);
            rethrow = made.get(4);
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
        if (++updatesSinceGetValue > 1) keep = false; // updates in a row: a window's, not a GROUP BY's pattern
        acc.setField(keptValid, null);
        putAccumulator(acc);
        for (int i = 0; i < n; i++) PrimitiveCall.put(buf, flags, m + i, inputs[i], args[i]);
        buf.put(speculation, (byte) (keep ? 1 : 0));
        method.callVoid(null);
        settled(method == accumulate ? "accumulate()" : "retract()");
        for (int i = 0; i < m; i++) {
            byte flag = buf.get(flags + i);
            if (flag == 2) throw badAccumulatorField();
            acc.setField(rowIndex[i], flag == 1 ? null : PrimitiveCall.get(buf, i, accTypes[i]));
        }
        if (buf.get(speculation) == 3 && buf.get(flags + m + n) != 2) {
            acc.setField(keptValue, buf.get(flags + m + n) == 1 ? null : PrimitiveCall.get(buf, m + n, result));
            acc.setField(keptValid, Boolean.TRUE);
        }
    }

    /** Waits for the call's Promise, if it returned one, as EmbeddedAggregateFunction's general path does. */
    private void settled(String what) throws JavetException {
        if (buf.get(state) == 0) js.settle();
        switch (buf.get(state)) {
            case 0:
                throw EmbeddedAccumulator.notSettled(udaf, what);
            case 3:
                rethrow.callVoid(null);
                break;
            default:
                break;
        }
    }

    /** The user's getValue of {@code acc}: the value kept with it when it is current. */
    Object getValue(Row acc) throws JavetException {
        if (updatesSinceGetValue > 0) keep = true;
        updatesSinceGetValue = 0;
        if (acc.getField(keptValid) == Boolean.TRUE) return acc.getField(keptValue);
        putAccumulator(acc);
        getValue.callVoid(null);
        settled("getValue()");
        return result();
    }

    /** Another method (merge, resetAccumulator) changed {@code acc}: the value kept with it is stale. */
    void stale(Row acc) {
        acc.setField(keptValid, null);
    }

    /** The result slot's value. */
    private Object result() throws JavetException {
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
        for (int i = 0; i < m; i++) PrimitiveCall.put(buf, flags, i, accTypes[i], acc.getField(rowIndex[i]));
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
        rethrow.close();
    }
}
