package dev.rasp.core.instrumentation.deser;

import dev.rasp.bootstrap.RaspHooks;
import org.junit.jupiter.api.Test;

import java.io.ObjectStreamClass;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class StreamClassesTest {

    @Test
    void aDescriptorIsItsNameAndAProxyItsInterfaces() throws Exception {
        assertArrayEquals(new String[] {"java.util.ArrayList"},
                StreamClasses.names(RaspHooks.CLASS_DESCRIPTOR, ObjectStreamClass.lookup(ArrayList.class)));
        Class<?> proxy = Proxy.getProxyClass(getClass().getClassLoader(), Comparator.class, Callable.class);
        assertArrayEquals(new String[] {"java.util.Comparator", "java.util.concurrent.Callable"},
                StreamClasses.names(RaspHooks.CLASS_PROXY, proxy));
        assertArrayEquals(new String[0], StreamClasses.names(RaspHooks.CLASS_DESCRIPTOR, "not a descriptor"));
    }

    @Test
    void aYamlNodeIsTheClassItsTagNames() throws Exception {
        assertArrayEquals(new String[] {"java.io.FileOutputStream"},
                StreamClasses.names(RaspHooks.CLASS_YAML_TAG, new Node(new Tag("java.io.FileOutputStream"))));
        // SnakeYAML's short tags and tags outside its prefix are no class.
        assertArrayEquals(new String[0], StreamClasses.names(RaspHooks.CLASS_YAML_TAG, new Node(new Tag("str"))));
        assertArrayEquals(new String[0], StreamClasses.names(RaspHooks.CLASS_YAML_TAG, new Node(new Tag(null))));
        assertArrayEquals(new String[0], StreamClasses.names(RaspHooks.CLASS_YAML_TAG, new Node(null)));
    }

    @Test
    void anXStreamClassIsItsNameExceptPrimitivesAndMarkers() throws Exception {
        assertArrayEquals(new String[] {"java.util.ArrayList"},
                StreamClasses.names(RaspHooks.CLASS_XSTREAM, ArrayList.class));
        assertArrayEquals(new String[] {"[Ljava.lang.String;"},
                StreamClasses.names(RaspHooks.CLASS_XSTREAM, String[].class));
        assertArrayEquals(new String[0], StreamClasses.names(RaspHooks.CLASS_XSTREAM, int.class));
        assertArrayEquals(new String[0], StreamClasses.names(RaspHooks.CLASS_XSTREAM, "java.util.ArrayList"));
    }

    @Test
    void aJacksonTypeIdIsEveryClassItNames() throws Exception {
        assertArrayEquals(new String[] {"org.apache.commons.io.output.LockableFileWriter"},
                StreamClasses.names(RaspHooks.CLASS_JACKSON, "org.apache.commons.io.output.LockableFileWriter"));
        // A type parameter is loaded too, and the collection's elements need no id of their own.
        assertArrayEquals(new String[] {"java.util.HashMap", "java.lang.String", "java.util.ArrayList", "java.io.PrintWriter"},
                StreamClasses.names(RaspHooks.CLASS_JACKSON,
                        "java.util.HashMap<java.lang.String, java.util.ArrayList<java.io.PrintWriter>>"));
        assertArrayEquals(new String[] {"[Lcom.x.Y;"}, StreamClasses.names(RaspHooks.CLASS_JACKSON, "[Lcom.x.Y;"));
        assertArrayEquals(new String[0], StreamClasses.names(RaspHooks.CLASS_JACKSON, ""));
        assertArrayEquals(new String[0], StreamClasses.names(RaspHooks.CLASS_JACKSON, ArrayList.class));
    }

    /** The shape of org.yaml.snakeyaml.nodes.Node that StreamClasses reads by reflection. */
    public static final class Node {
        private final Tag tag;

        Node(Tag tag) {
            this.tag = tag;
        }

        public Tag getTag() {
            return tag;
        }
    }

    /** ... and of Tag: getClassName throws for a tag that names no class (null here). */
    public static final class Tag {
        private final String className;

        Tag(String className) {
            this.className = className;
        }

        public String getClassName() {
            if (className == null) {
                throw new IllegalStateException("Invalid tag");
            }
            return className;
        }
    }
}
