package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Row;

/**
 * What embedded aggregate and table aggregate functions share: the user's object in a runtime, the
 * ROW accumulator Flink keeps (its fields handed to the runtime and taken back on each call, its
 * ListView/MapView fields Flink's own data views driven through {@link EmbeddedDataViews}), and
 * the calls of the user's methods (GLUE), whose Promises settle within the call. Each call hands
 * the accumulator's fields to the runtime, where GLUE makes the plain object the user's methods see
 * (as process mode's worker does), and takes the fields back after the call.
 */
final class EmbeddedAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * What a method returns instead of its result when that is a Promise: the Promise settles in the
     * microtasks that run when the call returns (V8 runs them then; Node.js on {@link JsRuntime#settle}),
     * and {@code outcome()} gives its result then.
     */
    static final String PENDING = "\u0000tsflink:pending";

    /**
     * Builds the per-method entry points over the user's object, the accumulator's field names and
     * its data views (views: handle => the JS ListView/MapView, viewAt: field index => view j or -1).
     */
    private static final String GLUE = "(target, fields, name, views, viewAt, PENDING) => {"
            // BYTES arrive as the Int8Array Javet makes of a byte[]; process mode gives Uint8Array
            + " const u8 = (x) => x instanceof Int8Array ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : x;"
            + " const k = viewAt.filter((j) => j >= 0).length;"
            + " const obj = (a, slot) => { const o = {}; for (let i = 0; i < fields.length; i++)"
            + "   o[fields[i]] = viewAt[i] >= 0 ? views(slot * k + viewAt[i]) : u8(a[i]); return o; };"
            + " const show = (v) => v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;"
            // data view fields stay where they are (in Flink state): null in their place
            + " const arr = (o, what) => { if (o === null || typeof o !== 'object' || Array.isArray(o))"
            + "   throw new TypeError(`${what} must be an object with the accumulator's fields (${fields.join(', ')}), got ${show(o)}`);"
            + "   return fields.map((f, i) => viewAt[i] >= 0 || o[f] === undefined ? null : o[f]); };"
            + " let outcome;"
            + " const settle = (r, then) => { if (!(r instanceof Promise)) return then(r); outcome = undefined;"
            + "   r.then((v) => { try { outcome = { ok: true, value: then(v) }; } catch (e) { outcome = { ok: false, error: e }; } },"
            + "    (e) => { outcome = { ok: false, error: e }; });"
            + "   return PENDING; };"
            + " const need = (m, why) => { if (typeof target[m] !== 'function') throw new TypeError(`TypeScript UDAF '${name}' has no ${m}()"
            + " method, which ${why}`); };"
            + " const created = () => { const c = target.createAccumulator(); if (c instanceof Promise) throw new TypeError("
            + "   'createAccumulator() returned a Promise: it must return the accumulator itself'); return arr(c, 'createAccumulator()\\'s result'); };"
            + " return {"
            + "  create: created,"
            + "  accumulate: (a, ...args) => { const o = obj(a, 0); return settle(target.accumulate(o, ...args.map(u8)), () => arr(o, 'the accumulator')); },"
            + "  retract: (a, ...args) => { need('retract', 'this query needs: its input is an updating table (an aggregate over an aggregate, a join)');"
            + "   const o = obj(a, 0); return settle(target.retract(o, ...args.map(u8)), () => arr(o, 'the accumulator')); },"
            + "  merge: (a, others) => { need('merge', 'this query needs to combine accumulators');"
            + "   const o = obj(a, 0); return settle(target.merge(o, others.map((x, i) => obj(x, i + 1))), () => arr(o, 'the accumulator')); },"
            + "  getValue: (a) => settle(target.getValue(obj(a, 0)), (v) => v),"
            + "  reset: (a) => { const o = obj(a, 0);"
            + "   if (typeof target.resetAccumulator === 'function') return settle(target.resetAccumulator(o), () => arr(o, 'the accumulator'));"
            + "   for (let i = 0; i < fields.length; i++) if (viewAt[i] >= 0) o[fields[i]].clear();"
            + "   return created(); },"
            // table aggregates: emitValue's rows (an iterable, an async one, or a Promise of one), or
            // emitUpdateWithRetract's changes as [retract?, row] pairs, with the accumulator after it
            + "  emit: (a) => { const r = target.emitValue(obj(a, 0)); const rows = (it) => { if (it === null || it === undefined) return [];"
            + "   if (typeof it[Symbol.iterator] === 'function') return Array.from(it);"
            + "   if (typeof it[Symbol.asyncIterator] === 'function') return (async () => { const out = []; for await (const x of it) out.push(x); return out; })();"
            + "   throw new TypeError(`emitValue() must return an iterable of rows (an array or a generator), got ${show(it)}`); };"
            + "   const settleRows = (it) => { const out = rows(it); return out instanceof Promise ? settle(out, (x) => x) : out; };"
            + "   return r instanceof Promise ? settle(r.then(rows), (x) => x) : settleRows(r); },"
            + "  emitRetract: (a) => { const o = obj(a, 0); const changes = [];"
            + "   const out = { collect: (row) => { changes.push([false, row]); }, retract: (row) => { changes.push([true, row]); } };"
            + "   return settle(target.emitUpdateWithRetract(o, out), () => [arr(o, 'the accumulator'), changes]); },"
            + "  outcome: () => { if (outcome === undefined) return PENDING; const r = outcome; outcome = undefined; if (!r.ok) throw r.error; return r.value; },"
            + " }; }";

    final EmbeddedCode code;
    final String[] fields;
    final DataType[] types;
    private final DataType accumulatorType;

    private transient JsRuntime js;
    private transient V8ValueFunction create;
    private transient V8ValueFunction accumulate;
    private transient V8ValueFunction retract;
    private transient V8ValueFunction merge;
    private transient V8ValueFunction getValue;
    private transient V8ValueFunction reset;
    private transient V8ValueFunction emit;
    private transient V8ValueFunction emitRetract;
    private transient V8ValueFunction outcome;
    /** The ListView/MapView fields, or null */
    private transient EmbeddedDataViews views;

    /** Checks the types on the client (a ROW accumulator, fields embedded mode converts) and keeps the code. */
    EmbeddedAccumulator(EmbeddedCode code, DataType[] inputTypes, DataType accumulatorType) {
        String name = code.name;
        for (DataType t : inputTypes) JsValues.requireSupported(name, t);
        if (!accumulatorType.getLogicalType().is(LogicalTypeRoot.ROW)) {
            throw new IllegalArgumentException("TypeScript UDAF '" + name + "': embedded mode keeps ROW accumulators (an object with fields), not "
                    + accumulatorType.getLogicalType().asSummaryString() + "; use process mode");
        }
        fields = DataType.getFieldNames(accumulatorType).toArray(new String[0]);
        types = DataType.getFieldDataTypes(accumulatorType).toArray(new DataType[0]);
        for (DataType t : types) {
            if (EmbeddedDataViews.kindOf(t) == null) JsValues.requireSupported(name, t);
        }
        EmbeddedDataViews.of(name, fields, types); // refuses view types it cannot convert, here on the client
        this.code = code;
        this.accumulatorType = accumulatorType;
    }

    /** Starts the runtime with the user's object, its data views and the glue. */
    void open(FunctionContext context, DataType[] inputTypes) {
        code.open(context, inputTypes);
        js = code.js();
        views = EmbeddedDataViews.of(code.name, fields, types);
        List<Integer> viewAt = new ArrayList<>();
        for (int i = 0; i < fields.length; i++) viewAt.add(-1);
        try {
            if (views != null) {
                views.open(js);
                for (int j = 0; j < views.count(); j++) viewAt.set(views.fieldIndex[j], j);
            }
            try (V8ValueFunction make = js.v8().getExecutor(GLUE).setResourceName(JsRuntime.GLUE).execute();
                    V8ValueObject methods = make.call(null, code.target(), Arrays.asList(fields), code.name, views == null ? null : views.views(), viewAt, PENDING)) {
                outcome = methods.get("outcome");
                create = methods.get("create");
                accumulate = methods.get("accumulate");
                retract = methods.get("retract");
                merge = methods.get("merge");
                getValue = methods.get("getValue");
                reset = methods.get("reset");
                emit = methods.get("emit");
                emitRetract = methods.get("emitRetract");
            }
        } catch (JavetException e) {
            close();
            code.close();
            throw new IllegalStateException("TypeScript UDAF '" + code.name + "': cannot set up the embedded call path: " + e.getMessage(), e);
        }
    }

    JsRuntime js() {
        return js;
    }

    EmbeddedDataViews views() {
        return views;
    }

    /** A new accumulator of {@code width} fields (the declared ones first), from the user's createAccumulator(). */
    Row create(int width) {
        Row acc = Row.withPositions(width);
        store(acc, call(create, "createAccumulator()"));
        if (views != null) views.fresh(acc);
        return acc;
    }

    /** accumulate or retract through Javet's converter. */
    void update(boolean retracting, Row acc, Object[] args, DataType[] inputTypes) {
        if (views != null) views.bind(0, acc);
        Object[] jsArgs = new Object[args.length + 1];
        jsArgs[0] = fields(acc);
        for (int i = 0; i < args.length; i++) jsArgs[i + 1] = JsValues.toJs(args[i], inputTypes[i]);
        store(acc, call(retracting ? retract : accumulate, retracting ? "retract()" : "accumulate()", jsArgs));
    }

    /** Folds {@code others} into {@code acc} with the user's merge(); each of them has views of its own. */
    void merge(Row acc, Iterable<Row> others) {
        List<Object> jsOthers = new ArrayList<>();
        int slot = 0;
        if (views != null) views.bind(slot, acc);
        for (Row other : others) {
            if (views != null) views.bind(++slot, other);
            jsOthers.add(fields(other));
        }
        store(acc, call(merge, "merge()", fields(acc), jsOthers));
    }

    void reset(Row acc) {
        if (views != null) views.bind(0, acc);
        store(acc, call(reset, "resetAccumulator()", fields(acc)));
    }

    /** getValue's JS result, as Javet converted it. */
    Object value(Row acc) {
        if (views != null) views.bind(0, acc);
        return call(getValue, "getValue()", fields(acc));
    }

    /** emitValue's rows, as Javet converted them. */
    List<?> emitValue(Row acc) {
        if (views != null) views.bind(0, acc);
        return (List<?>) call(emit, "emitValue()", fields(acc));
    }

    /** emitUpdateWithRetract's changes, [retract?, row] each; the accumulator it changed is stored. */
    List<?> emitUpdateWithRetract(Row acc) {
        if (views != null) views.bind(0, acc);
        List<?> made = (List<?>) call(emitRetract, "emitUpdateWithRetract()", fields(acc));
        store(acc, made.get(0));
        return (List<?>) made.get(1);
    }

    /** The accumulator's fields as the JS values of their types (null for a data view: the JS side has its view). */
    private List<Object> fields(Row acc) {
        List<Object> out = new ArrayList<>(fields.length);
        for (int i = 0; i < fields.length; i++) out.add(isView(i) ? null : JsValues.toJs(acc.getField(i), types[i]));
        return out;
    }

    /** Writes the fields the JS side gave back into the accumulator Flink holds (accumulate changes it in place). */
    private void store(Row acc, Object jsFields) {
        List<?> values = (List<?>) jsFields;
        for (int i = 0; i < fields.length; i++) {
            if (isView(i)) continue; // a ListView/MapView: the Row keeps Flink's
            try {
                acc.setField(i, JsValues.fromJs(values.get(i), types[i]));
            } catch (IllegalArgumentException e) {
                throw new JsRuntime.UdfException("the accumulator of TypeScript UDAF '" + code.name + "' does not match its accumulatorType "
                        + accumulatorType.getLogicalType().asSummaryString() + ": field '" + fields[i] + "': " + e.getMessage());
            }
        }
    }

    private boolean isView(int field) {
        if (views == null) return false;
        for (int j : views.fieldIndex) if (j == field) return true;
        return false;
    }

    /** Calls a glue method; when the user's method returned a Promise, waits for it to settle within the call. */
    private Object call(V8ValueFunction method, String what, Object... args) {
        Object result;
        boolean ok = false;
        js.enter();
        try {
            result = method.callObject(null, args);
            if (PENDING.equals(result)) result = settled(what);
            ok = true;
        } catch (JavetException e) {
            throw js.userError(e, what);
        } finally {
            js.exit();
            endViews(ok, what);
        }
        code.afterCall();
        return result;
    }

    /** After a call: the writes its buffered views logged go to Flink's views (only when it succeeded: a failed call fails the job). */
    void endViews(boolean succeeded, String what) {
        if (views == null) return;
        try {
            views.endCall(succeeded);
        } catch (Exception e) {
            if (succeeded) {
                throw new JsRuntime.UdfException("TypeScript UDAF '" + code.name + "': writing the ListView/MapView changes of " + what + " failed: " + e);
            }
        }
    }

    /**
     * The result of a method whose Promise settles in microtasks: in V8 they ran when the call
     * returned, in Node.js they run now. A Promise still pending then waits for something other than
     * its data views (a timer, I/O), which a synchronous Flink aggregate cannot wait for.
     */
    private Object settled(String what) throws JavetException {
        Object result = outcome.callObject(null);
        if (PENDING.equals(result)) {
            js.settle();
            result = outcome.callObject(null);
        }
        if (PENDING.equals(result)) throw notSettled(code.name, what);
        return result;
    }

    static RuntimeException notSettled(String udaf, String what) {
        return new JsRuntime.UdfException("TypeScript UDAF '" + udaf + "': the Promise " + what + " returned did not settle within the call:"
                + " in embedded mode an aggregate's methods may await its ListView/MapView reads, not timers or I/O (use process mode for those)");
    }

    /** Releases the glue and the views (the caller closes the code's runtime after its own parts). */
    void close() {
        try {
            if (code.callableHere()) {
                for (V8ValueFunction f : new V8ValueFunction[] {create, accumulate, retract, merge, getValue, reset, emit, emitRetract, outcome}) {
                    if (f != null) f.close();
                }
                if (views != null) views.close();
            }
        } catch (JavetException ignored) {
            // the runtime goes next anyway
        } finally {
            create = accumulate = retract = merge = getValue = reset = emit = emitRetract = outcome = null;
            views = null;
            js = null;
        }
    }
}
