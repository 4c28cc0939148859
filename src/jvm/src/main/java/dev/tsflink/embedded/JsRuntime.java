package dev.tsflink.embedded;

import com.caoccao.javet.annotations.V8Function;
import com.caoccao.javet.enums.JSRuntimeType;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.exceptions.JavetExecutionException;
import com.caoccao.javet.exceptions.JavetScriptingError;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Locker;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedded JavaScript runtime (a V8 isolate through Javet's JNI binding) holding one shipped
 * TypeScript function. A V8 isolate may be entered by one thread at a time, and a Flink function
 * instance belongs to one task (one thread), so each function instance opens its own runtime in
 * open() and closes it in close(): no locking on the per-row path.
 */
final class JsRuntime implements AutoCloseable {
    /** Where the UDF's console.* output goes: the TaskManager log, like process mode's "PythonWorker" logger. */
    private static final Logger CONSOLE = LoggerFactory.getLogger("TypeScriptUdf");

    /** The resource name of TSFlink's own JS glue; its frames are left out of users' stacks. */
    static final String GLUE = "tsflink-embedded-glue.js";

    private final V8Runtime runtime;
    private final String udfName;
    private final SourceMapping mapping;
    /** How long one call into the user's code may run before RunawayWatch stops it (0: no limit). */
    private final long callTimeoutMs;
    /** Odd while a call into the user's code runs; written by the task thread only. */
    private volatile long callSeq;
    /** How much JavaScript heap the runtime may use (bytes; 0: V8's own limit), checked by RunawayWatch during calls. */
    private final long maxHeapBytes;
    /** Why a call was stopped from outside, if it was: "timeout", "heap" (maxHeapBytes) or "v8-heap" (V8's own limit). */
    private volatile String stoppedFor;
    /** The heap limit V8 was at when it ran out (for the error). */
    private volatile long v8HeapLimit;
    /** The thread that opened the runtime: Flink's task thread. */
    private final Thread opener = Thread.currentThread();
    /** Set when the function is open: the next call decides whether calls hold V8's lock across them. */
    private boolean lockDecisionDue;
    /** V8's lock, taken by the task thread at its first call and held until close (see enter()). */
    private V8Locker heldLock;
    /** console.*'s receiver and the JS object it is bound to, unbound on close (Javet recycles its callbacks then). */
    private ConsoleSink consoleSink;
    private V8ValueObject consoleObject;

    private JsRuntime(V8Runtime runtime, String udfName, SourceMapping mapping, long callTimeoutMs, long maxHeapBytes) {
        this.runtime = runtime;
        this.udfName = udfName;
        this.mapping = mapping;
        this.callTimeoutMs = callTimeoutMs;
        this.maxHeapBytes = maxHeapBytes;
    }

    /**
     * Called once the function is open. Javet takes V8's lock around every call, which is half the
     * cost of a call (measured: docs/embedded.md § Measurements); calls that all come from one
     * thread can hold it across them instead. Flink calls a function from its task thread, except
     * eval when the function is chained to a legacy source (fromValues and other SourceFunctions
     * run in a thread of their own), and a V8 lock can only be released by the thread that took it:
     * so the lock is held only when the first call after open() comes from the thread that opened
     * the function, and released in close() by that thread.
     */
    void allowHeldLock() {
        lockDecisionDue = true;
    }

    /** False when the task thread holds the runtime's lock and this is another thread: nothing here may touch V8. */
    boolean callableHere() {
        return heldLock == null || Thread.currentThread() == opener;
    }

    /** Before a call into the user's code (loading, open, eval, close): RunawayWatch times it. */
    void enter() {
        if (heldLock != null) {
            if (Thread.currentThread() != opener) {
                throw new IllegalStateException("TypeScript UDF '" + udfName + "' was called from thread '" + Thread.currentThread().getName()
                        + "' while task thread '" + opener.getName() + "' holds its JavaScript runtime");
            }
        } else if (lockDecisionDue) {
            lockDecisionDue = false;
            if (Thread.currentThread() == opener) {
                try {
                    heldLock = runtime.getV8Locker();
                } catch (JavetException e) {
                    CONSOLE.debug("TypeScript UDF '{}': V8's lock not held across calls", udfName, e);
                }
            }
        }
        callSeq = callSeq + 1;
    }

    /** After that call, however it ended. */
    void exit() {
        callSeq = callSeq + 1;
    }

    long callSeq() {
        return callSeq;
    }

    long callTimeoutMs() {
        return callTimeoutMs;
    }

    long maxHeapBytes() {
        return maxHeapBytes;
    }

    /** Stops the running call (from RunawayWatch's thread): "timeout" or "heap". */
    void terminate(String why) {
        if (stoppedFor == null) stoppedFor = why;
        runtime.terminateExecution();
    }

    /**
     * V8 calls this when the isolate nears its heap limit; left alone, it would end the whole
     * process (the TaskManager, or on the mini-cluster the session) with "Fatal JavaScript out of
     * memory". Instead the call is stopped, and the limit raised by half so that V8 can unwind it.
     */
    private long nearHeapLimit(long current, long initial) {
        v8HeapLimit = current;
        terminate("v8-heap");
        return current + current / 2;
    }

    V8Runtime runtimeForStatistics() {
        return runtime;
    }

    /**
     * Starts a runtime ("v8": a bare isolate; "node": Node.js with require of built-in modules) and
     * evaluates the shipped CommonJS module in it.
     */
    static JsRuntime open(String engine, String udfName, String filename, String source, String sourceMap, long callTimeoutMs, long maxHeapBytes) {
        if ("node".equals(engine) && insideNodeProcess()) {
            throw new IllegalStateException("TypeScript UDF '" + udfName + "': embedded mode's node engine cannot start inside a Node.js "
                    + "process (this TaskManager is the session's in-process mini-cluster, and a second Node.js crashes it); use engine 'v8', "
                    + "or run the job on a standalone cluster (tsflink cluster)");
        }
        V8Runtime rt;
        try {
            V8Host host = V8Host.getInstance("node".equals(engine) ? JSRuntimeType.Node : JSRuntimeType.V8);
            rt = host.createV8Runtime();
            rt.setConverter(new JsConverter());
        } catch (Throwable e) {
            throw missingRuntime(engine, e);
        }
        JsRuntime js = new JsRuntime(rt, udfName, SourceMapping.parse(filename, sourceMap), callTimeoutMs, maxHeapBytes);
        rt.setNearHeapLimitCallback(js::nearHeapLimit);
        // TSFlink's glue handles every Promise of the user's code; V8 reports a rejection that
        // happened before its handler was attached (an async function throwing at once), which
        // Javet's default would log as a warning on every failing call
        rt.setPromiseRejectCallback((event, promise, value) -> { });
        if (callTimeoutMs > 0 || maxHeapBytes > 0) RunawayWatch.watch(js);
        try {
            js.installConsole();
            if (!"node".equals(engine)) {
                rt.getExecutor("globalThis.require = (id) => { throw new Error(`require('${id}'): modules are not available in "
                        + "embedded mode's V8 engine (use the udf() option engine: 'node' on a standalone cluster, or process mode)`); };").executeVoid();
            } else {
                // Node.js here lives in the TaskManager's process: its exits would end the TaskManager
                // (every task of it), not the function
                rt.getExecutor("(() => { const stop = (what) => function () { throw new Error(`${what} would end the TaskManager's process:"
                        + " embedded mode does not allow it (throw an error to fail the task, or use process mode)`); };"
                        + " process.exit = stop('process.exit()'); process.reallyExit = stop('process.reallyExit()'); process.abort = stop('process.abort()');"
                        + " const kill = process.kill; process.kill = function (pid, signal) { if (Number(pid) === process.pid) return stop('process.kill(process.pid)')();"
                        + " return kill.apply(process, arguments); }; })()").setResourceName(GLUE).executeVoid();
            }
            return js;
        } catch (JavetException e) {
            js.close();
            throw new IllegalStateException("cannot set up the embedded JavaScript runtime: " + e.getMessage(), e);
        }
    }

    /** Whether this JVM lives in a Node.js process (java-bridge: the session's gateway and mini-cluster). */
    private static boolean insideNodeProcess() {
        try {
            String exe = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/exe")).getFileName().toString();
            return exe.equals("node") || exe.startsWith("node");
        } catch (Exception e) {
            return false;
        }
    }

    private static RuntimeException missingRuntime(String engine, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String os = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        return new IllegalStateException(
                "TypeScript UDFs in embedded mode need Javet's native " + engine + " library (com.caoccao.javet:javet-"
                        + engine + "-linux-x86_64 on the TaskManager classpath, for linux/x86_64); it could not be loaded on "
                        + os + ": " + root + ". Use process mode (the default) on this machine.",
                e);
    }

    /** console.log/info/warn/error/debug write to the TaskManager log. */
    private void installConsole() throws JavetException {
        consoleSink = new ConsoleSink(udfName);
        consoleObject = runtime.createV8ValueObject();
        consoleObject.bind(consoleSink);
        runtime.getGlobalObject().set("__tsflink_console", consoleObject);
        runtime.getExecutor(
                        "(() => { const s = globalThis.__tsflink_console; delete globalThis.__tsflink_console;"
                                + " const one = (x) => typeof x === 'string' ? x : (() => { try { return JSON.stringify(x, (k, v) => typeof v === 'bigint' ? v.toString() : v) ?? String(x); } catch { return String(x); } })();"
                                // Node.js's format specifiers (util.format), as console.* has them in process mode
                                + " const fmt = (a) => { if (typeof a[0] !== 'string') return a.map(one).join(' '); let i = 1;"
                                + " const head = a[0].replace(/%([sdifjoOc%])/g, (m, c) => { if (c === '%') return '%'; if (i >= a.length) return m; const v = a[i++];"
                                + " switch (c) { case 's': return typeof v === 'bigint' ? v + 'n' : typeof v === 'object' && v !== null ? one(v) : String(v);"
                                + " case 'd': return typeof v === 'bigint' ? v + 'n' : typeof v === 'symbol' ? 'NaN' : String(Number(v)); case 'i': return typeof v === 'bigint' ? v + 'n' : String(parseInt(v));"
                                + " case 'f': return String(parseFloat(v)); case 'c': return ''; default: return one(v); } });"
                                + " return [head, ...a.slice(i).map(one)].join(' '); };"
                                + " const c = {};"
                                + " for (const [m, level] of [['log', 'info'], ['info', 'info'], ['debug', 'debug'], ['trace', 'debug'], ['warn', 'warn'], ['error', 'error']]) c[m] = (...a) => s[level](fmt(a));"
                                + " globalThis.console = c; })()")
                .executeVoid();
    }

    /**
     * Makes the npm packages bundled for the function (src/api/udf/embedded-packages.ts, id →
     * CommonJS source) requirable: `require` serves them first (each evaluated once, on first use),
     * then falls back to what it did before (the v8 engine's refusal, or Node.js's require).
     */
    void installBundledModules(java.util.Map<String, String> modules) throws JavetException {
        if (modules.isEmpty()) return;
        runtime.getExecutor("(() => { const base = globalThis.require; const factories = Object.create(null); const cache = Object.create(null);"
                        + " globalThis.__tsflink_define = (id, f) => { factories[id] = f; };"
                        + " globalThis.require = function require(id) { if (id in cache) return cache[id]; const f = factories[id]; if (!f) return base(id);"
                        + " const module = { exports: {} }; cache[id] = module.exports; f(module, module.exports, require); cache[id] = module.exports;"
                        + " return module.exports; }; })()")
                .setResourceName(GLUE).executeVoid();
        for (java.util.Map.Entry<String, String> m : modules.entrySet()) {
            String id = m.getKey().replace("\\", "\\\\").replace("\"", "\\\"");
            runtime.getExecutor("__tsflink_define(\"" + id + "\", function (module, exports, require) {" + m.getValue() + "\n});")
                    .setResourceName("tsflink-bundled:" + m.getKey()).executeVoid();
        }
    }

    /**
     * Makes the bundled npm packages requirable and evaluates the shipped module of a function's
     * code: its module.exports. A failure is the user's error "in loading"; the runtime stays open
     * (the caller closes it).
     */
    V8Value loadShipped(String engine, String filename, String source, java.util.Map<String, String> modules) {
        enter();
        try {
            installBundledModules(modules);
            return loadModule("node".equals(engine) ? "/" + filename : filename, source);
        } catch (JavetException e) {
            throw userError(e, "loading");
        } finally {
            exit();
        }
    }

    /** A JS file of TSFlink's glue, a resource of this package in the glue jar (event-loop.js, datastream-glue.js). */
    static String glueScript(String resource) {
        try (java.io.InputStream in = JsRuntime.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is missing from the glue jar");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + resource + " from the glue jar", e);
        }
    }

    /** Evaluates a shipped module (src/api/udf/ship) and returns its module.exports. */
    V8Value loadModule(String filename, String source) throws JavetException {
        // the wrapper keeps the module's line numbers (the source map's) unchanged
        String wrapped = "(function (exports, require, module, __filename, __dirname) { " + source
                + "\n})";
        try (V8ValueFunction factory = runtime.getExecutor(wrapped).setResourceName(filename).execute();
                V8ValueObject module = runtime.createV8ValueObject();
                V8ValueObject exports = runtime.createV8ValueObject()) {
            module.set("exports", exports);
            V8Value require = runtime.getGlobalObject().get("require");
            try {
                factory.callVoid(null, exports, require, module, filename, ".");
            } finally {
                require.close();
            }
            return module.get("exports");
        }
    }

    /**
     * Wraps {@code fn} so that the BYTES arguments at {@code indexes} arrive as Uint8Array (what
     * process mode gives), not as the Int8Array Javet makes of a byte[].
     */
    V8ValueFunction withUint8Arrays(V8ValueFunction fn, int[] indexes) throws JavetException {
        StringBuilder fix = new StringBuilder();
        for (int i : indexes) fix.append("if (a[").append(i).append("] != null) a[").append(i).append("] = new Uint8Array(a[").append(i)
                .append("].buffer, a[").append(i).append("].byteOffset, a[").append(i).append("].byteLength); ");
        try (V8ValueFunction make = runtime.getExecutor("(f) => function (...a) { " + fix + "return f.apply(this, a); }").setResourceName(GLUE).execute()) {
            return make.call(null, fn);
        }
    }

    /**
     * Wraps a table function's {@code fn} so that an iterable result other than an array (a
     * generator, a Set) comes back as an array: Javet converts arrays, not iterators. The generator
     * runs to its end here, inside the call, so its errors are the user's and RunawayWatch times it.
     */
    V8ValueFunction collectingIterables(V8ValueFunction fn) throws JavetException {
        try (V8ValueFunction make = runtime.getExecutor("(f) => function (...a) { const r = f.apply(this, a); "
                        + "return r === null || typeof r !== 'object' || Array.isArray(r) || typeof r[Symbol.iterator] !== 'function' ? r : Array.from(r); }")
                .setResourceName(GLUE).execute()) {
            return make.call(null, fn);
        }
    }

    V8Runtime v8() {
        return runtime;
    }

    /**
     * Runs the microtasks the last call left (its Promises' continuations) without waiting for
     * anything else: V8 ran them already when the call returned; Node.js runs them in its loop.
     */
    void settle() {
        runtime.await(com.caoccao.javet.enums.V8AwaitMode.RunNoWait);
    }

    /**
     * The error a user's exception becomes: "TypeScript UDF 'name' failed: Error: message", then the
     * JS stack with the shipped module's frames mapped to the user's TypeScript file and line.
     */
    RuntimeException userError(JavetException e, String method) {
        String what = "TypeScript UDF '" + udfName + "' failed" + (method == null ? "" : " in " + method) + ": ";
        String where = method == null ? "" : " in " + method;
        if ("timeout".equals(stoppedFor)) {
            return new UdfException("TypeScript UDF '" + udfName + "' ran longer than its call timeout of " + callTimeoutMs + " ms" + where
                    + " and was stopped (a loop that never ends?); the udf() option callTimeoutMs sets the limit");
        }
        if ("heap".equals(stoppedFor)) {
            return new UdfException("TypeScript UDF '" + udfName + "' used more than its JavaScript heap limit of " + (maxHeapBytes >> 20)
                    + " MB" + where + " and was stopped (values kept across calls?); the udf() option maxHeapMb sets the limit");
        }
        if ("v8-heap".equals(stoppedFor)) {
            return new UdfException("TypeScript UDF '" + udfName + "' used up V8's heap (" + (v8HeapLimit >> 20) + " MB)" + where
                    + " and was stopped; the udf() option maxHeapMb sets a lower limit of its own");
        }
        if (e instanceof JavetExecutionException) {
            JavetScriptingError err = ((JavetExecutionException) e).getScriptingError();
            String stack = err.getStack();
            return rejection(stack == null || stack.isEmpty() ? err.getMessage() : stack, method);
        }
        return new UdfException(what + e.getMessage(), e);
    }

    /**
     * The error an exception becomes that reached TSFlink as its JS stack text (a rejected Promise's,
     * or a thrown one's): "TypeScript UDF 'name' failed: Name: message" and the stack, its frames of
     * the shipped module mapped to the user's TypeScript lines and TSFlink's glue frames left out.
     */
    RuntimeException rejection(String stack, String method) {
        String what = "TypeScript UDF '" + udfName + "' failed" + (method == null ? "" : " in " + method) + ": ";
        return new UdfException(what + mapping.mapStack(stack).replaceAll("\n\\s+at [^\n]*" + java.util.regex.Pattern.quote(GLUE) + "[^\n]*", ""));
    }

    @Override
    public void close() {
        RunawayWatch.unwatch(this);
        if (heldLock != null) {
            if (Thread.currentThread() != opener) {
                // only the task thread can release the lock; closing the runtime from here would wait for it forever
                CONSOLE.warn("TypeScript UDF '{}': its runtime is closed from thread '{}', not from task thread '{}' that holds it; left to the process",
                        udfName, Thread.currentThread().getName(), opener.getName());
                return;
            }
            try {
                heldLock.close();
            } catch (JavetException e) {
                CONSOLE.debug("releasing V8's lock of TypeScript UDF '{}' failed", udfName, e);
            }
            heldLock = null;
        }
        try {
            if (consoleObject != null && !runtime.isClosed()) {
                consoleObject.unbind(consoleSink);
                consoleObject.close();
            }
        } catch (JavetException e) {
            CONSOLE.debug("unbinding console of TypeScript UDF '{}' failed", udfName, e);
        }
        try {
            if (!runtime.isClosed()) {
                // a full collection first: the JS functions bound to Java callbacks are garbage by now, and
                // Javet recycles their callback contexts only when V8 collects them
                runtime.lowMemoryNotification();
                runtime.close();
            }
        } catch (JavetException e) {
            CONSOLE.warn("closing the embedded runtime of TypeScript UDF '{}' failed", udfName, e);
        }
    }

    /** A failure of user code: its message is what the user sees (no Java stack of ours adds to it). */
    static final class UdfException extends RuntimeException {
        UdfException(String message) {
            super(message, null, false, false);
        }

        UdfException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Receives console.* calls (bound into JS through Javet's @V8Function). */
    public static final class ConsoleSink {
        private final String prefix;

        ConsoleSink(String udfName) {
            this.prefix = "[" + udfName + "] ";
        }

        @V8Function(name = "info")
        public void info(String s) {
            CONSOLE.info("{}{}", prefix, s);
        }

        @V8Function(name = "debug")
        public void debug(String s) {
            CONSOLE.debug("{}{}", prefix, s);
        }

        @V8Function(name = "warn")
        public void warn(String s) {
            CONSOLE.warn("{}{}", prefix, s);
        }

        @V8Function(name = "error")
        public void error(String s) {
            CONSOLE.error("{}{}", prefix, s);
        }
    }
}
