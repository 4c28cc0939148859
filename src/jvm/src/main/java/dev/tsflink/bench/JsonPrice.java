package dev.tsflink.bench;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * bench/udf's JSON workload, variant (b): parse a JSON string and return one field (the workload of
 * Flink 1.15's PyFlink thread-mode announcement), with the Jackson Flink ships.
 */
public class JsonPrice extends ScalarFunction {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Double eval(String json) throws Exception {
        if (json == null) return null;
        JsonNode price = JSON.readTree(json).get("price");
        return price == null || price.isNull() ? null : price.asDouble();
    }
}
