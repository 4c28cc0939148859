package dev.tsflink.gateway;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One Java thread for every TableEnvironment / Table call. The planner is not thread-safe and
 * Calcite keeps metadata providers in thread-locals set when the planner is created, while
 * java-bridge runs async calls on a pool of threads: funnelling the calls through one thread keeps
 * both right, whichever Node call path (sync or async) they come from.
 */
final class ApiThread {
    private static volatile Thread thread;
    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tsflink-api");
        t.setDaemon(true);
        thread = t;
        return t;
    });

    private ApiThread() {}

    static <T> T run(GatewayException.Call<T> call) {
        if (Thread.currentThread() == thread) {
            return GatewayException.guard(call);
        }
        Callable<T> task = call::run;
        try {
            Future<T> f = EXECUTOR.submit(task);
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GatewayException.of(e);
        } catch (Throwable t) {
            throw GatewayException.of(t);
        }
    }
}
