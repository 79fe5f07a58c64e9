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
