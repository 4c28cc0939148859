package dev.tsflink.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.table.api.TableResult;

/** Facade over TableResult: schema, job control and batched row fetching. */
public final class Results {
    private Results() {}

    /** {"resultKind", "jobId" | null, "schema"} in one crossing. */
    public static String info(int result) {
        return GatewayException.guard(() -> {
            TableResult r = Handles.get(result);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("resultKind", r.getResultKind().name());
            out.put("jobId", r.getJobClient().map(c -> c.getJobID().toHexString()).orElse(null));
            out.put("schema", Json.parse(Types.describeSchema(r.getResolvedSchema())));
            return Json.write(out);
        });
    }

    public static int openFetcher(int result, int capacity) {
        return GatewayException.guard(() -> Handles.put(new ResultFetcher(Handles.get(result), capacity)));
    }

    public static String fetch(int fetcher, int maxRows, int timeoutMs) {
        return GatewayException.guard(() -> {
            ResultFetcher f = Handles.get(fetcher);
            return f.fetch(maxRows, timeoutMs);
        });
    }

    public static void closeFetcher(int fetcher) {
        GatewayException.guard(() -> {
            ResultFetcher f = Handles.get(fetcher);
            Handles.release(fetcher);
            f.close();
            return null;
        });
    }

    /** Waits for the job; timeoutMs <= 0 waits without limit. */
    public static void await(int result, long timeoutMs) {
        GatewayException.guard(() -> {
            TableResult r = Handles.get(result);
            if (timeoutMs > 0) {
                r.await(timeoutMs, TimeUnit.MILLISECONDS);
            } else {
                r.await();
            }
            return null;
        });
    }

    public static String jobStatus(int result) {
        return GatewayException.guard(() -> {
            TableResult r = Handles.get(result);
            JobClient c = r.getJobClient().orElse(null);
            return c == null ? null : c.getJobStatus().get().name();
        });
    }

    public static void cancel(int result) {
        GatewayException.guard(() -> {
            TableResult r = Handles.get(result);
            JobClient c = r.getJobClient().orElseThrow(() -> new IllegalStateException("this TableResult has no job to cancel"));
            if (!c.getJobStatus().get().isGloballyTerminalState()) {
                JobCancellation.awaitTasksStarted(c.getJobID());
                c.cancel().get();
            }
            return null;
        });
    }

    /**
     * Stops the job with a savepoint (Flink's JobClient#stopWithSavepoint) and returns its path.
     * A null directory takes state.savepoints.dir from the job's configuration.
     */
    public static String stopWithSavepoint(int result, boolean advanceToEndOfEventTime, String directory, String formatType) {
        return GatewayException.guard(() -> {
            JobClient c = jobClient(result, "stop with a savepoint");
            JobCancellation.awaitTasksStarted(c.getJobID());
            return c.stopWithSavepoint(advanceToEndOfEventTime, directory, SavepointFormatType.valueOf(formatType)).get();
        });
    }

    /** Takes a savepoint of the running job (Flink's JobClient#triggerSavepoint) and returns its path. */
    public static String triggerSavepoint(int result, String directory, String formatType) {
        return GatewayException.guard(() -> {
            JobClient c = jobClient(result, "take a savepoint of");
            JobCancellation.awaitTasksStarted(c.getJobID());
            return c.triggerSavepoint(directory, SavepointFormatType.valueOf(formatType)).get();
        });
    }

    /** Waits for the job's end (Flink's JobClient#getJobExecutionResult): {"jobId", "netRuntimeMs"}. */
    public static String jobExecutionResult(int result) {
        return GatewayException.guard(() -> {
            org.apache.flink.api.common.JobExecutionResult r = jobClient(result, "wait for").getJobExecutionResult().get();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("jobId", r.getJobID().toHexString());
            out.put("netRuntimeMs", r.getNetRuntime());
            return Json.write(out);
        });
    }

    private static JobClient jobClient(int result, String action) {
        TableResult r = Handles.get(result);
        return r.getJobClient().orElseThrow(() -> new IllegalStateException("this TableResult has no job to " + action));
    }
}
