package dev.tsflink.gateway;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's embedded Flink MiniCluster. Its REST endpoint (and web UI) listens on a free
 * loopback port; table environments submit to it as to any remote cluster.
 *
 * <p>A MiniCluster does not replace a TaskManager that fails, and every later job would wait for
 * slots forever. That happens in Flink 2.3 when a collect job is cancelled while its task is still
 * initializing (CollectSinkFunction's close throws, which Flink treats as fatal for the
 * TaskManager; {@link JobCancellation} avoids that case). A watchdog therefore starts a new
 * TaskManager when the cluster has none left, whatever the cause.
 */
public final class LocalCluster {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
    private static final long WATCH_MS = 500;

    /** Host options of the embedded cluster that default to loopback here (Flink: all interfaces). */
    private static final String[] LOOPBACK_BY_DEFAULT = {"jobmanager.bind-host", "taskmanager.bind-host", "taskmanager.host"};

    private static MiniCluster cluster;
    private static URI restAddress;
    private static ScheduledExecutorService watchdog;

    private LocalCluster() {}

    /** Starts the cluster; returns {"restAddress": "...", "port": n}. */
    public static synchronized String start(String configJson) {
        return GatewayException.guard(() -> {
            if (cluster != null) {
                return describe();
            }
            Map<String, String> settings = Json.stringMap(configJson);
            Configuration conf = Configuration.fromMap(settings);
            conf.setString(RestOptions.BIND_ADDRESS.key(), settings.getOrDefault(RestOptions.BIND_ADDRESS.key(), "127.0.0.1"));
            conf.setString(RestOptions.ADDRESS.key(), "127.0.0.1");
            // Every other port of the embedded cluster on loopback too, unless the user asks otherwise:
            // the BLOB server binds to jobmanager.bind-host, and what a running job opens (the result
            // collection socket of collect()) to taskmanager.bind-host; both default to all interfaces.
            for (String key : LOOPBACK_BY_DEFAULT) {
                conf.setString(key, settings.getOrDefault(key, "127.0.0.1"));
            }
            if (!settings.containsKey(RestOptions.BIND_PORT.key())) {
                conf.setString(RestOptions.BIND_PORT.key(), "0");
            }
            int slots = conf.get(TaskManagerOptions.NUM_TASK_SLOTS);
            MiniClusterConfiguration mcc = new MiniClusterConfiguration.Builder()
                    .setConfiguration(conf)
                    .setNumTaskManagers(1)
                    .setNumSlotsPerTaskManager(slots)
                    .build();
            MiniCluster mc = new MiniCluster(mcc);
            mc.start();
            cluster = mc;
            restAddress = mc.getRestAddress().get();
            watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tsflink-taskmanager-watchdog");
                t.setDaemon(true);
                return t;
            });
            watchdog.scheduleWithFixedDelay(new Watch(mc), WATCH_MS, WATCH_MS, TimeUnit.MILLISECONDS);
            return describe();
        });
    }

    /** Starts a new TaskManager once the running cluster has had none for two checks in a row. */
    private static final class Watch implements Runnable {
        private final MiniCluster mc;
        private boolean registered;
        private int missing;

        Watch(MiniCluster mc) {
            this.mc = mc;
        }

        @Override
        public void run() {
            try {
                if (!mc.isRunning()) {
                    return;
                }
                int connected = mc.requestClusterOverview().get(5, TimeUnit.SECONDS).getNumTaskManagersConnected();
                if (connected > 0) {
                    registered = true;
                    missing = 0;
                    return;
                }
                if (registered && ++missing >= 2) {
                    LOG.warn("The local cluster lost its TaskManager (see the error above); TSFlink starts a new one.");
                    registered = false;
                    missing = 0;
                    mc.startTaskManager();
                }
            } catch (Throwable e) {
                // an Error too (an OutOfMemoryError while the heap is full): one that escaped would
                // end the schedule, and with it every later recovery
                LOG.debug("TaskManager watchdog check failed", e);
            }
        }
    }

    /** Stops a TaskManager as if it had failed (for tests of the recovery above). */
    public static void terminateTaskManager(int index) {
        GatewayException.guard(() -> {
            get().terminateTaskManager(index).get();
            return null;
        });
    }

    private static String describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("restAddress", restAddress.toString());
        out.put("host", restAddress.getHost());
        out.put("port", restAddress.getPort());
        return Json.write(out);
    }

    public static synchronized boolean isRunning() {
        return cluster != null && cluster.isRunning();
    }

    public static synchronized void stop() {
        GatewayException.guard(() -> {
            if (cluster != null) {
                MiniCluster mc = cluster;
                cluster = null;
                watchdog.shutdownNow();
                mc.closeAsync().get();
            }
            return null;
        });
    }

    /** The running local cluster, or null (the session uses a remote one, or it stopped). */
    static synchronized MiniCluster runningOrNull() {
        return cluster != null && cluster.isRunning() ? cluster : null;
    }

    static MiniCluster get() {
        if (cluster == null) {
            throw new IllegalStateException("the TSFlink local cluster is not running");
        }
        return cluster;
    }
}
