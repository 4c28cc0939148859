package dev.tsflink.datastream;

import dev.tsflink.gateway.GatewayException;
import dev.tsflink.gateway.Handles;
import dev.tsflink.gateway.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.python.util.PythonConfigUtil;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The DataStream API's job control and fault-tolerance pieces (docs/datastream.md, "Fault
 * tolerance"): checkpointing with a mode, configure(), executeAsync() with a JobClient (savepoints).
 * (The FileSink is built in {@link Connectors}.) Kept apart from {@link DataStreams}, which builds the operators.
 */
public final class DataStreamJobs {
    private DataStreamJobs() {}

    public static void enableCheckpointing(int env, long intervalMs, String mode) {
        GatewayException.guard(() -> {
            StreamExecutionEnvironment e = Handles.get(env);
            e.enableCheckpointing(intervalMs, CheckpointingMode.valueOf(mode));
            return null;
        });
    }

    /** Java's StreamExecutionEnvironment#configure: restart strategy, checkpointing, state backend, ... */
    public static void configure(int env, String configJson) {
        GatewayException.guard(() -> {
            StreamExecutionEnvironment e = Handles.get(env);
            e.configure(Configuration.fromMap(Json.stringMap(configJson)));
            return null;
        });
    }

    /** Submits the env's job and returns a handle of its JobClient (does not wait). */
    public static int executeAsync(int env, String jobName) {
        return GatewayException.guard(() -> {
            StreamExecutionEnvironment e = Handles.get(env);
            PythonConfigUtil.configPythonOperator(e);
            return Handles.put(e.executeAsync(jobName));
        });
    }

    public static String jobId(int client) {
        return GatewayException.guard(() -> ((JobClient) Handles.get(client)).getJobID().toHexString());
    }

    public static String jobStatus(int client) {
        return GatewayException.guard(() -> ((JobClient) Handles.get(client)).getJobStatus().get().name());
    }

    public static void cancel(int client) {
        GatewayException.guard(() -> {
            JobClient c = Handles.get(client);
            if (!c.getJobStatus().get().isGloballyTerminalState()) c.cancel().get();
            return null;
        });
    }

    public static String stopWithSavepoint(int client, boolean advanceToEndOfEventTime, String directory, String formatType) {
        return GatewayException.guard(() -> {
            JobClient c = Handles.get(client);
            return c.stopWithSavepoint(advanceToEndOfEventTime, directory, SavepointFormatType.valueOf(formatType)).get();
        });
    }

    public static String triggerSavepoint(int client, String directory, String formatType) {
        return GatewayException.guard(() -> {
            JobClient c = Handles.get(client);
            return c.triggerSavepoint(directory, SavepointFormatType.valueOf(formatType)).get();
        });
    }

    /** Waits for the job's end: {"jobId", "netRuntimeMs"}; a failed job throws its cause. */
    public static String jobExecutionResult(int client) {
        return GatewayException.guard(() -> {
            JobClient c = Handles.get(client);
            JobExecutionResult r = c.getJobExecutionResult().get();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("jobId", r.getJobID().toHexString());
            out.put("netRuntimeMs", r.getNetRuntime());
            return Json.write(out);
        });
    }
}
