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

    /** FileItem.isFormField(). */
    private static final ClassValue<Method> IS_FORM_FIELD = new ClassValue<Method>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                Method m = type.getMethod("isFormField");
                m.setAccessible(true);
                return m.getReturnType() == boolean.class ? m : NONE;
            } catch (NoSuchMethodException | RuntimeException e) {
                return NONE;
            }
        }
    };

    private static Object flag(Method m, Object target) {
        if (m == NONE) {
            return null;
        }
        try {
            return m.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

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
            case RaspHooks.CAPTURE_UPLOAD_FIELD:
                if (value instanceof String && source != null && Boolean.TRUE.equals(flag(IS_FORM_FIELD.get(source.getClass()), source))) {
                    String field = call(FIELD_NAME.get(source.getClass()), source);
                    RaspBridge.captured(scope, InputSources.MULTIPART, field == null ? "" : field, (String) value);
                }
                return;
            default:
                // an advice of a newer core than this one: nothing to read
        }
    }

    private static String call(Method m, Object target) {
        if (m == NONE || target == null) {
            return null;
        }
        try {
            Object v = m.invoke(target);
            return v instanceof String ? (String) v : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
