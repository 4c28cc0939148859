package dev.tsflink.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.json.JsonWriteFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.type.TypeReference;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/** JSON helpers shared by the facade classes. */
public final class Json {
    /**
     * Writes ASCII-only JSON (non-ASCII as \\uXXXX escapes): java-bridge moves strings through JNI's
     * modified UTF-8, which mangles characters outside the BMP (emoji) in both directions.
     */
    public static final ObjectMapper MAPPER = asciiOnly(new ObjectMapper());

    static ObjectMapper asciiOnly(ObjectMapper mapper) {
        mapper.getFactory().configure(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature(), true);
        return mapper;
    }

    private Json() {}

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad JSON from the TSFlink client: " + e.getMessage(), e);
        }
    }

    public static Map<String, String> stringMap(String json) {
        if (json == null || json.isEmpty()) {
            return new LinkedHashMap<>();
        }
        try {
            return MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (Exception e) {
            throw new IllegalArgumentException("bad JSON map from the TSFlink client: " + e.getMessage(), e);
        }
    }

    public static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
