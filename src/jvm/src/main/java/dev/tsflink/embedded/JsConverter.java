package dev.tsflink.embedded;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.converters.JavetObjectConverter;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Javet's converter, plus MAP values: a {@link JsMap} (what JsValues makes of a Flink MAP) becomes
 * a JavaScript Map, as process mode's worker gives, where Javet makes a plain object of any
 * java.util.Map (which suits ROW values, objects with the fields by name).
 */
final class JsConverter extends JavetObjectConverter {
    /** A Flink MAP value on its way into the runtime. */
    static final class JsMap extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T extends V8Value> T toV8Value(V8Runtime runtime, Object object, int depth) throws JavetException {
        if (!(object instanceof JsMap)) return super.toV8Value(runtime, object, depth);
        V8ValueMap map = runtime.createV8ValueMap();
        for (Map.Entry<Object, Object> e : ((JsMap) object).entrySet()) {
            try (V8Value k = toV8Value(runtime, e.getKey(), depth + 1); V8Value v = toV8Value(runtime, e.getValue(), depth + 1)) {
                map.set(k, v);
            }
        }
        return (T) map;
    }
}
