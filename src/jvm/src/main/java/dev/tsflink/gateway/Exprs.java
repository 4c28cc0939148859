package dev.tsflink.gateway;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.api.ApiExpression;
import org.apache.flink.table.api.Expressions;
import org.apache.flink.table.expressions.ApiExpressionUtils;
import org.apache.flink.table.expressions.Expression;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.DataType;

/**
 * Decodes the JSON the TypeScript expression DSL produces into Flink {@link Expression}s and other
 * call arguments. Node kinds ("k"):
 *
 * <ul>
 *   <li>ref {name}: {@code $(name)}; lit {v, t?}: a literal, typed by the SQL type t if given
 *   <li>method {on, name, args}: an ApiExpression method, e.g. plus, isGreater, as, cast, sum, over
 *   <li>fn {name, args}: a static {@link Expressions} function, e.g. and, row, concat, callSql
 *   <li>builtin {name, args}: a call of a BuiltInFunctionDefinitions constant by field name
 *   <li>const {name}: a static Expressions field (UNBOUNDED_RANGE, CURRENT_ROW, ...)
 *   <li>chain {cls, name, args, then: [{name, args}]}: a static builder call on a Table API class
 *       followed by instance calls: windows (Tumble/Slide/Session/Over), descriptors; cls is a simple
 *       name in org.apache.flink.table.api or a qualified class name
 *   <li>new {cls, args}: a Java object from its public constructor (ObjectPath, GenericInMemoryCatalog)
 *   <li>map {v}: a Map&lt;String, String&gt;
 *   <li>enum {cls, name}: a Java enum constant (TimePointUnit.DAY, JsonOnNull.ABSENT, ...)
 *   <li>type {sql}: a DataType; handle {id}: an object held in {@link Handles}; list {items}: a
 *       java.util.List; bytes {b64}: a byte[]
 * </ul>
 */
final class Exprs {
    private static final String API_PACKAGE = "org.apache.flink.table.api.";

    private Exprs() {}

    static Object decodeArg(JsonNode n) throws Exception {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToInt() ? (Object) n.intValue() : (Object) n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isArray()) {
            throw new IllegalArgumentException("unexpected JSON array as an argument");
        }
        String kind = n.path("k").asText();
        switch (kind) {
            case "ref":
                return Expressions.$(n.get("name").asText());
            case "lit":
                return literal(n);
            case "method": {
                Object target = decodeArg(n.get("on"));
                ApiExpression api = target instanceof ApiExpression
                        ? (ApiExpression) target
                        : new ApiExpression(toExpression(target));
                return Invoker.invoke(api, ApiExpression.class, n.get("name").asText(), n.get("args"));
            }
            case "fn":
                return Invoker.invoke(null, Expressions.class, n.get("name").asText(), n.get("args"));
            case "builtin": {
                FunctionDefinition def = (FunctionDefinition) BuiltInFunctionDefinitions.class
                        .getField(n.get("name").asText()).get(null);
                List<Expression> args = new ArrayList<>();
                for (JsonNode a : n.path("args")) {
                    args.add(toExpression(decodeArg(a)));
                }
                return new ApiExpression(ApiExpressionUtils.unresolvedCall(def, args));
            }
            case "const":
                return Expressions.class.getField(n.get("name").asText()).get(null);
            case "chain": {
                // a simple name is a Table API class; a qualified one is used as is (org.apache.flink.types.ColumnList)
                String cls = n.get("cls").asText();
                Class<?> type = Class.forName(cls.contains(".") ? cls : API_PACKAGE + cls);
                Object cur = Invoker.invoke(null, type, n.get("name").asText(), n.get("args"));
                for (JsonNode step : n.path("then")) {
                    cur = Invoker.invoke(cur, cur.getClass(), step.get("name").asText(), step.get("args"));
                }
                return cur;
            }
            case "map": {
                // a Map<String, String> argument (partition specs, properties)
                java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
                n.get("v").fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
                return m;
            }
            case "new":
                // a Java object made by its public constructor (ObjectPath, GenericInMemoryCatalog, ...)
                return Invoker.construct(Class.forName(n.get("cls").asText()), n.get("args"));
            case "enum": {
                // a constant of a Java enum an expression takes (TimePointUnit, JsonOnNull, ...)
                @SuppressWarnings({"unchecked", "rawtypes"})
                Object constant = Enum.valueOf((Class) Class.forName(n.get("cls").asText()), n.get("name").asText());
                return constant;
            }
            case "list": {
                // a java.util.List argument (partition keys, partition specs)
                List<Object> items = new ArrayList<>();
                for (JsonNode item : n.path("items")) {
                    items.add(decodeArg(item));
                }
                return items;
            }
            case "bytes":
                // a byte[] argument (PlanReference.fromSmileBytes), base64 in JSON
                return java.util.Base64.getDecoder().decode(n.get("b64").asText());
            case "type":
                return Types.parse(n.get("sql").asText());
            case "handle":
                return Handles.get(n.get("id").asInt());
            default:
                throw new IllegalArgumentException("unknown expression node kind '" + kind + "'");
        }
    }

    static Expression toExpression(Object o) {
        if (o instanceof Expression) {
            return (Expression) o;
        }
        return ApiExpressionUtils.objectToExpression(o);
    }

    static Expression[] expressions(JsonNode list) throws Exception {
        List<Expression> out = new ArrayList<>();
        for (JsonNode n : list) {
            out.add(toExpression(decodeArg(n)));
        }
        return out.toArray(new Expression[0]);
    }

    private static Object literal(JsonNode n) {
        JsonNode t = n.get("t");
        if (t == null || t.isNull()) {
            Object v;
            JsonNode value = n.get("v");
            if (value.isTextual()) {
                v = value.textValue();
            } else if (value.isBoolean()) {
                v = value.booleanValue();
            } else if (value.isIntegralNumber() && value.canConvertToInt()) {
                v = value.intValue();
            } else if (value.isIntegralNumber()) {
                v = value.longValue();
            } else {
                v = value.doubleValue();
            }
            return Expressions.lit(v);
        }
        DataType type = Types.parse(t.asText());
        return Expressions.lit(Values.fromJson(n.get("v"), type.getLogicalType()), type);
    }
}
