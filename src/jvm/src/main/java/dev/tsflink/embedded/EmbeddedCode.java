package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.io.Serializable;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.inference.TypeStrategies;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * The shipped code of one TypeScript function (src/api/udf/ship) and, inside a running task, the
 * JS runtime holding it: what every embedded Flink function (scalar, table) shares. It travels
 * inside the serialized function object; {@link #open} starts a runtime for the function instance
 * (one per task: a V8 isolate is single-threaded), loads the module and runs the user's open(ctx);
 * {@link #close} runs close() and ends the runtime.
 */
final class EmbeddedCode implements Serializable {
    private static final long serialVersionUID = 1L;

    final String name;
    /** "function": the module exports the eval function; "object": an object with eval/open/close. */
    private final String form;
    /** The method an object must have to be called per row ("eval"), or null (an aggregate: its glue checks its methods). */
    private final String entry;
    private final ShippedSource shipped;

    private transient JsRuntime js;
    /** The exported object (object form), the receiver of eval; null for the function form. */
    private transient V8ValueObject target;
    /** eval, with BYTES arguments arriving as Uint8Array (null without an entry method). */
    private transient V8ValueFunction fn;
    /** The context open(ctx) got (object form with open only): its metrics and gauges. */
    private transient EmbeddedContext context;

    EmbeddedCode(String name, String form, String entry, String filename, String source, String sourceMap, String engine, long callTimeoutMs,
            long maxHeapMb, java.util.Map<String, String> modules) {
        this.name = name;
        this.form = form;
        this.entry = entry;
        this.shipped = new ShippedSource(name, filename, source, sourceMap, engine, callTimeoutMs, maxHeapMb, modules);
    }

    /** What the planner sees of an embedded function: its parameter types and its fixed result (and accumulator) type. */
    static TypeInference typeInference(DataType[] inputTypes, DataType accumulatorType, DataType resultType) {
        TypeInference.Builder b = TypeInference.newBuilder().typedArguments(Arrays.asList(inputTypes)).outputTypeStrategy(TypeStrategies.explicit(resultType));
        if (accumulatorType != null) b.accumulatorTypeStrategy(TypeStrategies.explicit(accumulatorType));
        return b.build();
    }

    /** Whether this thread may touch the runtime (JsRuntime.allowHeldLock); closing from another one must not. */
    boolean callableHere() {
        return js == null || js.callableHere();
    }

    boolean isNodeEngine() {
        return shipped.isNodeEngine();
    }

    JsRuntime js() {
        return js;
    }

    V8ValueObject target() {
        return target;
    }

    V8ValueFunction fn() {
        return fn;
    }

    /** Starts the runtime, loads the shipped module and calls the user's open(ctx), if any. */
    void open(FunctionContext context, DataType[] inputTypes) {
        js = shipped.openRuntime();
        V8Value exported;
        try {
            exported = shipped.load(js);
        } catch (RuntimeException e) {
            js.close();
            js = null;
            throw e;
        }
        try {
            if ("function".equals(form)) {
                if (!(exported instanceof V8ValueFunction)) throw new IllegalStateException("TypeScript UDF '" + name + "': shipped code does not export a function");
                fn = (V8ValueFunction) exported;
            } else {
                if (!(exported instanceof V8ValueObject)) throw new IllegalStateException("TypeScript UDF '" + name + "': shipped code does not export an object");
                target = (V8ValueObject) exported;
                if (entry != null) {
                    V8Value eval = target.get(entry);
                    if (!(eval instanceof V8ValueFunction)) throw new IllegalStateException("TypeScript UDF '" + name + "': shipped object has no " + entry + " method");
                    fn = (V8ValueFunction) eval;
                }
                if (target.has("open")) {
                    V8ValueObject[] ctx = new V8ValueObject[1];
                    try {
                        this.context = EmbeddedContext.bind(js, context, ctx);
                        js.enter();
                        try (V8Value r = target.invoke("open", ctx[0])) {
                            // a returned promise is not awaited: embedded open() is synchronous
                        } finally {
                            js.exit();
                            ctx[0].close();
                        }
                    } catch (JavetException e) {
                        throw js.userError(e, "open()");
                    }
                }
            }
            int[] bytes = IntStream.range(0, inputTypes.length)
                    .filter(i -> inputTypes[i].getLogicalType().is(LogicalTypeFamily.BINARY_STRING))
                    .toArray();
            if (bytes.length > 0 && fn != null) {
                V8ValueFunction raw = fn;
                fn = js.withUint8Arrays(raw, bytes);
                raw.close();
            }
            js.allowHeldLock();
        } catch (JavetException e) {
            RuntimeException failure = js.userError(e, "open()");
            close();
            throw failure;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** After each call (on the task thread): reads the function's gauges when due. */
    void afterCall() {
        if (context != null) context.afterCall(js);
    }

    /** Calls the user's close(), if any, and ends the runtime (also after a failed open). */
    void close() {
        if (js == null) return;
        if (!js.callableHere()) {
            js.close(); // says why it leaves the runtime alone
            js = null;
            return;
        }
        try {
            if (context != null) context.readGauges(js);
            if (target != null && target.has("close")) {
                js.enter();
                try (V8Value r = target.invoke("close")) {
                    // nothing to return
                } finally {
                    js.exit();
                }
            }
        } catch (JavetException e) {
            throw js.userError(e, "close()");
        } finally {
            try {
                if (fn != null) fn.close();
                if (target != null) target.close();
            } catch (JavetException ignored) {
                // the runtime goes next anyway
            }
            if (context != null) context.close();
            context = null;
            fn = null;
            target = null;
            js.close();
            js = null;
        }
    }
}
