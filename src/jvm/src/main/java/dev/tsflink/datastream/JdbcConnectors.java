package dev.tsflink.datastream;

import java.util.Iterator;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

/**
 * Flink's JDBC DataStream sink (flink-connector-jdbc 4.0's
 * org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink, at-least-once) for the TS
 * DataStream API, built from the TS builders' description (src/api/datastream/connectors/jdbc.ts)
 * by reflection in a class loader over the session's connector jars (ConnectorClassLoaders says
 * why). The statement builder is JdbcRecordStatementBuilder: it runs in the JVM, so the TS side
 * describes which record field goes to which ? parameter.
 */
final class JdbcConnectors {
    private JdbcConnectors() {}

    static final String MISSING = "JdbcSink needs the 'jdbc' connector: add it with await env.addConnector('jdbc'), "
            + "StreamExecutionEnvironment.create({}, { connectors: ['jdbc'] }), %connector jdbc in the shell or kernel, or tsflink run --connector jdbc";

    private static final String PACKAGE = "org.apache.flink.connector.jdbc.";

    private static Class<?> load(ClassLoader cl, String name) {
        return ConnectorClassLoaders.load(cl, PACKAGE + name, MISSING);
    }

    private static Object call(Object target, String name, Object... args) throws Exception {
        return ConnectorClassLoaders.call(target, name, args);
    }

    /**
     * An at-least-once JdbcSink: {sql, record: "ROW" | "TUPLE" | "VALUE", parameters: [{field, type}],
     * execution?: {batchSize?, batchIntervalMs?, maxRetries?}, connection: {url, driverName?,
     * username?, password?, connectionCheckTimeoutSeconds?, properties?}, connectorJars}.
     */
    @SuppressWarnings("unchecked")
    static Object sink(JsonNode spec) throws Exception {
        ClassLoader cl = ConnectorClassLoaders.loader(spec.get("connectorJars"));
        JsonNode params = spec.get("parameters");
        int[] fields = new int[params.size()];
        String[] types = new String[params.size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = params.get(i).get("field").asInt();
            types[i] = params.get(i).get("type").asText();
        }
        JdbcRecordStatementBuilder.RecordKind kind = JdbcRecordStatementBuilder.RecordKind.valueOf(spec.get("record").asText());
        Object statementBuilder = JdbcRecordStatementBuilder.create(cl, load(cl, "JdbcStatementBuilder"), kind, fields, types);

        Object b = call(load(cl, "core.datastream.sink.JdbcSink"), "builder");
        call(b, "withQueryStatement", spec.get("sql").asText(), statementBuilder);
        if (spec.hasNonNull("execution")) call(b, "withExecutionOptions", executionOptions(cl, spec.get("execution")));
        Object jdbcSink = call(b, "buildAtLeastOnce", connectionOptions(cl, spec.get("connection")));
        // JdbcWriter.close() throws again after a failed batch, which would stop the TaskManager (CleanupSafeSink says how)
        return new CleanupSafeSink<>((org.apache.flink.api.connector.sink2.Sink<Object>) jdbcSink);
    }

    private static Object executionOptions(ClassLoader cl, JsonNode spec) throws Exception {
        Object b = call(load(cl, "JdbcExecutionOptions"), "builder");
        if (spec.hasNonNull("batchSize")) call(b, "withBatchSize", spec.get("batchSize").asInt());
        if (spec.hasNonNull("batchIntervalMs")) call(b, "withBatchIntervalMs", spec.get("batchIntervalMs").asLong());
        if (spec.hasNonNull("maxRetries")) call(b, "withMaxRetries", spec.get("maxRetries").asInt());
        return call(b, "build");
    }

    private static Object connectionOptions(ClassLoader cl, JsonNode spec) throws Exception {
        Object b = load(cl, "JdbcConnectionOptions$JdbcConnectionOptionsBuilder").getConstructor().newInstance();
        call(b, "withUrl", spec.get("url").asText());
        if (spec.hasNonNull("driverName")) call(b, "withDriverName", spec.get("driverName").asText());
        if (spec.hasNonNull("username")) call(b, "withUsername", spec.get("username").asText());
        if (spec.hasNonNull("password")) call(b, "withPassword", spec.get("password").asText());
        if (spec.hasNonNull("connectionCheckTimeoutSeconds")) call(b, "withConnectionCheckTimeoutSeconds", spec.get("connectionCheckTimeoutSeconds").asInt());
        JsonNode props = spec.get("properties");
        if (props != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                call(b, "withProperty", e.getKey(), e.getValue().asText());
            }
        }
        return call(b, "build");
    }
}
