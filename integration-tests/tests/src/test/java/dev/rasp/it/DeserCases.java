package dev.rasp.it;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.collections.Transformer;
import org.apache.commons.collections.functors.ChainedTransformer;
import org.apache.commons.collections.functors.ConstantTransformer;
import org.apache.commons.collections.functors.InstantiateTransformer;
import org.apache.commons.collections.keyvalue.TiedMapEntry;
import org.apache.commons.collections.map.LazyMap;

/**
 * Java serialization streams for the {@code /deser/*} endpoints: a CommonsCollections gadget chain that creates a
 * marker file while the stream is read, and benign streams of JDK collections.
 *
 * <p>The chain (built here from its public description, the "CommonsCollections6" shape): a HashMap whose key is a
 * TiedMapEntry over a LazyMap whose factory is a ChainedTransformer. HashMap.readObject hashes the key;
 * TiedMapEntry.hashCode asks the LazyMap for its key, which is missing, so the LazyMap calls its factory:
 * ConstantTransformer yields {@code FileOutputStream.class}, InstantiateTransformer calls its (String)
 * constructor with the marker's path. A file is created by the stream alone, whatever the application does with
 * the object. A process launch would also work, but the agent's command hooks would judge it; a file created
 * from a path the request does not carry as text is judged by the deserialization rules alone.
 */
final class DeserCases {
    private DeserCases() {}

    static final String GADGET_RULE = "deser.gadget.commons_collections";
    static final String CATEGORY = "deser";
    static final String[] ENDPOINTS = {"/deser/object", "/deser/object-custom"};

    /** The gadget stream and the marker it creates. */
    record Gadget(byte[] stream, Path marker) {}

    static Gadget gadget(Path markersDir) {
        Path marker = markersDir.resolve("deser-" + UUID.randomUUID());
        try {
            ChainedTransformer chain = new ChainedTransformer(new Transformer[] {new ConstantTransformer(1)});
            Map<Object, Object> inner = new HashMap<>();
            @SuppressWarnings("unchecked")
            Map<Object, Object> lazy = LazyMap.decorate(inner, chain);
            TiedMapEntry entry = new TiedMapEntry(lazy, "rasp-it");
            Map<Object, Object> outer = new HashMap<>();
            outer.put(entry, "v"); // hashes the entry: the harmless chain fills the LazyMap ...
            inner.remove("rasp-it"); // ... which is emptied again, so the reader's hash calls the factory
            Transformer[] armed = {
                new ConstantTransformer(FileOutputStream.class),
                new InstantiateTransformer(new Class<?>[] {String.class}, new Object[] {marker.toString()}),
            };
            Field f = ChainedTransformer.class.getDeclaredField("iTransformers");
            f.setAccessible(true);
            f.set(chain, armed);
            return new Gadget(serialize(outer), marker);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("building the gadget stream", e);
        }
    }

    /** A benign stream and what the endpoint echoes as {@code value}. */
    record Benign(String name, byte[] stream, String className, String value) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Benign> benign() {
        ArrayList<String> list = new ArrayList<>(List.of("alpha", "beta"));
        LinkedHashMap<String, Integer> map = new LinkedHashMap<>();
        map.put("apples", 3);
        map.put("pears", 5);
        return List.of(
            new Benign("array-list", serialize(list), "java.util.ArrayList", "[alpha, beta]"),
            new Benign("linked-hash-map", serialize(map), "java.util.LinkedHashMap", "{apples=3, pears=5}"));
    }

    /** A YAML document that creates the marker through a global tag ({@code !!java.io.FileOutputStream}). */
    static Gadget yamlGadget(Path markersDir) {
        Path marker = markersDir.resolve("deser-yaml-" + UUID.randomUUID());
        String doc = "!!java.io.FileOutputStream [\"" + marker + "\"]\n";
        return new Gadget(doc.getBytes(java.nio.charset.StandardCharsets.UTF_8), marker);
    }

    /** A typed YAML document of an application class, and a plain map. */
    static List<Benign> yamlBenign() {
        return List.of(
            new Benign("yaml-app-class", "!!dev.rasp.it.spring.DeserController$Greeting {text: hello}\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), "dev.rasp.it.spring.DeserController$Greeting",
                "Greeting(hello)"),
            new Benign("yaml-map", "apples: 3\npears: 5\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "java.util.LinkedHashMap", "{apples=3, pears=5}"));
    }

    static final String YAML_RULE = "deser.gadget.jdk_constructors";

    static byte[] serialize(Serializable o) {
        return serialize((Object) o);
    }

    static byte[] serialize(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new AssertionError("serializing " + o.getClass(), e);
        }
        return bytes.toByteArray();
    }

    static boolean exists(Path marker) {
        return Files.exists(marker);
    }
}
