package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueArray;
import com.caoccao.javet.values.reference.V8ValueFunction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.types.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JS runtime of an async TypeScript UDF in embedded mode, on a thread of its own. An async
 * function's Promises settle later, on timers or I/O, so its runtime needs an event loop that runs
 * while Flink's task thread is elsewhere; and a V8 isolate is entered by one thread at a time. So
 * this thread owns the runtime from open to close: the task thread only queues calls ({@link
 * #submit}), and this thread starts them, runs the timers that are due (the v8 engine's, kept by
 * the glue in event-loop.js) or turns Node.js's loop (the node engine), and completes each call's
 * future as its Promise settles. Flink's AsyncWaitOperator does the rest (order, capacity, timeout,
 * retries), as for a Java AsyncScalarFunction.
 */
final class JsEventLoop {
    private static final Logger LOG = LoggerFactory.getLogger(JsEventLoop.class);
    /** How often the node engine's loop is turned while calls are in flight (it cannot wake this thread). */
    private static final long NODE_TURN_MS = 1;
    private static final String GLUE_SOURCE = JsRuntime.glueScript("event-loop.js");

    private final EmbeddedCode code;
    private final DataType[] inputTypes;
    private final DataType resultType;
    /**
     * How long a call may take before it fails naming the function (0: no limit): a little less than
     * table.exec.async-scalar.timeout, so that this error, not Flink's "Async function call has timed
     * out.", is what a job without retries left fails with.
     */
    private final long deadlineMs;
    private final long configuredTimeoutMs;
    /** Flink's context, for the user's open(ctx) on the loop's thread. */
    private final FunctionContext context;
    private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
    /** Calls started and not yet settled, oldest first (so the first has the nearest deadline). */
    private final Map<Integer, Call> inFlight = new LinkedHashMap<>();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final Thread thread;
    private int nextId;
    /** Once the runtime failed as a whole (a timer callback threw, a runaway call was stopped): every call fails with it. */
    private volatile RuntimeException broken;
    private volatile boolean closing;

    private V8ValueFunction start;
    private V8ValueFunction settled;
    private V8ValueFunction runTimers;

    /** One call: its arguments (already JS-ready), its future, and when it fails for taking too long. */
    private static final class Call {
        final Object[] args;
        final CompletableFuture<Object> future;
        final long deadlineNanos;

