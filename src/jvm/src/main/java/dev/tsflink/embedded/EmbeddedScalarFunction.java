package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.TypeInference;

/**
 * A TypeScript scalar UDF in embedded mode: a plain Flink {@link ScalarFunction}, so the planner
 * calls eval() from its generated code in the task thread, with no Python operator, no Beam harness
 * and no second process. The shipped code travels inside this serialized function object
 * ({@link EmbeddedCode}, which open() loads into a JS runtime of this instance's own) and eval()
 * calls the user's function through Javet's JNI binding per row.
 */
public final class EmbeddedScalarFunction extends ScalarFunction {
    private static final long serialVersionUID = 1L;

    private final EmbeddedCode code;
    private final DataType[] inputTypes;
    private final DataType resultType;
    private final boolean deterministic;

    private transient JsRuntime js;
    /** numbers and booleans only: the shared-buffer path */
    private transient PrimitiveCall fast;

    public EmbeddedScalarFunction(String name, String form, String filename, String source, String sourceMap, String engine,
            DataType[] inputTypes, DataType resultType, boolean deterministic, long callTimeoutMs, long maxHeapMb, java.util.Map<String, String> modules) {
        for (DataType t : inputTypes) JsValues.requireSupported(name, t);
        JsValues.requireSupported(name, resultType);
        this.code = new EmbeddedCode(name, form, "eval", filename, source, sourceMap, engine, callTimeoutMs, maxHeapMb, modules);
        this.inputTypes = inputTypes;
        this.resultType = resultType;
        this.deterministic = deterministic;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return EmbeddedCode.typeInference(inputTypes, null, resultType);
    }

    @Override
    public boolean isDeterministic() {
        return deterministic;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        code.open(context, inputTypes);
        js = code.js();
        if (PrimitiveCall.applies(inputTypes, resultType)) {
            try {
                fast = new PrimitiveCall(js, code.fn(), code.target(), inputTypes, resultType);
            } catch (JavetException e) {
                code.close();
                throw new IllegalStateException("TypeScript UDF '" + code.name + "': cannot set up the embedded call path: " + e.getMessage(), e);
            }
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
        Object result = callJs(args);
        code.afterCall();
        return result;
    }

    private Object callJs(Object[] args) {
        if (fast != null) {
            js.enter();
            try {
                return fast.call(args);
            } catch (JavetException e) {
                throw js.userError(e, null);
            } catch (IllegalArgumentException e) {
                throw new JsRuntime.UdfException("TypeScript UDF '" + code.name + "' returned a value that does not match its result type: " + e.getMessage());
            } finally {
                js.exit();
            }
        }
        Object[] jsArgs = args;
        for (int i = 0; i < args.length; i++) jsArgs[i] = JsValues.toJs(args[i], inputTypes[i]);
        Object result;
        js.enter();
        try {
            result = code.fn().callObject(code.target(), jsArgs);
        } catch (JavetException e) {
            throw js.userError(e, null);
        } finally {
            js.exit();
        }
        try {
            return JsValues.fromJs(result, resultType);
        } catch (IllegalArgumentException e) {
            throw new JsRuntime.UdfException("TypeScript UDF '" + code.name + "' returned a value that does not match its result type: " + e.getMessage());
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (fast != null && code.callableHere()) fast.close();
        } catch (JavetException ignored) {
            // the runtime goes next anyway
        } finally {
            fast = null;
            js = null;
            code.close();
        }
    }

    @Override
    public String toString() {
        return code.name;
    }
}
