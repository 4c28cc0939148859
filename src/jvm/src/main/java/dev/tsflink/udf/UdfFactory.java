package dev.tsflink.udf;

import dev.tsflink.embedded.EmbeddedAggregateFunction;
import dev.tsflink.embedded.EmbeddedAsyncScalarFunction;
import dev.tsflink.embedded.EmbeddedTableAggregateFunction;
import dev.tsflink.embedded.EmbeddedScalarFunction;
import dev.tsflink.embedded.EmbeddedTableFunction;
import dev.tsflink.gateway.GatewayException;
import dev.tsflink.gateway.Handles;
import dev.tsflink.gateway.Json;
import dev.tsflink.gateway.Types;
import java.nio.charset.StandardCharsets;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.functions.UserDefinedFunction;
import org.apache.flink.util.TimeUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.functions.python.PythonAggregateFunction;
import org.apache.flink.table.functions.python.PythonAsyncScalarFunction;
import org.apache.flink.table.functions.python.PythonTableAggregateFunction;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.NullType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.StructuredType;
import org.apache.flink.table.functions.python.PythonEnv;
import org.apache.flink.table.functions.python.PythonFunctionKind;
import org.apache.flink.table.functions.python.PythonScalarFunction;
import org.apache.flink.table.functions.python.PythonTableFunction;
import org.apache.flink.table.types.DataType;

/**
 * Builds the Java side of a TypeScript UDF in one bridge crossing: flink-python's own
 * PythonScalarFunction / PythonTableFunction / PythonAsyncScalarFunction, so the planner runs it
 * with Flink's Python operators in TSFlink's Node worker, and TaskManagers need nothing from this
 * jar. The payload (opaque to Flink) is the TSFlink function descriptor the worker reads, with the
 * parameter and result types added as logical type trees.
 */
public final class UdfFactory {
    private UdfFactory() {}

    /**
     * @param specJson {"kind": "scalar"|"table"|"async", "name", "inputTypes": [sql...],
     *     "resultType": sql, "deterministic", "takesRowAsInput"}
     * @param descriptorJson the worker's descriptor (src/api/udf/descriptor.ts) without types
     * @return a handle of the function object
     */
    public static int create(String specJson, String descriptorJson) {
        return GatewayException.guard(() -> {
            UdfSpec spec = new UdfSpec(Json.parse(specJson));
            ObjectNode descriptor = (ObjectNode) Json.parse(descriptorJson);
            ArrayNode inputs = descriptor.putArray("inputTypes");
            for (DataType t : spec.inputTypes) {
                inputs.add(Json.MAPPER.valueToTree(Types.describe(t.getLogicalType())));
            }
            descriptor.set("resultType", Json.MAPPER.valueToTree(Types.describe(spec.resultType.getLogicalType())));
            if (spec.accumulatorType != null) {
                descriptor.set("accumulatorType", Json.MAPPER.valueToTree(describeAccumulator(spec.accumulatorType)));
            }
            if ("embedded".equals(spec.mode)) return Handles.put(embedded(spec, descriptor));
            byte[] payload = Json.MAPPER.writeValueAsString(descriptor).getBytes(StandardCharsets.UTF_8);
            return Handles.put(build(spec, payload));
        });
    }

    /**
     * The accumulator's type tree for the worker, which stores accumulators with it: a data view
     * field (kept in its own Flink state, not in the accumulator's value) is a nullable NULL field.
     */
    private static Map<String, Object> describeAccumulator(DataType acc) {
        LogicalType t = acc.getLogicalType();
        if (!(t instanceof RowType)) return Types.describe(t);
        List<RowType.RowField> fields = new ArrayList<>();
        List<DataType> children = acc.getChildren();
        List<String> names = ((RowType) t).getFieldNames();
        for (int i = 0; i < names.size(); i++) {
            LogicalType ft = children.get(i).getLogicalType();
            fields.add(new RowType.RowField(names.get(i), ft instanceof StructuredType ? new NullType() : ft));
        }
        return Types.describe(new RowType(fields));
    }

