package dev.tsflink.gateway;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * The session's embedded Flink MiniCluster. Its REST endpoint (and web UI) listens on a free
 * loopback port; table environments submit to it as to any remote cluster.
 */
public final class LocalCluster {
    private static MiniCluster cluster;
    private static URI restAddress;

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
            return describe();
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
                mc.closeAsync().get();
            }
            return null;
        });
    }

    static MiniCluster get() {
        if (cluster == null) {
            throw new IllegalStateException("the TSFlink local cluster is not running");
        }
        return cluster;
    }
}
