package dev.tsflink.embedded;

import com.caoccao.javet.annotations.V8Function;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.util.Arrays;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.inference.TypeStrategies;

/**
 * A TypeScript scalar UDF in embedded mode: a plain Flink {@link ScalarFunction}, so the planner
 * calls eval() from its generated code in the task thread, with no Python operator, no Beam harness
 * and no second process. The shipped code (src/api/udf/ship) travels inside this serialized
 * function object; open() starts a JS runtime for this instance (one per task: V8 isolates are
 * single-threaded) and eval() calls the user's function through Javet's JNI binding per row.
 */
public final class EmbeddedScalarFunction extends ScalarFunction {
    private static final long serialVersionUID = 1L;

    private final String name;
    /** "function": the module exports the eval function; "object": an object with eval/open/close. */
    private final String form;
    private final String filename;
    private final String source;
    private final String sourceMap;
    /** "v8" or "node" */
    private final String engine;
    private final DataType[] inputTypes;
    private final DataType resultType;
    private final boolean deterministic;
    /** How long one call may run before it is stopped and fails the task (0: no limit). */
    private final long callTimeoutMs;
    /** How much JavaScript heap the runtime may use (MB; 0: V8's own limit). */
    private final long maxHeapMb;

    private transient JsRuntime js;
    private transient V8ValueObject target;
    private transient V8ValueFunction fn;
    /** numbers and booleans only: the shared-buffer path */
    private transient PrimitiveCall fast;

    public EmbeddedScalarFunction(String name, String form, String filename, String source, String sourceMap, String engine,
            DataType[] inputTypes, DataType resultType, boolean deterministic, long callTimeoutMs, long maxHeapMb) {
        for (DataType t : inputTypes) requireSupported(name, t);
        requireSupported(name, resultType);
        this.name = name;
        this.form = form;
        this.filename = filename;
        this.source = source;
        this.sourceMap = sourceMap;
        this.engine = engine;
        this.inputTypes = inputTypes;
        this.resultType = resultType;
        this.deterministic = deterministic;
        this.callTimeoutMs = callTimeoutMs;
        this.maxHeapMb = maxHeapMb;
    }

    private static void requireSupported(String name, DataType t) {
        if (!JsValues.supported(t)) {
            throw new IllegalArgumentException("TypeScript UDF '" + name + "': embedded mode does not convert "
                    + t.getLogicalType().asSummaryString() + " values yet (use process mode for MAP, ROW, MULTISET and interval types)");
        }
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return TypeInference.newBuilder()
                .typedArguments(Arrays.asList(inputTypes))
                .outputTypeStrategy(TypeStrategies.explicit(resultType))
                .build();
    }