        Call(Object[] args, CompletableFuture<Object> future, long deadlineNanos) {
            this.args = args;
            this.future = future;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private static final Call CLOSE = new Call(null, null, 0);

    private JsEventLoop(EmbeddedCode code, FunctionContext context, DataType[] inputTypes, DataType resultType, long timeoutMs) {
        this.code = code;
        this.context = context;
        this.inputTypes = inputTypes;
        this.resultType = resultType;
        this.configuredTimeoutMs = timeoutMs;
        this.deadlineMs = timeoutMs <= 0 ? 0 : timeoutMs - Math.max(1, Math.min(50, timeoutMs / 10));
        this.thread = new Thread(this::run, "TypeScript UDF '" + code.name + "' event loop");
        thread.setDaemon(true);
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
    }

    /** Starts the loop's thread, which opens the runtime (the user's open(ctx) included); fails as open failed. */
    static JsEventLoop open(EmbeddedCode code, FunctionContext context, DataType[] inputTypes, DataType resultType, long timeoutMs) {
        JsEventLoop loop = new JsEventLoop(code, context, inputTypes, resultType, timeoutMs);
        loop.thread.start();
        try {
            loop.opened.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
        }
        return loop;
    }

    /** From the task thread: queues a call; its future completes on the loop's thread. */
    void submit(Object[] args, CompletableFuture<Object> future) {
        RuntimeException failure = broken;
        if (failure != null) {
            future.completeExceptionally(failure);
            return;
        }
        Object[] jsArgs = new Object[args.length];
        for (int i = 0; i < args.length; i++) jsArgs[i] = JsValues.toJs(args[i], inputTypes[i]);
        long deadline = deadlineMs > 0 ? System.nanoTime() + deadlineMs * 1_000_000L : 0;
        queue.add(new Call(jsArgs, future, deadline));
    }

    private void run() {
        try {
            code.open(context, inputTypes);
            bindGlue();
        } catch (Throwable e) {
            try {
                code.close(); // (nothing to do when open itself failed: it closed what it had made)
            } catch (RuntimeException ignored) {
                // the open failure is the one to report
            }
            opened.completeExceptionally(e instanceof RuntimeException ? e : new IllegalStateException(e));
            return;
        }
        opened.complete(null);
        long nextTimerMs = -1;
        List<Call> batch = new ArrayList<>();
        try {
            while (true) {
                Call first = queue.poll(waitMs(nextTimerMs), TimeUnit.MILLISECONDS);
                batch.clear();
                if (first != null) batch.add(first);
                queue.drainTo(batch);
                boolean closeNow = batch.remove(CLOSE) || closing;
                if (broken == null) nextTimerMs = turn(batch);
                else for (Call c : batch) c.future.completeExceptionally(broken);
                failOverdue();
                if (closeNow) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shutDown();
        }
    }

    /** How long to wait for the next call: until the next timer or deadline, or (node engine, calls in flight) one loop turn. */
    private long waitMs(long nextTimerMs) {
        long wait = nextTimerMs < 0 ? Long.MAX_VALUE : nextTimerMs;
        if (!inFlight.isEmpty()) {
            if (runTimers == null) wait = Math.min(wait, NODE_TURN_MS);
            Call oldest = inFlight.values().iterator().next();
            if (oldest.deadlineNanos != 0) wait = Math.min(wait, Math.max(0, (oldest.deadlineNanos - System.nanoTime()) / 1_000_000L + 1));
        }
        return wait == Long.MAX_VALUE ? 1000 : wait;
    }

    /**
     * One turn in the runtime: starts the new calls, runs what is due (timers, Node.js's loop and the
     * microtasks each runs), then completes the futures of the calls that settled. Returns ms until
     * the next v8-engine timer, or -1.
     */
    private long turn(List<Call> calls) {
        JsRuntime js = code.js();
        long nextTimerMs = -1;
        List<Object> done;
        js.enter();
        // what ran when an exception escaped: the user's function catches its own (glue's start)
        String running = null;
        try {
            for (Call c : calls) {
                int id = nextId++;
                inFlight.put(id, c);
                Object[] args = new Object[c.args.length + 1];
                args[0] = id;
                System.arraycopy(c.args, 0, args, 1, c.args.length);
                start.callVoid(null, args);
            }
            running = "a timer or callback";
            if (runTimers != null) {
                runTimers.callVoid(null);
            } else {
                js.settle();
            }
            running = null;
            done = castList(settled.callObject(null));
            nextTimerMs = ((Number) done.get(0)).longValue();
        } catch (JavetException e) {
            fail(js.userError(e, running));
            return -1;
        } catch (RuntimeException e) {
            fail(e);
            return -1;
        } finally {
            js.exit();
        }
        for (int i = 1; i + 2 < done.size(); i += 3) {
            Call c = inFlight.remove(((Number) done.get(i)).intValue());
            if (c == null) continue; // failed at its deadline already
            if (Boolean.TRUE.equals(done.get(i + 1))) {
                try {
                    c.future.complete(JsValues.fromJs(done.get(i + 2), resultType));
                } catch (IllegalArgumentException e) {
                    c.future.completeExceptionally(new JsRuntime.UdfException(
                            "TypeScript UDF '" + code.name + "' returned a value that does not match its result type: " + e.getMessage()));
                }
            } else {
                c.future.completeExceptionally(js.rejection(String.valueOf(done.get(i + 2)), null));
            }
        }
        code.afterCall();
        return nextTimerMs;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castList(Object o) {
        return (List<Object>) o;
    }

    /** Calls past their deadline fail naming the function (a Promise that settles later is ignored). */
    private void failOverdue() {
        if (deadlineMs == 0 || inFlight.isEmpty()) return;
        long now = System.nanoTime();
        for (Iterator<Call> it = inFlight.values().iterator(); it.hasNext(); ) {
            Call c = it.next();
            if (c.deadlineNanos - now > 0) break; // the rest started later
            it.remove();
            c.future.completeExceptionally(new JsRuntime.UdfException("TypeScript UDF '" + code.name + "' gave no result within "
                    + configuredTimeoutMs + " ms (table.exec.async-scalar.timeout)"));
        }
    }

    /** The runtime failed as a whole: every call in flight, queued or to come fails with the cause. */
    private void fail(RuntimeException cause) {
        broken = cause;
        for (Call c : inFlight.values()) c.future.completeExceptionally(cause);
        inFlight.clear();
    }

    private void bindGlue() {
        JsRuntime js = code.js();
        js.enter();
        try (V8ValueFunction make = js.v8().getExecutor(GLUE_SOURCE).setResourceName(JsRuntime.GLUE).execute()) {
            boolean ownTimers = !code.isNodeEngine();
            try (V8ValueArray made = make.call(null, code.fn(), code.target(), ownTimers)) {
                start = made.get(0);
                V8Value timers = made.get(1);
                settled = made.get(2);
                if (ownTimers) {
                    runTimers = (V8ValueFunction) timers;
                } else {
                    timers.close();
                }
            }
        } catch (JavetException e) {
            throw new IllegalStateException("TypeScript UDF '" + code.name + "': cannot set up the embedded event loop: " + e.getMessage(), e);
        } finally {
            js.exit();
        }
    }

    /** On the loop's thread: calls still in flight fail, then the user's close() runs and the runtime ends. */
    private void shutDown() {
        RuntimeException gone = new JsRuntime.UdfException("TypeScript UDF '" + code.name + "' was closed before its Promise settled");
        for (Call c : inFlight.values()) c.future.completeExceptionally(gone);
        inFlight.clear();
        for (Call c; (c = queue.poll()) != null; ) if (c != CLOSE) c.future.completeExceptionally(gone);
        try {
            for (V8ValueFunction f : new V8ValueFunction[] {start, settled, runTimers}) if (f != null) f.close();
        } catch (JavetException ignored) {
            // the runtime goes next anyway
        }
        try {
            code.close();
        } catch (RuntimeException e) {
            closeFailure = e;
        }
    }

    private volatile RuntimeException closeFailure;

    /**
     * From the task thread: ends the loop and its runtime. A call stuck in the user's code (a loop that
     * never ends) is stopped first, so closing never waits on it for long.
     */
    void close() {
        closing = true;
        queue.add(CLOSE);
        try {
            thread.join(5000);
            if (thread.isAlive()) {
                code.js().terminate("closing");
                thread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("TypeScript UDF '{}': its event loop did not end within 10 s of close(); left to the process", code.name);
        }
        RuntimeException failure = closeFailure;
        if (failure != null) throw failure;
    }
}
