package dev.rasp.core.instrumentation.deser;

import dev.rasp.bootstrap.RaspHooks;

import java.io.ObjectStreamClass;
import java.lang.reflect.Method;

/** The class names a descriptor asks the engine about. */
public final class StreamClasses {

    private static final String[] NONE = new String[0];

    private StreamClasses() {
    }

    /**
     * A class descriptor: its name as the stream spells it. A proxy class: the names of its
     * interfaces (the proxy's own name is generated; its handler is an ordinary descriptor). A
     * SnakeYAML node: the class its global tag names ({@code !!com.x.Y}); none when the tag is
     * not a class tag.
     */
    public static String[] names(int api, Object descriptor) throws ReflectiveOperationException {
        if (descriptor instanceof ObjectStreamClass) {
            return new String[] {((ObjectStreamClass) descriptor).getName()};
        }
        if (descriptor instanceof Class) {
            Class<?>[] interfaces = ((Class<?>) descriptor).getInterfaces();
            String[] names = new String[interfaces.length];
            for (int i = 0; i < interfaces.length; i++) {
                names[i] = interfaces[i].getName();
            }
            return names;
        }
        if (api == RaspHooks.CLASS_YAML_TAG && descriptor != null) {
            String name = yamlClassName(descriptor);
            return name == null ? NONE : new String[] {name};
        }
        return NONE;
    }

    /**
     * {@code node.getTag().getClassName()} of SnakeYAML 1.x/2.x, by reflection (the core does
     * not link against the application's libraries). Null for a tag that names no class.
     */
    private static String yamlClassName(Object node) throws ReflectiveOperationException {
        Object tag = publicMethod(node.getClass(), "getTag").invoke(node);
        if (tag == null) {
            return null;
        }
        Method className = publicMethod(tag.getClass(), "getClassName");
        try {
            Object name = className.invoke(tag);
            // SnakeYAML's own short tags (str, map) are not classes; a class name has a package.
            return name instanceof String && ((String) name).indexOf('.') > 0 ? (String) name : null;
        } catch (java.lang.reflect.InvocationTargetException notAClassTag) {
            return null; // getClassName throws for a tag outside tag:yaml.org,2002:
        }
    }

    private static Method publicMethod(Class<?> c, String name) throws NoSuchMethodException {
        return c.getMethod(name);
    }
}
