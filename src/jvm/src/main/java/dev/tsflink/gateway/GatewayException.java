package dev.tsflink.gateway;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Carries a Java failure to Node as JSON in its message. java-bridge only shows the innermost
 * cause's message, so the facade flattens the whole cause chain (class, message, SQL position)
 * into one exception without a cause.
 */
public final class GatewayException extends RuntimeException {
    public static final String MARKER = "TSFLINK_ERROR_JSON:";
    private static final ObjectMapper JSON = Json.asciiOnly(new ObjectMapper());
    private static final Pattern SQL_POS =
            Pattern.compile("line (\\d+), column (\\d+)(?: to line (\\d+), column (\\d+))?");

    private GatewayException(String json) {
        super(MARKER + json, null, false, false);
    }

    public static GatewayException of(Throwable t) {
        if (t instanceof GatewayException) {
            return (GatewayException) t;
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        List<Map<String, Object>> chain = new ArrayList<>();
        IdentityHashMap<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable cur = unwrap(t);
        while (cur != null && !seen.containsKey(cur)) {
            seen.put(cur, true);
            Map<String, Object> link = new java.util.LinkedHashMap<>();
            link.put("className", cur.getClass().getName());
            link.put("message", String.valueOf(cur.getMessage()));
            chain.add(link);
            cur = cur.getCause();
        }
        out.put("chain", chain);
        for (Map<String, Object> link : chain) {
            Matcher m = SQL_POS.matcher((String) link.get("message"));
            if (m.find()) {
                Map<String, Object> pos = new java.util.LinkedHashMap<>();
                pos.put("line", Integer.parseInt(m.group(1)));
                pos.put("column", Integer.parseInt(m.group(2)));
                if (m.group(3) != null) {
                    pos.put("endLine", Integer.parseInt(m.group(3)));
                    pos.put("endColumn", Integer.parseInt(m.group(4)));
                }
                out.put("sqlPosition", pos);
                break;
            }
        }
        StringWriter sw = new StringWriter();
        unwrap(t).printStackTrace(new PrintWriter(sw));
        out.put("javaStackTrace", sw.toString());
        try {
            return new GatewayException(JSON.writeValueAsString(out));
        } catch (Exception e) {
            return new GatewayException("{\"chain\":[{\"className\":\"" + t.getClass().getName() + "\",\"message\":\"unserializable\"}]}");
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException
                        || t instanceof java.lang.reflect.InvocationTargetException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A call whose failure reaches Node as a {@link GatewayException}. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws Exception;
    }

    public static <T> T guard(Call<T> call) {
        try {
            return call.run();
        } catch (Throwable t) {
            throw of(t);
        }
    }
}
