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

    static final String XSTREAM_API = "com.thoughtworks.xstream.mapper.CachingMapper.realClass";
    static final String JACKSON_API = "com.fasterxml.jackson.databind.jsontype.impl.ClassNameIdResolver.typeFromId";
    static final String JACKSON_RULE = "deser.gadget.commons_io";

    /**
     * The CommonsCollections chain of {@link #gadget} as the XML XStream writes for it (its toXML of the same
     * objects): MapConverter puts the TiedMapEntry key into a new HashMap, which hashes it and runs the chain.
     */
    static Gadget xstreamGadget(Path markersDir) {
        Path marker = markersDir.resolve("deser-xstream-" + UUID.randomUUID());
        String doc = """
            <map>
              <entry>
                <org.apache.commons.collections.keyvalue.TiedMapEntry>
                  <map class="org.apache.commons.collections.map.LazyMap" serialization="custom">
                    <unserializable-parents/>
                    <org.apache.commons.collections.map.LazyMap>
                      <default>
                        <factory class="org.apache.commons.collections.functors.ChainedTransformer">
                          <iTransformers>
                            <org.apache.commons.collections.functors.ConstantTransformer>
                              <iConstant class="java-class">java.io.FileOutputStream</iConstant>
                            </org.apache.commons.collections.functors.ConstantTransformer>
                            <org.apache.commons.collections.functors.InstantiateTransformer>
                              <iParamTypes>
                                <java-class>java.lang.String</java-class>
                              </iParamTypes>
                              <iArgs>
                                <string>MARKER</string>
                              </iArgs>
                            </org.apache.commons.collections.functors.InstantiateTransformer>
                          </iTransformers>
                        </factory>
                      </default>
                      <map/>
                    </org.apache.commons.collections.map.LazyMap>
                  </map>
                  <key class="string">rasp-it</key>
                </org.apache.commons.collections.keyvalue.TiedMapEntry>
                <string>v</string>
              </entry>
            </map>
            """.replace("MARKER", marker.toString());
        return new Gadget(doc.getBytes(java.nio.charset.StandardCharsets.UTF_8), marker);
    }

    /**
     * The dynamic proxy of the classic XStream document (CVE-2013-7285's shape): a Comparable whose EventHandler
     * starts a ProcessBuilder when it is compared. The classic document wraps it in a {@code <sorted-set>}, which
     * XStream cannot build on JDK 17 (TreeSetConverter reflects into java.util), and XStream 1.4.7 and later refuse
     * EventHandler themselves: so it only shows that the agent judges a {@code dynamic-proxy}'s classes (block
     * mode); its marker is never expected.
     */
    static Gadget xstreamProxyGadget(Path markersDir) {
        Path marker = markersDir.resolve("deser-xstream-proxy-" + UUID.randomUUID());
        String doc = """
            <dynamic-proxy>
              <interface>java.lang.Comparable</interface>
              <handler class="java.beans.EventHandler">
                <target class="java.lang.ProcessBuilder">
                  <command><string>touch</string><string>MARKER</string></command>
                </target>
                <action>start</action>
              </handler>
            </dynamic-proxy>
            """.replace("MARKER", marker.toString());
        return new Gadget(doc.getBytes(java.nio.charset.StandardCharsets.UTF_8), marker);
    }

    /** The application class of the benign typed documents, per app. */
    static String greetingClass(String app) {
        return app.equals("spring") ? "dev.rasp.it.spring.DeserController$Greeting"
            : "dev.rasp.it.javax.DeserServlets$Greeting";
    }

    /** An aliased document of an application class, and a plain list. */
    static List<Benign> xstreamBenign(String app) {
        return List.of(
            new Benign("xstream-alias", "<greeting><text>hello</text></greeting>"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), greetingClass(app), "Greeting(hello)"),
            new Benign("xstream-list", "<list><string>alpha</string><string>beta</string></list>"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), "java.util.ArrayList", "[alpha, beta]"));
    }

    /**
     * A default-typed Jackson document naming Commons IO's LockableFileWriter with the marker's path: Jackson calls
     * its (String) constructor, which creates the file.
     */
    static Gadget jacksonGadget(Path markersDir) {
        Path marker = markersDir.resolve("deser-jackson-" + UUID.randomUUID());
        String doc = "[\"org.apache.commons.io.output.LockableFileWriter\",\"" + marker + "\"]";
        return new Gadget(doc.getBytes(java.nio.charset.StandardCharsets.UTF_8), marker);
    }

    /** A default-typed document of an application class, and of a list whose type id has a type parameter. */
    static List<Benign> jacksonBenign(String app) {
        return List.of(
            new Benign("jackson-app-class", ("[\"" + greetingClass(app) + "\",{\"text\":\"hello\"}]")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), greetingClass(app), "Greeting(hello)"),
            new Benign("jackson-list", "[\"java.util.ArrayList<java.lang.String>\",[\"alpha\",\"beta\"]]"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), "java.util.ArrayList", "[alpha, beta]"));
    }

    /** The request's content type for an endpoint. */
    static String contentType(String endpoint) {
        if (endpoint.endsWith("/yaml")) {
            return "application/yaml";
        }
        if (endpoint.endsWith("/xstream")) {
            return "application/xml";
        }
        if (endpoint.endsWith("/jackson")) {
            return "application/json";
        }
        return "application/x-java-serialized-object";
    }

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
