package dev.tsflink.datastream;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

/**
 * Flink's Kafka connector for the TS DataStream API: KafkaSource and KafkaSink with string values
 * (SimpleStringSchema), built from the TS builders' description (src/api/datastream/connectors/kafka.ts).
 *
 * <p>Why reflection: the connector is not part of TSFlink's classpath. Its jar comes with the
 * session's connectors (addConnector('kafka'), fetched from Maven Central) and travels with each job
 * in pipeline.jars; here it is loaded in a class loader over those jars, child of this one, so the
 * objects built are the connector's own and Flink serializes them into the job as it would a Java
 * program's.
 */
final class KafkaConnectors {
    private KafkaConnectors() {}

    static final String MISSING = "KafkaSource and KafkaSink need the 'kafka' connector: add it with await env.addConnector('kafka'), "
            + "StreamExecutionEnvironment.create({}, { connectors: ['kafka'] }), %connector kafka in the shell or kernel, or tsflink run --connector kafka";

    /** One class loader per set of connector jars (a session adds jars, never removes them). */
    private static final Map<List<String>, ClassLoader> LOADERS = new ConcurrentHashMap<>();

    private static ClassLoader loader(JsonNode jars) {
        List<String> paths = new ArrayList<>();
        if (jars != null) jars.forEach(j -> paths.add(j.asText()));
        return LOADERS.computeIfAbsent(paths, p -> {
            URL[] urls = new URL[p.size()];
            try {
                for (int i = 0; i < urls.length; i++) urls[i] = new File(p.get(i)).toURI().toURL();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
            return new URLClassLoader(urls, KafkaConnectors.class.getClassLoader());
        });
    }

    private static Class<?> load(ClassLoader cl, String name) {
        try {
            return Class.forName(name, true, cl);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(MISSING, e);
        }
    }

    /** target.name(args) for the one public method of that name and arity (builders are not overloaded where we call them). */
    private static Object call(Object target, String name, Object... args) throws Exception {
        Class<?> type = target instanceof Class ? (Class<?>) target : target.getClass();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length && accepts(m, args)) {
                try {
                    return m.invoke(target instanceof Class ? null : target, args);
                } catch (InvocationTargetException e) {
                    // the connector's own message (e.g. a missing bootstrap server), not the reflection wrapper
                    throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                }
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + " with " + args.length + " argument(s)");
    }

    private static boolean accepts(Method m, Object[] args) {
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < args.length; i++) {
            Class<?> t = types[i] == long.class ? Long.class : types[i] == int.class ? Integer.class : types[i] == boolean.class ? Boolean.class : types[i];
            if (args[i] != null && !t.isInstance(args[i])) return false;
        }
        return true;
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

    /** A KafkaSource of string values: {bootstrapServers, topics? | topicPattern?, groupId?, startingOffsets?, bounded?, properties?, connectorJars}. */
    static Object source(JsonNode spec) throws Exception {
        ClassLoader cl = loader(spec.get("connectorJars"));
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
        call(b, "setValueOnlyDeserializer", (DeserializationSchema<String>) new SimpleStringSchema());
        return call(b, "build");
    }

    /** A KafkaSink of string values: {bootstrapServers, topic, keyIsValue?, deliveryGuarantee?, transactionalIdPrefix?, properties?, connectorJars}. */
    static Object sink(JsonNode spec) throws Exception {
        ClassLoader cl = loader(spec.get("connectorJars"));
        Object rs = call(load(cl, "org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema"), "builder");
        call(rs, "setTopic", spec.get("topic").asText());
        call(rs, "setValueSerializationSchema", (SerializationSchema<String>) new SimpleStringSchema());
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
