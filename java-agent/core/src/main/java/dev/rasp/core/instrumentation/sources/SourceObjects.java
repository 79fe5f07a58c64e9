package dev.rasp.core.instrumentation.sources;

import dev.rasp.bootstrap.InputSources;
import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.bootstrap.RequestScope;

import java.lang.reflect.Method;

/**
 * Reads the source values whose types the agent cannot name (the servlet API's Cookie and Part,
 * javax or jakarta; Spring's MultipartFile; Commons FileUpload's FileItem) through Methods
 * resolved once per class.
 */
public final class SourceObjects {

    private SourceObjects() {
    }

    private static final Method NONE;

    static {
        try {
            NONE = Object.class.getMethod("hashCode");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Method method(Class<?> type, String... names) {
        for (String name : names) {
            try {
                Method m = type.getMethod(name);
                if (m.getReturnType() == String.class) {
                    m.setAccessible(true);
                    return m;
                }
            } catch (NoSuchMethodException | RuntimeException e) {
                // next candidate
            }
        }
        return NONE;
    }

    /** getName(), getValue() of a servlet Cookie. */
    private static final ClassValue<Method[]> COOKIE = new ClassValue<Method[]>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            return new Method[] {method(type, "getName"), method(type, "getValue")};
        }
    };

    /** The form field a file part belongs to: Part.getName(), MultipartFile.getName(), FileItem.getFieldName(). */
    private static final ClassValue<Method> FIELD_NAME = new ClassValue<Method>() {
        @Override
        protected Method computeValue(Class<?> type) {
            return method(type, "getFieldName", "getName");
        }
    };

    /** ServletRequest.getParameterMap(). */
    private static final ClassValue<Method> PARAMETER_MAP = new ClassValue<Method>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                Method m = type.getMethod("getParameterMap");
                m.setAccessible(true);
                return m;
            } catch (NoSuchMethodException | RuntimeException e) {
                return NONE;
            }
        }
    };

    public static void capture(RequestScope scope, int kind, Object source, Object value) {
        switch (kind) {
            case RaspHooks.CAPTURE_COOKIES:
                if (value instanceof Object[]) {
                    for (Object cookie : (Object[]) value) {
                        if (cookie != null) {
                            Method[] m = COOKIE.get(cookie.getClass());
                            String name = call(m[0], cookie);
                            RaspBridge.captured(scope, InputSources.COOKIE, name, name);
                            RaspBridge.captured(scope, InputSources.COOKIE, name, call(m[1], cookie));
                        }
                    }
                }
                return;
            case RaspHooks.CAPTURE_PART_FILENAME:
            case RaspHooks.CAPTURE_UPLOAD_FILENAME:
                if (value instanceof String && source != null) {
                    String field = call(FIELD_NAME.get(source.getClass()), source);
                    RaspBridge.captured(scope, InputSources.MULTIPART, (field == null ? "" : field) + ".filename",
                            (String) value);
                }
                return;
            case RaspHooks.CAPTURE_PARAMETER_NAMES:
                // The application walks the names: the container has parsed the parameters (body
                // included) by now, so reading its map consumes nothing the application still needs.
                Object map = call(PARAMETER_MAP.get(source.getClass()), source, true);
                if (map instanceof java.util.Map) {
                    for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) map).entrySet()) {
                        String name = String.valueOf(e.getKey());
                        RaspBridge.captured(scope, InputSources.PARAMETER, name, name);
                        if (e.getValue() instanceof String[]) {
                            for (String v : (String[]) e.getValue()) {
                                RaspBridge.captured(scope, InputSources.PARAMETER, name, v);
                            }
                        }
                    }
                }
                return;
            default:
                // an advice of a newer core than this one: nothing to read
        }
    }

    private static String call(Method m, Object target) {
        Object v = call(m, target, true);
        return v instanceof String ? (String) v : null;
    }

    private static Object call(Method m, Object target, boolean any) {
        if (m == NONE || target == null) {
            return null;
        }
        try {
            return m.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
