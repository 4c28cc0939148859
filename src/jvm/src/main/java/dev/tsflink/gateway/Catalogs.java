package dev.tsflink.gateway;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.type.TypeReference;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.CatalogDatabaseImpl;
import org.apache.flink.table.catalog.CatalogDescriptor;
import org.apache.flink.table.module.ModuleEntry;

/**
 * The catalog, module and function calls whose Java arguments are not plain JSON (a Configuration,
 * a list of resources, an array of entries): small adapters; everything else goes through
 * {@link Gateway#invoke} on the Java objects themselves.
 */
public final class Catalogs {
    private Catalogs() {}

    /** CatalogDescriptor.of(name, options[, comment]), kept as a handle. */
    public static int descriptor(String name, String optionsJson, String comment) {
        return ApiThread.run(() -> {
            Map<String, String> options = Json.MAPPER.readValue(optionsJson, new TypeReference<Map<String, String>>() {});
            CatalogDescriptor d = CatalogDescriptor.of(name, Configuration.fromMap(options));
            return Handles.put(comment == null ? d : d.setComment(comment));
        });
    }

    /** The options of a CatalogDescriptor (its Configuration) as JSON. */
    public static String descriptorOptions(int handle) {
        return ApiThread.run(() -> Json.write(((CatalogDescriptor) Handles.get(handle)).getConfiguration().toMap()));
    }

    /** A CatalogDatabase with properties and a comment (Java's CatalogDatabaseImpl), kept as a handle. */
    public static int database(String propertiesJson, String comment) {
        return ApiThread.run(() -> {
            Map<String, String> props = Json.MAPPER.readValue(propertiesJson, new TypeReference<Map<String, String>>() {});
            return Handles.put(new CatalogDatabaseImpl(props, comment));
        });
    }

    /** listFullModules() as JSON [{name, used}], in resolution order. */
    public static String fullModules(int env) {
        return ApiThread.run(() -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ModuleEntry e : ((TableEnvironment) Handles.get(env)).listFullModules()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", e.name());
                m.put("used", e.used());
                out.add(m);
            }
            return Json.write(out);
        });
    }

    /**
     * A function by its Java class name (on the session's class path or an added jar): kind is
     * "system" (temporary system function), "temporary" (temporary catalog function) or "catalog".
     */
    public static void createJavaFunction(int env, String kind, String path, String className, boolean ignoreIfExists) {
        ApiThread.run(() -> {
            TableEnvironment t = (TableEnvironment) Handles.get(env);
            switch (kind) {
                case "system":
                    t.createTemporarySystemFunction(path, className, Collections.emptyList());
                    break;
                case "temporary":
                    t.createTemporaryFunction(path, className, Collections.emptyList());
                    break;
                default:
                    t.createFunction(path, className, Collections.emptyList(), ignoreIfExists);
            }
            return null;
        });
    }
}
