package dev.tsflink.udf;

import dev.tsflink.gateway.Types;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.types.DataType;

/** Signature and flags of a TypeScript UDF, from the JSON the Node side sends. */
final class UdfSpec {
    final String kind;
    final String name;
    final DataType[] inputTypes;
    final DataType resultType;
    final boolean deterministic;
    final boolean takesRowAsInput;

    UdfSpec(JsonNode spec) {
        kind = spec.get("kind").asText();
        name = spec.get("name").asText();
        JsonNode inputs = spec.get("inputTypes");
        inputTypes = new DataType[inputs.size()];
        for (int i = 0; i < inputTypes.length; i++) {
            inputTypes[i] = Types.parse(inputs.get(i).asText());
        }
        resultType = Types.parse(spec.get("resultType").asText());
        deterministic = spec.path("deterministic").asBoolean(true);
        takesRowAsInput = spec.path("takesRowAsInput").asBoolean(false);
    }
}
