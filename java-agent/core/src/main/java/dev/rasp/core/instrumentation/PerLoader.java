package dev.rasp.core.instrumentation;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One map of type names per class loader, the loader held weakly (a web application's loader,
 * undeployed, is not kept alive by what the agent remembers of its types). Null is the boot loader.
 */
final class PerLoader<V> {

    private final Map<ClassLoader, Map<String, V>> maps =
            Collections.synchronizedMap(new WeakHashMap<ClassLoader, Map<String, V>>());

    /** The loader's map, made on first use. */
    Map<String, V> of(ClassLoader loader) {
        Map<String, V> m = maps.get(loader);
        if (m == null) {
            synchronized (maps) {
                m = maps.get(loader);
                if (m == null) {
                    m = new ConcurrentHashMap<String, V>();
                    maps.put(loader, m);
                }
            }
        }
        return m;
    }

    /** The loader's value for this name, or null (no map is made). */
    V get(ClassLoader loader, String name) {
        Map<String, V> m = maps.get(loader);
        return m == null ? null : m.get(name);
    }
}
