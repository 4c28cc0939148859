package dev.tsflink.datastream;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

/**
 * Flink's Kafka connector for the TS DataStream API: KafkaSource and KafkaSink built from the TS
 * builders' description (src/api/datastream/connectors/kafka.ts), with the (de)serialization
 * schemas of KafkaSchemas: keys, values, headers and record metadata.
 *
 * <p>Built by reflection in a class loader over the session's connector jars (ConnectorClassLoaders
 * says why).
 */
final class KafkaConnectors {
    private KafkaConnectors() {}

    static final String MISSING = "KafkaSource and KafkaSink need the 'kafka' connector: add it with await env.addConnector('kafka'), "
            + "StreamExecutionEnvironment.create({}, { connectors: ['kafka'] }), %connector kafka in the shell or kernel, or tsflink run --connector kafka";

    private static Class<?> load(ClassLoader cl, String name) {
        return ConnectorClassLoaders.load(cl, name, MISSING);
    }

    private static Object call(Object target, String name, Object... args) throws Exception {
        return ConnectorClassLoaders.call(target, name, args);
    }

    /** An OffsetsInitializer: {"kind": "earliest" | "latest" | "committed" | "timestamp", "timestamp"?, "reset"?}. */
    private static Object offsets(ClassLoader cl, JsonNode spec) throws Exception {
        Class<?> initializer = load(cl, "org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer");
        switch (spec.get("kind").asText()) {
            case "earliest": return call(initializer, "earliest");
            case "latest": return call(initializer, "latest");
            case "timestamp": return call(initializer, "timestamp", spec.get("timestamp").asLong());
            case "committed": {
                if (!spec.hasNonNull("reset")) return call(initializer, "committedOffsets");
                // Kafka's OffsetResetStrategy, shaded inside the connector jar: take the type from the method
                for (Method m : initializer.getMethods()) {
                    if (m.getName().equals("committedOffsets") && m.getParameterCount() == 1) {
                        @SuppressWarnings({"unchecked", "rawtypes"})
                        Object reset = Enum.valueOf((Class<? extends Enum>) m.getParameterTypes()[0], spec.get("reset").asText());
                        return m.invoke(null, reset);
                    }
                }
                throw new NoSuchMethodException("OffsetsInitializer.committedOffsets(OffsetResetStrategy)");
            }
            default: throw new IllegalArgumentException("unknown offsets " + spec);
        }
    }

    private static void properties(Object builder, JsonNode props) throws Exception {
        if (props == null) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            call(builder, "setProperty", e.getKey(), e.getValue().asText());
        }
    }

    /**
     * A KafkaSource: {bootstrapServers, topics? | topicPattern?, groupId?, startingOffsets?, bounded?, properties?,
     * deserializer: {kind: "valueOnly", value} | {kind: "withMetadata", key, value} (KafkaSchemas.deserializer), connectorJars}.
     */
    static Object source(JsonNode spec) throws Exception {
        ClassLoader cl = ConnectorClassLoaders.loader(spec.get("connectorJars"));
        Object b = call(load(cl, "org.apache.flink.connector.kafka.source.KafkaSource"), "builder");
        call(b, "setBootstrapServers", spec.get("bootstrapServers").asText());
        if (spec.hasNonNull("topics")) {
            List<String> topics = new ArrayList<>();
            spec.get("topics").forEach(t -> topics.add(t.asText()));
            call(b, "setTopics", topics);
        }
        if (spec.hasNonNull("topicPattern")) call(b, "setTopicPattern", Pattern.compile(spec.get("topicPattern").asText()));
        if (spec.hasNonNull("groupId")) call(b, "setGroupId", spec.get("groupId").asText());
        if (spec.hasNonNull("startingOffsets")) call(b, "setStartingOffsets", offsets(cl, spec.get("startingOffsets")));
        if (spec.hasNonNull("bounded")) call(b, "setBounded", offsets(cl, spec.get("bounded")));
        if (spec.hasNonNull("clientIdPrefix")) call(b, "setClientIdPrefix", spec.get("clientIdPrefix").asText());
        properties(b, spec.get("properties"));
        JsonNode d = spec.get("deserializer");
        if (d.get("kind").asText().equals("withMetadata")) {
            // key, value, headers and metadata as one Row (KafkaSchemas.RecordWithMetadata)
            Class<?> schemaInterface = load(cl, "org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema");
            call(b, "setDeserializer", KafkaSchemas.RecordWithMetadata.create(cl, schemaInterface, KafkaSchemas.deserializer(d.get("key")), KafkaSchemas.deserializer(d.get("value"))));
        } else {
            call(b, "setValueOnlyDeserializer", KafkaSchemas.deserializer(d.get("value")));
        }
        return call(b, "build");
    }

    /**
     * A KafkaSink: {bootstrapServers, topic, value: {schema, field?}, key?: {schema, field?}, headerFields?: [{name, field}], partitioner?: "fixed",
     * deliveryGuarantee?, transactionalIdPrefix?, properties?, connectorJars}; field: a Row record's field position (none: the record).
     */
    static Object sink(JsonNode spec) throws Exception {
        ClassLoader cl = ConnectorClassLoaders.loader(spec.get("connectorJars"));
        Object rs = call(load(cl, "org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema"), "builder");
        call(rs, "setTopic", spec.get("topic").asText());
        JsonNode value = spec.get("value");
        call(rs, "setValueSerializationSchema", new KafkaSchemas.FieldSchema(KafkaSchemas.serializer(value.get("schema")), value.path("field").asInt(-1)));
        JsonNode key = spec.get("key");
        if (key != null && !key.isNull()) {
            call(rs, "setKeySerializationSchema", new KafkaSchemas.FieldSchema(KafkaSchemas.serializer(key.get("schema")), key.path("field").asInt(-1)));
        }
        if ("fixed".equals(spec.path("partitioner").asText())) {
            call(rs, "setPartitioner", load(cl, "org.apache.flink.streaming.connectors.kafka.partitioner.FlinkFixedPartitioner").getConstructor().newInstance());
        }
        JsonNode headers = spec.get("headerFields");
        if (headers != null && headers.size() > 0) {
            String[] names = new String[headers.size()];
            int[] fields = new int[headers.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = headers.get(i).get("name").asText();
                fields[i] = headers.get(i).get("field").asInt();
            }
            call(rs, "setHeaderProvider", KafkaSchemas.HeaderFields.create(cl, load(cl, "org.apache.flink.connector.kafka.sink.HeaderProvider"), names, fields));
        }
        Object b = call(load(cl, "org.apache.flink.connector.kafka.sink.KafkaSink"), "builder");
        call(b, "setBootstrapServers", spec.get("bootstrapServers").asText());
        call(b, "setRecordSerializer", call(rs, "build"));
        if (spec.hasNonNull("deliveryGuarantee")) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object guarantee = Enum.valueOf((Class<? extends Enum>) load(cl, "org.apache.flink.connector.base.DeliveryGuarantee"), spec.get("deliveryGuarantee").asText());
            call(b, "setDeliveryGuarantee", guarantee);
        }
        if (spec.hasNonNull("transactionalIdPrefix")) call(b, "setTransactionalIdPrefix", spec.get("transactionalIdPrefix").asText());
        properties(b, spec.get("properties"));
        return call(b, "build");
    }
}
