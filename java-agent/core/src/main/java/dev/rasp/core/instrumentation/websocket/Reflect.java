package dev.rasp.core.instrumentation.websocket;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/** Public interface methods of API types the agent cannot name at compile time, found once per class. */
final class Reflect {

    private Reflect() {
    }

    private static final Method NONE;
    /** Per class (dropped with it): "api.name" to the method, or NONE. */
    private static final ClassValue<ConcurrentHashMap<String, Method>> CACHE = new ClassValue<ConcurrentHashMap<String, Method>>() {
        @Override
        protected ConcurrentHashMap<String, Method> computeValue(Class<?> type) {
            return new ConcurrentHashMap<String, Method>();
        }
    };

    static {
        try {
            NONE = Object.class.getMethod("toString");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code name()} of interface {@code api} when {@code type} implements it, else null. */
    static Method method(Class<?> type, String api, String name) {
        ConcurrentHashMap<String, Method> known = CACHE.get(type);
        String key = api + '.' + name;
        Method m = known.get(key);
        if (m == null) {
            m = find(type, api, name);
            known.put(key, m);
        }
        return m == NONE ? null : m;
    }

    private static Method find(Class<?> type, String api, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                Method m = inInterface(i, api, name);
                if (m != null) {
                    return m;
                }
            }
        }
        return NONE;
    }

    private static Method inInterface(Class<?> i, String api, String name) {
        if (i.getName().equals(api)) {
            try {
                return i.getMethod(name);
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
        for (Class<?> parent : i.getInterfaces()) {
            Method m = inInterface(parent, api, name);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /** A public no-argument method of the class itself, or null. */
    static Method publicMethod(Class<?> type, String name) {
        ConcurrentHashMap<String, Method> known = CACHE.get(type);
        Method m = known.get(name);
        if (m == null) {
            try {
                m = type.getMethod(name);
            } catch (NoSuchMethodException | RuntimeException e) {
                m = NONE;
            }
            known.put(name, m);
        }
        return m == NONE ? null : m;
    }

    static Object call(Method m, Object target) {
        try {
            return m.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            return null;
        }
    }
}
