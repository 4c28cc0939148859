package dev.tsflink.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

/**
 * The generic entry points Node uses to drive Table API objects held in {@link Handles}: one bridge
 * crossing per call, arguments as JSON (see {@link Exprs}), result as JSON {"h": handle} for an
 * object, {"v": value} for a string, number, boolean or null, or {"bytes": base64} for a byte[].
 */
public final class Gateway {
    private Gateway() {}

    /** Calls {@code method} on the object behind {@code handle}. */
    public static String invoke(int handle, String method, String argsJson) {
        return ApiThread.run(() -> {
            Object target = Handles.get(handle);
            return result(Invoker.invoke(target, target.getClass(), method, Json.parse(argsJson)));
        });
    }

    /** Calls a static method of a class in org.apache.flink.table.api (e.g. "Expressions"). */
    public static String invokeStatic(String apiClass, String method, String argsJson) {
        return ApiThread.run(() -> {
            Class<?> type = Class.forName("org.apache.flink.table.api." + apiClass);
            return result(Invoker.invoke(null, type, method, Json.parse(argsJson)));
        });
    }

    /** Decodes one argument node (an expression, window, descriptor, ...) and keeps it as a handle. */
    public static int build(String nodeJson) {
        return ApiThread.run(() -> Handles.put(Exprs.decodeArg(Json.parse(nodeJson))));
    }

    public static void release(int handle) {
        Handles.release(handle);
    }

    /** Java's toString of an argument node: an expression reads as Flink prints it, plus(a, 1). */
    public static String describe(String nodeJson) {
        return ApiThread.run(() -> {
            Object arg = Exprs.decodeArg(Json.parse(nodeJson));
            return arg instanceof org.apache.flink.table.expressions.Expression
                    ? ((org.apache.flink.table.expressions.Expression) arg).asSummaryString()
                    : String.valueOf(arg);
        });
    }

    public static String summary(int handle) {
        return GatewayException.guard(() -> String.valueOf((Object) Handles.get(handle)));
    }

    static String result(Object value) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            out.put("v", value instanceof Long ? value.toString() : value);
        } else if (value instanceof java.util.Optional) {
            Object inner = ((java.util.Optional<?>) value).orElse(null);
            return result(inner);
        } else if (value instanceof String[] || value instanceof java.util.List && ((java.util.List<?>) value).stream().allMatch(x -> x instanceof String)) {
            out.put("v", value);
        } else if (value instanceof java.util.Map && ((java.util.Map<?, ?>) value).keySet().stream().allMatch(x -> x instanceof String)
                && ((java.util.Map<?, ?>) value).values().stream().allMatch(x -> x == null || x instanceof String)) {
            // options and properties (CatalogBaseTable.getOptions, ...) as a JSON object
            out.put("v", value);
        } else if (value instanceof byte[]) {
            // binary results (CompiledPlan.asSmileBytes) as base64
            out.put("bytes", java.util.Base64.getEncoder().encodeToString((byte[]) value));
        } else if (value instanceof Enum) {
            out.put("v", ((Enum<?>) value).name());
        } else {
            out.put("h", Handles.put(value));
            out.put("cls", value.getClass().getName());
        }
        return Json.write(out);
    }

    static JsonNode args(String json) {
        return Json.parse(json);
    }
}
