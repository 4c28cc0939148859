package dev.tsflink.datastream;

import dev.tsflink.gateway.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.types.Row;

/**
 * JSON text ⇄ the TS DataStream API's typed records (a Row of Types.ROW_NAMED, with STRING, BOOLEAN,
 * INT, LONG, FLOAT, DOUBLE, nested ROW_NAMED, TUPLE and PICKLED fields), mirroring PyFlink's
 * pyflink.datastream.formats.json JsonRowSerializationSchema / JsonRowDeserializationSchema.
 *
 * <p>Why our own: Flink 2.x removed the Row-based org.apache.flink.formats.json.JsonRow*Schema that
 * PyFlink's classes wrap (flink-json keeps the RowData ones of the Table API, and Jackson-on-POJO
 * JsonSerializationSchema, which would write a Row's internals). The type is the TS type spec
 * (DataStreams.typeInfo), kept as JSON text so the schemas are serializable.
 *
 * <p>A PICKLED field is an untyped TS value, whose bytes (src/worker/coders/untyped.ts) are the
 * value's UTF-8 JSON text: any JSON subtree is such a value as it is, and a JSON-safe value is
 * written back as its JSON.
 */
final class JsonRowSchemas {
    private JsonRowSchemas() {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Record → UTF-8 JSON text (a ROW as an object by field name). */
    static final class Serializer implements SerializationSchema<Object> {
        private static final long serialVersionUID = 1L;
        private final String typeJson;
        private transient JsonNode type;

        Serializer(String typeJson) {
            this.typeJson = typeJson;
        }

        @Override
        public byte[] serialize(Object element) {
            if (element == null) return null; // a Kafka tombstone, or no key
            if (type == null) type = Json.parse(typeJson);
            try {
                return MAPPER.writeValueAsBytes(toJson(element, type));
            } catch (IOException e) {
                throw new IllegalStateException("JsonRowSerializationSchema could not write " + element + ": " + e.getMessage(), e);
            }
        }
    }

    /** UTF-8 JSON text → a record of the type; null (skipped by Flink's Kafka source) for bad input if ignoreParseErrors. */
    static final class Deserializer implements DeserializationSchema<Object> {
        private static final long serialVersionUID = 1L;
        private final String typeJson;
        private final boolean failOnMissingField;
        private final boolean ignoreParseErrors;
        private transient JsonNode type;

        Deserializer(String typeJson, boolean failOnMissingField, boolean ignoreParseErrors) {
            this.typeJson = typeJson;
            this.failOnMissingField = failOnMissingField;
            this.ignoreParseErrors = ignoreParseErrors;
            try {
                fromJson(null, Json.parse(typeJson), "", false); // an unknown type fails now, when the source is built
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        public Object deserialize(byte[] message) throws IOException {
            if (message == null) return null;
            if (type == null) type = Json.parse(typeJson);
            try {
                return fromJson(MAPPER.readTree(message), type, "", failOnMissingField);
            } catch (Exception e) {
                if (ignoreParseErrors) return null;
                // Flink's wording (JsonRowDataDeserializationSchema), plus the parser's message
                throw new IOException("Failed to deserialize JSON '" + new String(message, StandardCharsets.UTF_8) + "': " + e.getMessage(), e);
            }
        }

        @Override
        public boolean isEndOfStream(Object nextElement) {
            return false;
        }

        @Override
        public TypeInformation<Object> getProducedType() {
            return DataStreams.typeInfo(Json.parse(typeJson));
        }
    }

    static JsonNode toJson(Object value, JsonNode type) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) return f.nullNode();
        if (type.isObject() && type.has("row")) {
            Row row = (Row) value;
            ObjectNode o = f.objectNode();
            int i = 0;
            for (JsonNode field : type.get("row")) {
                o.set(field.get(0).asText(), toJson(row.getField(i++), field.get(1)));
            }
            return o;
        }
        if (type.isObject() && type.has("tuple")) {
            Tuple t = (Tuple) value;
            ArrayNode a = f.arrayNode();
            int i = 0;
            for (JsonNode field : type.get("tuple")) a.add(toJson(t.getField(i++), field));
            return a;
        }
        switch (type.asText()) {
            case "STRING": return f.textNode((String) value);
            case "BOOLEAN": return f.booleanNode((Boolean) value);
            case "INT": return f.numberNode((Integer) value);
            case "LONG": return f.numberNode((Long) value);
            case "FLOAT": return f.numberNode((Float) value);
            case "DOUBLE": return f.numberNode((Double) value);
            case "PICKLED": {
                byte[] bytes = (byte[]) value;
                // V8 bytes (first byte 0xFF) hold a value JSON cannot keep (a Map, a bigint, a Date, ...)
                if (bytes.length > 0 && bytes[0] == (byte) 0xFF) {
                    throw new IOException("an untyped field holds a value JSON cannot represent (a Map, Set, Date, bigint, ...); convert it in a TS map before the sink");
                }
                return MAPPER.readTree(bytes);
            }
            default: throw new IllegalArgumentException("JsonRowSerializationSchema cannot write a " + type + " field");
        }
    }

    /** `node` as a value of `type` (node null: only check that the type is supported). */
    static Object fromJson(JsonNode node, JsonNode type, String path, boolean failOnMissingField) throws IOException {
        if (type.isObject() && type.has("row")) {
            JsonNode fields = type.get("row");
            if (node == null) {
                for (JsonNode field : fields) fromJson(null, field.get(1), path, false);
                return null;
            }
            if (node.isNull()) return null;
            if (!node.isObject()) throw new IOException("expected a JSON object" + at(path) + ", got " + node);
            Row row = new Row(fields.size());
            int i = 0;
            for (JsonNode field : fields) {
                String name = field.get(0).asText();
                JsonNode v = node.get(name);
                if (v == null && failOnMissingField) throw new IOException("Could not find field '" + path + name + "'");
                row.setField(i++, v == null ? null : fromJson(v, field.get(1), path + name + ".", failOnMissingField));
            }
            return row;
        }
        if (type.isObject() && type.has("tuple")) {
            JsonNode fields = type.get("tuple");
            if (node == null) {
                for (JsonNode field : fields) fromJson(null, field, path, false);
                return null;
            }
            if (node.isNull()) return null;
            if (!node.isArray()) throw new IOException("expected a JSON array" + at(path) + ", got " + node);
            Tuple t = Tuple.newInstance(fields.size());
            for (int i = 0; i < fields.size(); i++) {
                JsonNode v = node.get(i);
                t.setField(v == null ? null : fromJson(v, fields.get(i), path + i + ".", failOnMissingField), i);
            }
            return t;
        }
        String name = type.asText();
        if (node == null) {
            switch (name) {
                case "STRING": case "BOOLEAN": case "INT": case "LONG": case "FLOAT": case "DOUBLE": case "PICKLED": return null;
                default: throw new IllegalArgumentException("JsonRowDeserializationSchema cannot read a " + type + " field");
            }
        }
        if (node.isNull()) return null;
        switch (name) {
            // a STRING field takes a JSON string as it is, and any other JSON value as its JSON text
            case "STRING": return node.isTextual() ? node.asText() : node.toString();
            case "BOOLEAN":
                if (node.isBoolean()) return node.booleanValue();
                throw mismatch(node, name, path);
            case "INT":
                if (node.isIntegralNumber() && node.canConvertToInt()) return node.intValue();
                throw mismatch(node, name, path);
            case "LONG":
                if (node.isIntegralNumber() && node.canConvertToLong()) return node.longValue();
                throw mismatch(node, name, path);
            case "FLOAT":
                if (node.isNumber()) return node.floatValue();
                throw mismatch(node, name, path);
            case "DOUBLE":
                if (node.isNumber()) return node.doubleValue();
                throw mismatch(node, name, path);
            case "PICKLED": return MAPPER.writeValueAsBytes(node); // JSON text is an untyped value's encoding
            default: throw new IllegalArgumentException("JsonRowDeserializationSchema cannot read a " + type + " field");
        }
    }

    private static String at(String path) {
        return path.isEmpty() ? "" : " at '" + path.substring(0, path.length() - 1) + "'";
    }

    private static IOException mismatch(JsonNode node, String type, String path) {
        return new IOException("cannot read " + node + " as " + type + at(path));
    }
}
