package dev.tsflink.datastream;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

/**
 * What KafkaConnectors and JdbcConnectors share: a class loader over the session's connector jars
 * and reflective calls on the connector's builders.
 *
 * <p>Why reflection: those connectors are not part of TSFlink's classpath. Their jars come with the
 * session's connectors (addConnector('kafka'), addConnector('jdbc'), fetched from Maven Central) and
 * travel with each job in pipeline.jars; here they are loaded in a class loader over those jars,
 * child of this one, so the objects built are the connector's own and Flink serializes them into
 * the job as it would a Java program's.
 */
final class ConnectorClassLoaders {
    private ConnectorClassLoaders() {}

    /** One class loader per set of connector jars (a session adds jars, never removes them). */
    private static final Map<List<String>, ClassLoader> LOADERS = new ConcurrentHashMap<>();

    static ClassLoader loader(JsonNode jars) {
        List<String> paths = new ArrayList<>();
        if (jars != null) jars.forEach(j -> paths.add(j.asText()));
        return LOADERS.computeIfAbsent(paths, p -> {
            URL[] urls = new URL[p.size()];
            try {
                for (int i = 0; i < urls.length; i++) urls[i] = new File(p.get(i)).toURI().toURL();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
            return new URLClassLoader(urls, ConnectorClassLoaders.class.getClassLoader());
        });
    }

    /** The connector's class, or an IllegalStateException with `missing` (which connector to add). */
    static Class<?> load(ClassLoader cl, String name, String missing) {
        try {
            return Class.forName(name, true, cl);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(missing, e);
        }
    }

    /** target.name(args) for the one public method of that name and arity whose parameters take args (a Class target: a static method). */
    static Object call(Object target, String name, Object... args) throws Exception {
        Class<?> type = target instanceof Class ? (Class<?>) target : target.getClass();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length && accepts(m, args)) {
                try {
                    return m.invoke(target instanceof Class ? null : target, args);
                } catch (InvocationTargetException e) {
                    // the connector's own message (e.g. a missing bootstrap server), not the reflection wrapper
                    throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                }
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + " with " + args.length + " argument(s)");
    }

    private static boolean accepts(Method m, Object[] args) {
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < args.length; i++) {
            Class<?> t = types[i] == long.class ? Long.class : types[i] == int.class ? Integer.class : types[i] == boolean.class ? Boolean.class : types[i];
            if (args[i] != null && !t.isInstance(args[i])) return false;
        }
        return true;
    }
}
