package dev.tsflink.datastream;

import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.streaming.api.typeinfo.python.PickledByteArrayTypeInfo;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * The (de)serialization schemas of the TS KafkaSource and KafkaSink (src/api/datastream/connectors/
 * kafka.ts): Flink's SimpleStringSchema, TSFlink's JSON row schemas (JsonRowSchemas), a record
 * field as the key or value (FieldSchema), record fields as headers (HeaderFields), and the key,
 * value, headers and metadata of each consumed record as one typed Row (RecordWithMetadata).
 *
 * <p>Why proxies for the last two: KafkaRecordDeserializationSchema and HeaderProvider are
 * interfaces of the 'kafka' connector's jar, which is not on TSFlink's classpath
 * (ConnectorClassLoaders); as for JdbcRecordStatementBuilder, a java.lang.reflect.Proxy of the
 * connector's interface around a serializable handler of ours implements them, and Flink rebuilds
 * the proxy in the job's class loader. Kafka's classes (ConsumerRecord, Header, RecordHeaders) are
 * shaded inside that jar, so they are reached by reflection too.
 */
final class KafkaSchemas {
    private KafkaSchemas() {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** {"kind": "string"} | {"kind": "jsonRow", "type", "failOnMissingField"?, "ignoreParseErrors"?}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static SerializationSchema<Object> serializer(JsonNode spec) {
        switch (spec.get("kind").asText()) {
            case "string": return (SerializationSchema) new SimpleStringSchema();
            case "jsonRow": return new JsonRowSchemas.Serializer(spec.get("type").toString());
            default: throw new IllegalArgumentException("unknown serialization schema " + spec);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static DeserializationSchema<Object> deserializer(JsonNode spec) {
        switch (spec.get("kind").asText()) {
            case "string": return (DeserializationSchema) new SimpleStringSchema();
            case "jsonRow": return new JsonRowSchemas.Deserializer(spec.get("type").toString(), spec.path("failOnMissingField").asBoolean(false), spec.path("ignoreParseErrors").asBoolean(false));
            default: throw new IllegalArgumentException("unknown deserialization schema " + spec);
        }
    }

    /**
     * A schema applied to one field of a Row record (field >= 0) or to the whole record (field < 0);
     * a null field (or record) is a null key, or a null value (a tombstone), as Kafka allows.
     */
    static final class FieldSchema implements SerializationSchema<Object> {
        private static final long serialVersionUID = 1L;
        private final SerializationSchema<Object> schema;
        private final int field;

        FieldSchema(SerializationSchema<Object> schema, int field) {
            this.schema = schema;
            this.field = field;
        }

        @Override
        public void open(InitializationContext context) throws Exception {
            schema.open(context);
        }

        @Override
        public byte[] serialize(Object element) {
            Object v = field < 0 ? element : ((Row) element).getField(field);
            return v == null ? null : schema.serialize(v);
        }
    }

    /** The connector's HeaderProvider: one header per named STRING field of a Row record (UTF-8; a null field: no header). */
    static final class HeaderFields implements InvocationHandler, Serializable {
        private static final long serialVersionUID = 1L;
        private final String[] names;
        private final int[] fields;

        private HeaderFields(String[] names, int[] fields) {
            this.names = names;
            this.fields = fields;
        }

        static Object create(ClassLoader cl, Class<?> headerProvider, String[] names, int[] fields) {
            return Proxy.newProxyInstance(cl, new Class<?>[] {headerProvider}, new HeaderFields(names, fields));
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "getHeaders": {
                    // Kafka's RecordHeaders, shaded in the connector's jar: the interface's return type names it
                    Class<?> headersClass = Class.forName(method.getReturnType().getPackage().getName() + ".internals.RecordHeaders", true, method.getReturnType().getClassLoader());
                    Object headers = headersClass.getConstructor().newInstance();
                    Method add = headersClass.getMethod("add", String.class, byte[].class);
                    Row row = (Row) args[0];
                    for (int i = 0; i < names.length; i++) {
                        Object v = row.getField(fields[i]);
                        if (v != null) add.invoke(headers, names[i], ((String) v).getBytes(StandardCharsets.UTF_8));
                    }
                    return headers;
                }
                case "equals": return args != null && args.length == 1 && proxy == args[0];
                case "hashCode": return System.identityHashCode(proxy);
                case "toString": return "HeaderProvider(fields " + Arrays.toString(names) + ")";
                default: throw new UnsupportedOperationException(method.toString());
            }
        }
    }

    /**
     * The connector's KafkaRecordDeserializationSchema producing Row(key, value, headers, topic,
     * partition, offset, timestamp) (Types.ROW_NAMED; the TS type KafkaRecord): key and value through
     * their schemas (a null key or value stays null), headers as an untyped TS value, the array
     * [{key, value}] in the record's order (values as UTF-8 text, or null), whose untyped encoding
     * is its JSON text (src/worker/coders/untyped.ts).
     */
    static final class RecordWithMetadata implements InvocationHandler, Serializable {
        private static final long serialVersionUID = 1L;
        private final DeserializationSchema<Object> key;
        private final DeserializationSchema<Object> value;
        private transient Method[] accessors;
        private transient Method headerKey, headerValue;

        private RecordWithMetadata(DeserializationSchema<Object> key, DeserializationSchema<Object> value) {
            this.key = key;
            this.value = value;
        }

        static Object create(ClassLoader cl, Class<?> schemaInterface, DeserializationSchema<Object> key, DeserializationSchema<Object> value) {
            return Proxy.newProxyInstance(cl, new Class<?>[] {schemaInterface}, new RecordWithMetadata(key, value));
        }

        static final String[] FIELDS = {"key", "value", "headers", "topic", "partition", "offset", "timestamp"};

        TypeInformation<Row> producedType() {
            return Types.ROW_NAMED(FIELDS, key.getProducedType(), value.getProducedType(), PickledByteArrayTypeInfo.PICKLED_BYTE_ARRAY_TYPE_INFO,
                    Types.STRING, Types.INT, Types.LONG, Types.LONG);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "open":
                    key.open((DeserializationSchema.InitializationContext) args[0]);
                    value.open((DeserializationSchema.InitializationContext) args[0]);
                    return null;
                case "deserialize":
                    deserialize(args[0], castCollector(args[1]));
                    return null;
                case "getProducedType": return producedType();
                case "equals": return args != null && args.length == 1 && proxy == args[0];
                case "hashCode": return System.identityHashCode(proxy);
                case "toString": return "KafkaRecordDeserializationSchema(key, value, headers, topic, partition, offset, timestamp)";
                default: throw new UnsupportedOperationException(method.toString());
            }
        }

        @SuppressWarnings("unchecked")
        private static Collector<Object> castCollector(Object c) {
            return (Collector<Object>) c;
        }

        private void deserialize(Object record, Collector<Object> out) throws Exception {
            if (accessors == null) {
                Class<?> c = record.getClass();
                accessors = new Method[] {c.getMethod("key"), c.getMethod("value"), c.getMethod("headers"), c.getMethod("topic"), c.getMethod("partition"), c.getMethod("offset"), c.getMethod("timestamp")};
            }
            byte[] k = (byte[]) accessors[0].invoke(record);
            byte[] v = (byte[]) accessors[1].invoke(record);
            Object keyValue = k == null ? null : key.deserialize(k);
            Object valueValue = v == null ? null : value.deserialize(v);
            // a schema that skips bad input (ignoreParseErrors) gives null: the record is skipped, as Flink's value-only wrapper does
            if (v != null && valueValue == null) return;
            ArrayNode headers = JsonNodeFactory.instance.arrayNode();
            for (Object h : (Iterable<?>) accessors[2].invoke(record)) {
                if (headerKey == null) {
                    headerKey = h.getClass().getMethod("key");
                    headerValue = h.getClass().getMethod("value");
                }
                byte[] hv = (byte[]) headerValue.invoke(h);
                ObjectNode o = headers.addObject();
                o.put("key", (String) headerKey.invoke(h));
                if (hv == null) o.putNull("value");
                else o.put("value", new String(hv, StandardCharsets.UTF_8));
            }
            out.collect(Row.of(keyValue, valueValue, MAPPER.writeValueAsBytes(headers), accessors[3].invoke(record),
                    accessors[4].invoke(record), accessors[5].invoke(record), accessors[6].invoke(record)));
        }
    }
}