    @Override
    public boolean isDeterministic() {
        return deterministic;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        js = JsRuntime.open(engine, name, filename, source, sourceMap, callTimeoutMs, maxHeapMb << 20);
        V8Value exported;
        js.enter();
        try {
            exported = js.loadModule("node".equals(engine) ? "/" + filename : filename, source);
        } catch (JavetException e) {
            throw js.userError(e, "loading");
        } finally {
            js.exit();
        }
        try {
            if ("function".equals(form)) {
                if (!(exported instanceof V8ValueFunction)) throw new IllegalStateException("TypeScript UDF '" + name + "': shipped code does not export a function");
                fn = (V8ValueFunction) exported;
            } else {
                if (!(exported instanceof V8ValueObject)) throw new IllegalStateException("TypeScript UDF '" + name + "': shipped code does not export an object");
                target = (V8ValueObject) exported;
                V8Value eval = target.get("eval");
                if (!(eval instanceof V8ValueFunction)) throw new IllegalStateException("TypeScript UDF '" + name + "': shipped object has no eval method");
                fn = (V8ValueFunction) eval;
                if (target.has("open")) {
                    try (V8ValueObject ctx = js.v8().createV8ValueObject()) {
                        ctx.bind(new Context(context, name));
                        js.enter();
                        try (V8Value r = target.invoke("open", ctx)) {
                            // a returned promise is not awaited: embedded open() is synchronous
                        } finally {
                            js.exit();
                        }
                    } catch (JavetException e) {
                        throw js.userError(e, "open()");
                    }
                }
            }
            if (PrimitiveCall.applies(inputTypes, resultType)) fast = new PrimitiveCall(js, fn, target, inputTypes, resultType);
            int[] bytes = java.util.stream.IntStream.range(0, inputTypes.length)
                    .filter(i -> inputTypes[i].getLogicalType().is(org.apache.flink.table.types.logical.LogicalTypeFamily.BINARY_STRING))
                    .toArray();
            if (bytes.length > 0) {
                V8ValueFunction raw = fn;
                fn = js.withUint8Arrays(raw, bytes);
                raw.close();
            }
        } catch (JavetException e) {
            close();
            throw js == null ? new IllegalStateException(e) : js.userError(e, "open()");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    // Fixed-arity overloads first: with only eval(Object...), a single ARRAY argument (an Object[] in
    // Flink's generated code) would be taken as the varargs array itself.
    public Object eval() {
        return call(new Object[0]);
    }

    public Object eval(Object a) {
        return call(new Object[] {a});
    }

    public Object eval(Object a, Object b) {
        return call(new Object[] {a, b});
    }

    public Object eval(Object a, Object b, Object c) {
        return call(new Object[] {a, b, c});
    }

    public Object eval(Object a, Object b, Object c, Object d) {
        return call(new Object[] {a, b, c, d});
    }

    public Object eval(Object... args) {
        return call(args.clone());
    }

    private Object call(Object[] args) {
        if (fast != null) {
            js.enter();
            try {
                return fast.call(args);
            } catch (JavetException e) {
                throw js.userError(e, null);
            } catch (IllegalArgumentException e) {
                throw new JsRuntime.UdfException("TypeScript UDF '" + name + "' returned a value that does not match its result type: " + e.getMessage());
            } finally {
                js.exit();
            }
        }
        Object[] jsArgs = args;
        for (int i = 0; i < args.length; i++) jsArgs[i] = JsValues.toJs(args[i], inputTypes[i]);
        Object result;
        js.enter();
        try {
            result = fn.callObject(target, jsArgs);
        } catch (JavetException e) {
            throw js.userError(e, null);
        } finally {
            js.exit();
        }
        try {
            return JsValues.fromJs(result, resultType);
        } catch (IllegalArgumentException e) {
            throw new JsRuntime.UdfException("TypeScript UDF '" + name + "' returned a value that does not match its result type: " + e.getMessage());
        }
    }

    @Override
    public void close() throws Exception {
        if (js == null) return;
        try {
            if (target != null && target.has("close")) {
                js.enter();
                try (V8Value r = target.invoke("close")) {
                    // nothing to return
                } catch (JavetException e) {
                    throw js.userError(e, "close()");
                } finally {
                    js.exit();
                }
            }
        } finally {
            try {
                if (fast != null) fast.close();
                if (fn != null) fn.close();
                if (target != null) target.close();
            } catch (JavetException ignored) {
                // the runtime goes next anyway
            }
            fn = null;
            fast = null;
            target = null;
            js.close();
            js = null;
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** The FunctionContext a TypeScript open(ctx) sees (src/api/udf/functions.ts). */
    public static final class Context {
        private final FunctionContext ctx;
        private final String name;

        Context(FunctionContext ctx, String name) {
            this.ctx = ctx;
            this.name = name;
        }

        @V8Function(name = "getJobParameter")
        public String getJobParameter(String key, String defaultValue) {
            return ctx.getJobParameter(key, defaultValue);
        }

        @V8Function(name = "getTaskName")
        public String getTaskName() {
            return ctx.getTaskInfo().getTaskName();
        }

        @V8Function(name = "getNumberOfParallelSubtasks")
        public int getNumberOfParallelSubtasks() {
            return ctx.getTaskInfo().getNumberOfParallelSubtasks();
        }

        @V8Function(name = "getIndexOfThisSubtask")
        public int getIndexOfThisSubtask() {
            return ctx.getTaskInfo().getIndexOfThisSubtask();
        }
    }
}