    /**
     * Embedded mode (docs/embedded.md): TSFlink's own Java function, running the shipped code in a JS
     * runtime inside the TaskManager's task thread instead of flink-python's operator and the worker.
     */
    private static UserDefinedFunction embedded(UdfSpec spec, ObjectNode descriptor) {
        JsonNode code = descriptor.get("code");
        String form = descriptor.get("form").asText();
        String filename = code.get("filename").asText();
        String source = code.get("source").asText();
        String sourceMap = code.hasNonNull("sourceMap") ? code.get("sourceMap").asText() : null;
        switch (spec.kind) {
            case "scalar":
                return new EmbeddedScalarFunction(spec.name, form, filename, source, sourceMap, spec.engine,
                        spec.inputTypes, spec.resultType, spec.deterministic, spec.callTimeoutMs, spec.maxHeapMb, spec.bundledModules);
            case "async":
                return new EmbeddedAsyncScalarFunction(spec.name, form, filename, source, sourceMap, spec.engine,
                        spec.inputTypes, spec.resultType, spec.deterministic, spec.callTimeoutMs, spec.maxHeapMb, spec.bundledModules, spec.asyncDeadlineMs);
            case "table":
                return new EmbeddedTableFunction(spec.name, form, filename, source, sourceMap, spec.engine,
                        spec.inputTypes, spec.resultType, spec.deterministic, spec.callTimeoutMs, spec.maxHeapMb, spec.bundledModules);
            case "aggregate":
                return spec.hasMerge
                        ? new EmbeddedAggregateFunction.Merging(spec.name, filename, source, sourceMap, spec.engine, spec.inputTypes, spec.resultType,
                                spec.accumulatorType, spec.deterministic, spec.callTimeoutMs, spec.maxHeapMb, spec.bundledModules)
                        : new EmbeddedAggregateFunction(spec.name, filename, source, sourceMap, spec.engine, spec.inputTypes, spec.resultType,
                                spec.accumulatorType, spec.deterministic, spec.callTimeoutMs, spec.maxHeapMb, spec.bundledModules);
            case "tableAggregate":
                return spec.hasEmitUpdateWithRetract
                        ? new EmbeddedTableAggregateFunction.Retracting(spec.name, filename, source, sourceMap, spec.engine, spec.inputTypes, spec.resultType,
                                spec.accumulatorType, spec.deterministic, spec.callTimeoutMs, spec.maxHeapMb, spec.bundledModules)
                        : new EmbeddedTableAggregateFunction(spec.name, filename, source, sourceMap, spec.engine, spec.inputTypes, spec.resultType,
                                spec.accumulatorType, spec.deterministic, spec.callTimeoutMs, spec.maxHeapMb, spec.bundledModules);
            default:
                throw new IllegalArgumentException("TypeScript UDF '" + spec.name + "': embedded mode runs scalar, async, table, aggregate and table aggregate functions (udf, asyncUdf, udtf, udaf, udtaf), not "
                        + spec.kind + " functions; use process mode");
        }
    }

    /**
     * The deadline an embedded async function fails a call at, naming itself (ms; 0: none):
     * table.exec.async-scalar.timeout (`timeout` as Flink parses it, Flink's default when null) when
     * no retry strategy is set. With retries Flink's own timeout ends the call: an earlier failure of
     * ours would set off a retry that Java functions do not get.
     */
    public static long asyncScalarDeadlineMs(String timeout, String retryStrategy) {
        return GatewayException.guard(() -> {
            if (retryStrategy != null && !ExecutionConfigOptions.RetryStrategy.NO_RETRY.name().equalsIgnoreCase(retryStrategy.trim())) return 0L;
            return timeout == null
                    ? ExecutionConfigOptions.TABLE_EXEC_ASYNC_SCALAR_TIMEOUT.defaultValue().toMillis()
                    : TimeUtils.parseDuration(timeout).toMillis();
        });
    }

    static UserDefinedFunction build(UdfSpec spec, byte[] payload) {
        PythonEnv env = new PythonEnv(PythonEnv.ExecType.PROCESS);
        PythonFunctionKind kind = spec.vectorized ? PythonFunctionKind.PANDAS : PythonFunctionKind.GENERAL;
        switch (spec.kind) {
            case "scalar":
                return new PythonScalarFunction(spec.name, payload, spec.inputTypes, spec.resultType, kind,
                        spec.deterministic, spec.takesRowAsInput, env);
            case "async":
                return new PythonAsyncScalarFunction(spec.name, payload, spec.inputTypes, spec.resultType, kind,
                        spec.deterministic, spec.takesRowAsInput, env);
            case "table":
                return new PythonTableFunction(spec.name, payload, spec.inputTypes, spec.resultType, kind,
                        spec.deterministic, spec.takesRowAsInput, env);
            case "aggregate":
                return new PythonAggregateFunction(spec.name, payload, spec.inputTypes, spec.resultType,
                        spec.accumulatorType, kind, spec.deterministic, spec.takesRowAsInput, env);
            case "tableAggregate":
                return new PythonTableAggregateFunction(spec.name, payload, spec.inputTypes, spec.resultType,
                        spec.accumulatorType, kind, spec.deterministic, spec.takesRowAsInput, env);
            default:
                throw new IllegalArgumentException("unknown TypeScript function kind '" + spec.kind + "'");
        }
    }
}
