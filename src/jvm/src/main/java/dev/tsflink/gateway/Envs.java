package dev.tsflink.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/** TableEnvironment entry points that need more than a generic {@link Gateway#invoke}. */
public final class Envs {
    private Envs() {}

    /** Creates a TableEnvironment; mode is "streaming" or "batch". Returns its handle. */
    public static int create(String mode, String configJson) {
        return createSharing(mode, configJson, -1);
    }

    /**
     * Creates a TableEnvironment that shares the catalogs, modules, functions and jars of the
     * environment behind {@code shareWith} (a {@link SessionTableEnvironment}; -1 for none).
     */
    public static int createSharing(String mode, String configJson, int shareWith) {
        return ApiThread.run(() -> {
            SessionTableEnvironment other = null;
            if (shareWith >= 0) {
                Object o = Handles.get(shareWith);
                if (!(o instanceof SessionTableEnvironment)) {
                    throw new IllegalArgumentException("can only share the catalogs of an environment made by TableEnvironment.create");
                }
                other = (SessionTableEnvironment) o;
            }
            Map<String, String> settings = Json.stringMap(configJson);
            EnvironmentSettings.Builder b = EnvironmentSettings.newInstance();
            if ("batch".equals(mode)) {
                b.inBatchMode();
            } else {
                b.inStreamingMode();
            }
            b.withConfiguration(Configuration.fromMap(settings));
            return Handles.put(SessionTableEnvironment.create(b.build(), other));
        });
    }

    private static final ConcurrentHashMap<String, ConfigOption<String>> OPTIONS = new ConcurrentHashMap<>();

    private static ConfigOption<String> option(String key) {
        return OPTIONS.computeIfAbsent(key, k -> ConfigOptions.key(k).stringType().noDefaultValue());
    }

    /**
     * Warms the planner while the session's cluster starts: creates a throw-away environment and plans
     * a small query on the API thread, loading and JIT-compiling the planner's classes, so the user's
     * first TableEnvironment.create and query come sooner. Runs in the background; failures are
     * ignored (the real create reports them).
     */
    public static void prewarm() {
        Thread t = new Thread(() -> {
            try {
                ApiThread.run(() -> {
                    TableEnvironment warm = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
                    warm.explainSql("SELECT CAST(x AS STRING) AS s, COUNT(*) AS n FROM (VALUES (1), (2)) AS v(x) GROUP BY x");
                    return null;
                });
            } catch (Throwable ignored) {
                // only a head start
            }
        }, "tsflink-prewarm");
        t.setDaemon(true);
        t.start();
    }

    /** The config of a TableEnvironment handle, or a TableConfig handle itself (TableConfig.getDefault()). */
    private static org.apache.flink.table.api.TableConfig config(int handle) {
        Object o = Handles.get(handle);
        return o instanceof org.apache.flink.table.api.TableConfig
                ? (org.apache.flink.table.api.TableConfig) o
                : ((TableEnvironment) o).getConfig();
    }

    public static void configSet(int env, String key, String value) {
        ApiThread.run(() -> {
            config(env).set(key, value);
            return null;
        });
    }

    /** Forgets a value set for key in this environment (SQL's RESET): the root configuration's value applies again. */
    public static void configRemove(int env, String key) {
        ApiThread.run(() -> {
            TableEnvironment t = Handles.get(env);
            org.apache.flink.configuration.Configuration own = t.getConfig().getConfiguration();
            String value = own.toMap().get(key);
            own.removeKey(key);
            // Running a job merges the table config into the execution environment's configuration
            // (the root): a value that leaked there from this one goes too, or it would stay in force
            if (value != null && t.getConfig().getRootConfiguration() instanceof org.apache.flink.configuration.Configuration root
                    && sameValue(value, root.toMap().get(key))) {
                root.removeKey(key);
            }
            return null;
        });
    }

    /**
     * Whether a leaked copy holds the value set: the merge writes typed options back in Flink's
     * own format ('500ms' comes back as '500 ms'), so durations and memory sizes compare parsed.
     */
    private static boolean sameValue(String set, String leaked) {
        if (leaked == null) return false;
        if (set.equals(leaked)) return true;
        try {
            return org.apache.flink.util.TimeUtils.parseDuration(set).equals(org.apache.flink.util.TimeUtils.parseDuration(leaked));
        } catch (RuntimeException notADuration) {
            // not a duration: maybe a memory size
        }
        try {
            return org.apache.flink.configuration.MemorySize.parse(set).equals(org.apache.flink.configuration.MemorySize.parse(leaked));
        } catch (RuntimeException notASize) {
            return false;
        }
    }

    /** The value set for key (in the table config or the environment's root config), or null. */
    public static String configGet(int env, String key) {
        return config(env).getOptional(option(key)).orElse(null);
    }

    public static String configToJson(int env) {
        org.apache.flink.table.api.TableConfig c = config(env);
        Map<String, String> all = new java.util.TreeMap<>(c.getRootConfiguration().toMap());
        all.putAll(c.getConfiguration().toMap());
        return Json.write(all);
    }

    /** fromValues with an explicit row type (a SQL type as a JSON string) and rows as JSON arrays or objects. */
    public static int fromValues(int env, String rowTypeJson, String rowsJson) {
        return ApiThread.run(() -> {
            TableEnvironment t = Handles.get(env);
            String rowTypeSql = Json.parse(rowTypeJson).asText();
            DataType type = Types.parse(rowTypeSql);
            if (!(type.getLogicalType() instanceof RowType)) {
                throw new IllegalArgumentException("fromValues needs a ROW type, got " + rowTypeSql);
            }
            // decoded here too, so that a bad value fails the call that passed it
            InlineValues.rows(rowsJson, (RowType) type.getLogicalType());
            return Handles.put(t.from(TableDescriptor.forConnector(InlineRowsFactory.IDENTIFIER)
                    .schema(Schema.newBuilder().fromRowDataType(type).build())
                    .option(InlineRowsFactory.ROWS, rowsJson)
                    .build()));
        });
    }

    /** SQL of a resolved schema's columns, handy for explain/describe output. */
    public static String schema(int table) {
        return GatewayException.guard(() -> {
            Table tbl = Handles.get(table);
            return Types.describeSchema(tbl.getResolvedSchema());
        });
    }

    public static String listJobs() {
        return GatewayException.guard(() -> {
            List<Map<String, Object>> out = new ArrayList<>();
            LocalCluster.get().listJobs().get().forEach(j -> {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("jobId", j.getJobId().toHexString());
                m.put("name", j.getJobName());
                m.put("state", j.getJobState().name());
                m.put("startTime", j.getStartTime());
                out.add(m);
            });
            return Json.write(out);
        });
    }
}
