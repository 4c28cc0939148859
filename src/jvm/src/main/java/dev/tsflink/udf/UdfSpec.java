package dev.tsflink.udf;

import dev.tsflink.gateway.Types;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.dataview.ListView;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.types.CollectionDataType;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.KeyValueDataType;

/** Signature and flags of a TypeScript UDF, from the JSON the Node side sends. */
final class UdfSpec {
    final String kind;
    final String name;
    final DataType[] inputTypes;
    final DataType resultType;
    final boolean deterministic;
    final boolean takesRowAsInput;
    /** Aggregates: the accumulator type, with ListView/MapView fields as Flink's data view types. */
    final DataType accumulatorType;
    /** Called per Arrow batch ("vectorized", flink-python's PANDAS kind) or per row ("general"). */
    final boolean vectorized;
    /** "process" (flink-python's operators and the Node worker) or "embedded" (a JS runtime in the task) */
    final String mode;
    /** embedded mode's JS engine: "v8" or "node" */
    final String engine;
    /** embedded mode: how long one call may run before it is stopped (ms; 0: no limit) */
    final long callTimeoutMs;
    /** embedded mode: how much JavaScript heap the runtime may use (MB; 0: V8's own limit) */
    final long maxHeapMb;
    /** Async functions in embedded mode: when a call fails naming the function (ms; 0: Flink's timeout only), UdfFactory.asyncScalarDeadlineMs. */
    final long asyncDeadlineMs;
    /** aggregates: whether the object has a merge() method (embedded mode offers one to the planner only then) */
    final boolean hasMerge;
    /** table aggregates: whether the object has emitUpdateWithRetract() (which then replaces emitValue, as in process mode) */
    final boolean hasEmitUpdateWithRetract;
    /** embedded mode: the npm packages the code requires, bundled (id → CommonJS source) */
    final java.util.Map<String, String> bundledModules = new java.util.LinkedHashMap<>();

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
        vectorized = "vectorized".equals(spec.path("funcType").asText("general"));
        // PyFlink gives a pandas UDAF the accumulator type ARRAY<result> (never used: the Arrow
        // operators keep the group's rows, not an accumulator); the planner needs one.
        mode = spec.path("mode").asText("process");
        engine = spec.path("engine").asText("v8");
        callTimeoutMs = spec.path("callTimeoutMs").asLong(60_000);
        maxHeapMb = spec.path("maxHeapMb").asLong(0);
        asyncDeadlineMs = spec.path("asyncDeadlineMs").asLong(0);
        hasMerge = spec.path("hasMerge").asBoolean(false);
        hasEmitUpdateWithRetract = spec.path("hasEmitUpdateWithRetract").asBoolean(false);
        spec.path("bundledModules").fields().forEachRemaining(e -> bundledModules.put(e.getKey(), e.getValue().asText()));
        accumulatorType = spec.hasNonNull("accumulatorType")
                ? withDataViews(Types.parse(spec.get("accumulatorType").asText()), spec.path("dataViews"))
                : vectorized && "aggregate".equals(kind) ? DataTypes.ARRAY(resultType) : null;
    }

    /**
     * Turns the ROW fields named in {@code views} ([{index, view: "list"|"map"}], declared in TS as
     * ARRAY/MAP types) into ListView/MapView data types, which the planner turns into the DataViewSpecs
     * flink-python's aggregate operators give the worker.
     */
    private static DataType withDataViews(DataType accumulator, JsonNode views) {
        if (views.size() == 0) return accumulator;
        List<String> names = DataType.getFieldNames(accumulator);
        List<DataType> types = new ArrayList<>(DataType.getFieldDataTypes(accumulator));
        for (JsonNode v : views) {
            int i = v.get("index").asInt();
            DataType field = types.get(i);
            if ("list".equals(v.get("view").asText())) {
                types.set(i, ListView.newListViewDataType(((CollectionDataType) field).getElementDataType()));
            } else {
                KeyValueDataType map = (KeyValueDataType) field;
                types.set(i, MapView.newMapViewDataType(map.getKeyDataType(), map.getValueDataType()));
            }
        }
        DataTypes.Field[] fields = new DataTypes.Field[names.size()];
        for (int i = 0; i < fields.length; i++) fields[i] = DataTypes.FIELD(names.get(i), types.get(i));
        return DataTypes.ROW(fields);
    }
}
