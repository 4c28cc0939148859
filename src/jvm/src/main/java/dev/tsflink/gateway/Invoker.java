package dev.tsflink.gateway;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.expressions.Expression;

/**
 * Calls a public Java method by name with arguments decoded from JSON. The TypeScript API is typed;
 * this is the one generic path that lets it drive Table, GroupedTable, windowed tables, expressions
 * and the static Expressions functions without a hand-written Java method per API call.
 *
 * <p>An argument is a JSON primitive (passed as String/number/boolean) or an object decoded by
 * {@link Exprs#decode}: an expression, a handle to a Java object (table, window, descriptor), ...
 */
final class Invoker {
    private static final ConcurrentHashMap<String, Method[]> METHODS = new ConcurrentHashMap<>();

    private Invoker() {}

    static Object invoke(Object target, Class<?> type, String name, JsonNode args) throws Exception {
        List<Object> values = new ArrayList<>();
        if (args != null) {
            for (JsonNode a : args) {
                values.add(Exprs.decodeArg(a));
            }
        }
        Method[] candidates = METHODS.computeIfAbsent(type.getName() + "#" + name, k -> find(type, name, target == null));
        if (candidates.length == 0) {
            throw new IllegalArgumentException("no method " + name + " on " + type.getSimpleName());
        }
        for (Method m : candidates) {
            Object[] call = fit(m, values);
            if (call != null) {
                try {
                    return m.invoke(target, call);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception) {
                        throw (Exception) cause;
                    }
                    throw e;
                }
            }
        }
        throw new IllegalArgumentException(type.getSimpleName() + "." + name + " does not take arguments ("
                + describe(values) + ")");
    }

    /** Constructs {@code type} with the first public constructor the decoded arguments fit. */
    static Object construct(Class<?> type, JsonNode args) throws Exception {
        List<Object> values = new ArrayList<>();
        if (args != null) {
            for (JsonNode a : args) {
                values.add(Exprs.decodeArg(a));
            }
        }
        for (java.lang.reflect.Constructor<?> c : type.getConstructors()) {
            Object[] call = fit(c, values);
            if (call != null) {
                try {
                    return c.newInstance(call);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception) {
                        throw (Exception) cause;
                    }
                    throw e;
                }
            }
        }
        throw new IllegalArgumentException("new " + type.getSimpleName() + " does not take arguments (" + describe(values) + ")");
    }

    private static Method[] find(Class<?> type, String name, boolean statics) {
        List<Method> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers()) == statics) {
                m.setAccessible(true);
                out.add(m);
            }
        }
        // fixed-arity methods first, so varargs overloads only catch what nothing else fits
        out.sort((a, b) -> Boolean.compare(a.isVarArgs(), b.isVarArgs()));
        return out.toArray(new Method[0]);
    }

    private static Object[] fit(java.lang.reflect.Executable m, List<Object> values) {
        Class<?>[] params = m.getParameterTypes();
        if (!m.isVarArgs()) {
            if (params.length != values.size()) {
                return null;
            }
            Object[] out = new Object[params.length];
            for (int i = 0; i < params.length; i++) {
                Object v = coerce(values.get(i), params[i]);
                if (v == NO_FIT) {
                    return null;
                }
                out[i] = v;
            }
            return out;
        }
        int fixed = params.length - 1;
        if (values.size() < fixed) {
            return null;
        }
        Object[] out = new Object[params.length];
        for (int i = 0; i < fixed; i++) {
            Object v = coerce(values.get(i), params[i]);
            if (v == NO_FIT) {
                return null;
            }
            out[i] = v;
        }
        Class<?> component = params[fixed].getComponentType();
        Object rest = Array.newInstance(component, values.size() - fixed);
        for (int i = fixed; i < values.size(); i++) {
            Object v = coerce(values.get(i), component);
            if (v == NO_FIT) {
                return null;
            }
            Array.set(rest, i - fixed, v);
        }
        out[fixed] = rest;
        return out;
    }

    private static final Object NO_FIT = new Object();

    private static Object coerce(Object v, Class<?> param) {
        if (v == null) {
            return param.isPrimitive() ? NO_FIT : null;
        }
        if (param.isInstance(v)) {
            return v;
        }
        if (v instanceof Number) {
            Number n = (Number) v;
            if (param == int.class || param == Integer.class) {
                return n.intValue();
            }
            if (param == long.class || param == Long.class) {
                return n.longValue();
            }
            if (param == double.class || param == Double.class) {
                return n.doubleValue();
            }
        }
        if (v instanceof Boolean && param == boolean.class) {
            return v;
        }
        if (param == String.class && v instanceof Expression) {
            // a TS string literal where Java takes a String (jsonExists(path), ...)
            Expression e = v instanceof org.apache.flink.table.api.ApiExpression
                    ? ((org.apache.flink.table.api.ApiExpression) v).toExpr()
                    : (Expression) v;
            if (e instanceof org.apache.flink.table.expressions.ValueLiteralExpression) {
                return ((org.apache.flink.table.expressions.ValueLiteralExpression) e).getValueAs(String.class).map(x -> (Object) x).orElse(NO_FIT);
            }
        }
        if (param == Expression.class && !(v instanceof Expression)) {
            return NO_FIT;
        }
        return NO_FIT;
    }

    private static String describe(List<Object> values) {
        StringBuilder sb = new StringBuilder();
        for (Object v : values) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(v == null ? "null" : v.getClass().getSimpleName());
        }
        return sb.toString();
    }
}
