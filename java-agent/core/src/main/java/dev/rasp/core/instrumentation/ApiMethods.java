package dev.rasp.core.instrumentation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Public methods of library types the agent cannot name at compile time (the core does not link
 * against the application's libraries), found once per class and kept with it.
 *
 * <p>Why once: the hooks that read a library object (a WebSocket message's payload, a SpEL parser
 * context, an HTTP client's request URI, a YAML node's tag) run on every call of their sink, and a
 * {@code getMethod} per call walks the class's methods, and throws a {@code NoSuchMethodException},
 * stack trace and all, for each miss (Spring's start parses some 330 bean expressions: their
 * lookups were most of the expression hook's cost). Why through the public type that declares the
 * method: a library's implementation class is often not public (Spring's own parser contexts are
 * anonymous classes), and reflection may not call a method through a class the caller cannot
 * access, even a public method; the same method taken from the public interface or superclass that
 * declares it can be called on any instance.
 */
public final class ApiMethods {

    private ApiMethods() {
    }

    private static final Method NONE;
    /** Per class (dropped with it): "api.name" or "name" to the method, or NONE. */
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

    /** {@code name()} of interface {@code api} (a binary name) when {@code type} implements it, else null. */
    public static Method ofInterface(Class<?> type, String api, String name) {
        ConcurrentHashMap<String, Method> known = CACHE.get(type);
        String key = api + '.' + name;
        Method m = known.get(key);
        if (m == null) {
            m = findInInterfaces(type, api, name);
            known.put(key, m == null ? NONE : m);
        }
        return m == NONE ? null : m;
    }

    /**
     * A public no-argument method {@code name()} of {@code type}, taken from the first public class or
     * interface in its hierarchy that declares it (so that it can be called), or null.
     */
    public static Method publicMethod(Class<?> type, String name) {
        ConcurrentHashMap<String, Method> known = CACHE.get(type);
        Method m = known.get(name);
        if (m == null) {
            m = findPublic(type, name);
            known.put(name, m == null ? NONE : m);
        }
        return m == NONE ? null : m;
    }

    /** {@code m} called on {@code target}, or null when it throws or cannot be called. */
    public static Object call(Method m, Object target) {
        try {
            return m.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            return null;
        }
    }

    private static Method findInInterfaces(Class<?> type, String api, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                Method m = inInterface(i, api, name);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
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

    private static Method findPublic(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            Method m = declaredPublic(k, name);
            if (m != null) {
                return m;
            }
            for (Class<?> i : k.getInterfaces()) {
                m = findPublic(i, name);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    private static Method declaredPublic(Class<?> k, String name) {
        if (!Modifier.isPublic(k.getModifiers())) {
            return null;
        }
        try {
            Method m = k.getMethod(name);
            return Modifier.isPublic(m.getDeclaringClass().getModifiers()) ? m : null;
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }
}
