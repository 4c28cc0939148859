package dev.tsflink.embedded;

import com.caoccao.javet.values.V8Value;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shipped code of one TypeScript function (src/api/udf/ship) with the runtime it asks for: what
 * travels inside TSFlink's embedded Java objects, the Table API's functions (EmbeddedCode) and the
 * DataStream operator (EmbeddedStreamOperator), and what each task starts its runtime from.
 */
public final class ShippedSource implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The function's name (for errors and logs). */
    final String name;
    private final String filename;
    private final String source;
    private final String sourceMap;
    /** "v8" or "node" */
    private final String engine;
    /** How long one call may run before it is stopped and fails the task (0: no limit). */
    private final long callTimeoutMs;
    /** How much JavaScript heap the runtime may use (MB; 0: V8's own limit). */
    private final long maxHeapMb;
    /** npm packages the code requires, bundled (id → CommonJS source). */
    private final LinkedHashMap<String, String> modules;

    public ShippedSource(String name, String filename, String source, String sourceMap, String engine, long callTimeoutMs, long maxHeapMb, Map<String, String> modules) {
        this.name = name;
        this.filename = filename;
        this.source = source;
        this.sourceMap = sourceMap;
        this.engine = engine;
        this.callTimeoutMs = callTimeoutMs;
        this.maxHeapMb = maxHeapMb;
        this.modules = new LinkedHashMap<>(modules);
    }

    boolean isNodeEngine() {
        return "node".equals(engine);
    }

    /** A new runtime for the code, with its limits and source mapping (one per function instance). */
    JsRuntime openRuntime() {
        return JsRuntime.open(engine, name, filename, source, sourceMap, callTimeoutMs, maxHeapMb << 20);
    }

    /** Loads the code in `js`: its module.exports; a failure is the user's error "in loading" (the caller closes js). */
    V8Value load(JsRuntime js) {
        return js.loadShipped(engine, filename, source, modules);
    }
}
