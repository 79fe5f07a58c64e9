package dev.rasp.core.instrumentation.deser;

import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.core.instrumentation.ApiMethods;

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
     * not a class tag. A class XStream resolved: its name (none for a primitive or XStream's own marker types). A
     * Jackson type id: each class its canonical type names ({@code java.util.ArrayList<com.x.Y>} names two).
     */
    public static String[] names(int api, Object descriptor) throws ReflectiveOperationException {
        if (api == RaspHooks.CLASS_XSTREAM) {
            return descriptor instanceof Class ? xstreamClass((Class<?>) descriptor) : NONE;
        }
        if (api == RaspHooks.CLASS_JACKSON) {
            return descriptor instanceof String ? typeIdClasses((String) descriptor) : NONE;
        }
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

    /** XStream's markers for {@code <null/>} and {@code <dynamic-proxy>}, whose interfaces it resolves one by one. */
    private static final String XSTREAM_MARKERS = "com.thoughtworks.xstream.mapper.";

    private static String[] xstreamClass(Class<?> c) {
        // int, boolean, ... name no class a document could abuse; an allow-list should not have to name them.
        if (c.isPrimitive() || c.getName().startsWith(XSTREAM_MARKERS)) {
            return NONE;
        }
        return new String[] {c.getName()};
    }

    /**
     * The class names of a Jackson canonical type ({@code com.x.Y}, {@code java.util.Map<java.lang.String,com.x.Y>},
     * {@code [Lcom.x.Y;}): Jackson loads each type parameter as well, and the elements of a collection typed by the
     * id need no id of their own.
     */
    static String[] typeIdClasses(String id) {
        java.util.List<String> names = new java.util.ArrayList<>(2);
        int start = 0;
        for (int i = 0; i <= id.length(); i++) {
            char c = i < id.length() ? id.charAt(i) : ',';
            if (c == '<' || c == '>' || c == ',' || Character.isWhitespace(c)) {
                if (i > start) {
                    names.add(id.substring(start, i));
                }
                start = i + 1;
            }
        }
        return names.toArray(NONE);
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
        Method m = ApiMethods.publicMethod(c, name); // found once per class
        if (m == null) {
            throw new NoSuchMethodException(c.getName() + "." + name);
        }
        return m;
    }
}
