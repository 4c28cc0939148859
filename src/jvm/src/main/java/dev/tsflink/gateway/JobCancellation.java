package dev.tsflink.gateway;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.table.api.TableResult;

/**
 * Cancels jobs of the local cluster only once their tasks have started (none is being scheduled,
 * deployed or initialized). Flink 2.3 fails the whole TaskManager, with every other job on it,
 * when a collect job is cancelled while its task initializes (CollectSinkFunction.close throws
 * before open); see LocalCluster. Waiting costs the time a task takes to start, at most
 * {@link #MAX_WAIT_MS}.
 */
public final class JobCancellation {
    private static final long MAX_WAIT_MS = 3_000;
    private static final long POLL_MS = 20;

    private JobCancellation() {}

    /** Waits until the job's tasks have started (or ended); returns at once for other clusters. */
    public static void awaitTasksStarted(String jobIdHex) {
        GatewayException.guard(() -> {
            awaitTasksStarted(JobID.fromHexString(jobIdHex));
            return null;
        });
    }

    public static void awaitTasksStarted(TableResult result) throws InterruptedException {
        Optional<JobClient> client = result == null ? Optional.empty() : result.getJobClient();
        if (client.isPresent()) {
            awaitTasksStarted(client.get().getJobID());
        }
    }

    static void awaitTasksStarted(JobID id) throws InterruptedException {
        MiniCluster mc = LocalCluster.runningOrNull();
        if (mc == null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS);
        while (System.nanoTime() < deadline) {
            ArchivedExecutionGraph graph;
            try {
                graph = mc.getArchivedExecutionGraph(id).get(MAX_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception notHere) {
                return; // submitted elsewhere, or already gone
            }
            if (graph.getState().isGloballyTerminalState() || !starting(graph)) {
                return;
            }
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * Whether a task may be about to start: the job has no tasks yet (it is initializing), none has
     * got past CREATED (it is being scheduled), or one is scheduled, deploying or initializing. A
     * task still CREATED beside running ones (a batch job's later stage) does not count.
     */
    private static boolean starting(ArchivedExecutionGraph graph) {
        boolean anyStarted = false;
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            switch (v.getExecutionState()) {
                case SCHEDULED:
                case DEPLOYING:
                case INITIALIZING:
                    return true;
                case CREATED:
                    break;
                default:
                    anyStarted = true;
            }
        }
        return !anyStarted;
    }
}
