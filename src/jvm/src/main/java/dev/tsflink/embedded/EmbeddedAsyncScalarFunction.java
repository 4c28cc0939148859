package dev.tsflink.embedded;

import java.util.concurrent.CompletableFuture;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.AsyncScalarFunction;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.TypeInference;

/**
 * An async TypeScript UDF in embedded mode: a plain Flink {@link AsyncScalarFunction}, so the
 * planner runs it in its own async calc operator (Flink's AsyncWaitOperator: capacity, result order,
 * timeout and retries as configured by table.exec.async-scalar.*). eval() hands the call to the
 * function's {@link JsEventLoop}, whose thread owns the JS runtime and completes the future when
 * the user's Promise settles.
 */
public final class EmbeddedAsyncScalarFunction extends AsyncScalarFunction {
    private static final long serialVersionUID = 1L;

    private final EmbeddedCode code;
    private final DataType[] inputTypes;
    private final DataType resultType;
    private final boolean deterministic;
    /**
     * table.exec.async-scalar.timeout of the environment the function was used in, when no retries
     * are set (ms; 0: none, UdfFactory.asyncScalarDeadlineMs). Flink's operator enforces the timeout;
     * this only fails a call outliving it with an error naming the function (the option reaches
     * neither the function's context nor its job parameters).
     */
    private final long deadlineMs;

    private transient JsEventLoop loop;

    public EmbeddedAsyncScalarFunction(String name, String form, String filename, String source, String sourceMap, String engine,
            DataType[] inputTypes, DataType resultType, boolean deterministic, long callTimeoutMs, long maxHeapMb, java.util.Map<String, String> modules,
            long deadlineMs) {
        for (DataType t : inputTypes) JsValues.requireSupported(name, t);
        JsValues.requireSupported(name, resultType);
        this.code = new EmbeddedCode(name, form, "eval", filename, source, sourceMap, engine, callTimeoutMs, maxHeapMb, modules);
        this.inputTypes = inputTypes;
        this.resultType = resultType;
        this.deterministic = deterministic;
        this.deadlineMs = deadlineMs;
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
        loop = JsEventLoop.open(code, context, inputTypes, resultType, deadlineMs);
    }

    // Fixed-arity overloads first, as EmbeddedScalarFunction's (a single ARRAY argument would be
    // taken for the varargs array); Flink finds them by reflection, the future first.
    public void eval(CompletableFuture<Object> result) {
        loop.submit(new Object[0], result);
    }

    public void eval(CompletableFuture<Object> result, Object a) {
        loop.submit(new Object[] {a}, result);
    }

    public void eval(CompletableFuture<Object> result, Object a, Object b) {
        loop.submit(new Object[] {a, b}, result);
    }

    public void eval(CompletableFuture<Object> result, Object a, Object b, Object c) {
        loop.submit(new Object[] {a, b, c}, result);
    }

    public void eval(CompletableFuture<Object> result, Object a, Object b, Object c, Object d) {
        loop.submit(new Object[] {a, b, c, d}, result);
    }

    public void eval(CompletableFuture<Object> result, Object... args) {
        loop.submit(args.clone(), result);
    }

    @Override
    public void close() throws Exception {
        if (loop != null) loop.close();
        loop = null;
    }

    @Override
    public String toString() {
        return code.name;
    }
}
