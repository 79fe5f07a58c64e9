package dev.rasp.agent;

import dev.rasp.agent.fixture.Greeter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's loader reads classes and resources straight from a jar laid out as rasp.jar (the
 * fixture classes renamed .classdata under inst/core/, a bridge class under inst/bootstrap/), and a
 * loader with that jar on its class path, as the application's under -javaagent, finds none of them.
 */
class CoreClassLoaderTest {

    private static final String FIXTURE = "dev/rasp/agent/fixture/";
    private static final String BRIDGE_CLASS = "dev/rasp/bootstrap/RaspBridge.class";

    @TempDir
    Path tmp;

    private File jar;
    private URL jarUrl;
    /** Path under the fixture package (class files as .class) to bytes, as the test class path has them. */
    private Map<String, byte[]> fixtures;
    private final List<CoreClassLoader> opened = new ArrayList<CoreClassLoader>();

    @BeforeEach
    void packAgentJar() throws Exception {
        Path classes = Paths.get(Greeter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        fixtures = new TreeMap<String, byte[]>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(classes.resolve(FIXTURE))) {
            for (Path f : files) {
                fixtures.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        assertTrue(fixtures.containsKey("Greeter$Inner.class") && fixtures.containsKey("greeting.properties"),
                "fixtures found in " + classes + ": " + fixtures.keySet());
        jar = tmp.resolve("rasp.jar").toFile();
        jarUrl = jar.toURI().toURL();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar.toPath()))) {
            put(out, "dev/rasp/agent/RaspAgent.class", new byte[] {1});
            put(out, CoreClassLoader.CORE_PREFIX, null);
            for (Map.Entry<String, byte[]> f : fixtures.entrySet()) {
                put(out, CoreClassLoader.CORE_PREFIX + FIXTURE + stored(f.getKey()), f.getValue());
            }
            put(out, CoreClassLoader.BOOTSTRAP_PREFIX + stored(BRIDGE_CLASS), fixtures.get("Named.class"));
        }
    }

    @AfterEach
    void closeJars() throws IOException {
        for (CoreClassLoader loader : opened) {
            loader.close();
        }
    }

    @Test
    void aClassComesFromItsClassdataEntryWithRaspJarAsItsCodeSource() throws Exception {
        CoreClassLoader loader = newLoader();
        Class<?> greeter = loader.loadClass("dev.rasp.agent.fixture.Greeter");
        assertSame(loader, greeter.getClassLoader());
        assertSame(loader, greeter.getSuperclass().getClassLoader(), "its supertypes from the same entries");
        assertSame(loader, greeter.getSuperclass().getInterfaces()[0].getClassLoader());
        assertFalse(greeter == Greeter.class, "a copy of its own, not the test class path's");
        assertEquals(jarUrl, greeter.getProtectionDomain().getCodeSource().getLocation());
        assertEquals("dev.rasp.agent.fixture", greeter.getPackage().getName());
        assertEquals("hello core", greeter.getMethod("greet").invoke(greeter.getConstructor().newInstance()),
                "runs, with its inner class");
        assertEquals("from inst/core", greeter.getMethod("resource").invoke(null), "Class.getResourceAsStream works");
        assertSame(greeter, loader.loadClass("dev.rasp.agent.fixture.Greeter"), "defined once");
    }

    @Test
    void aClassFileIsAResourceMappedToItsClassdataEntry() throws Exception {
        CoreClassLoader loader = newLoader();
        String name = FIXTURE + "Greeter.class";
        URL url = loader.getResource(name);
        assertEquals("jar:" + jarUrl + "!/" + CoreClassLoader.CORE_PREFIX + FIXTURE + "Greeter.classdata", url.toString());
        assertArrayEquals(fixtures.get("Greeter.class"), readAll(loader.getResourceAsStream(name)), "the core's class file reads");
        assertArrayEquals(fixtures.get("Greeter.class"), readAll(url.openStream()));
        // the text of the URL opens with the JDK's own jar handler too, for whoever keeps it as a string
        URLConnection plain = new URL(url.toString()).openConnection();
        plain.setUseCaches(false);
        assertArrayEquals(fixtures.get("Greeter.class"), readAll(plain.getInputStream()));
        assertEquals(fixtures.get("Greeter.class").length, url.openConnection().getContentLengthLong());
        assertEquals(Collections.singletonList(url), Collections.list(loader.getResources(name)));
    }

    @Test
    void otherResourcesAreFoundUnderTheirOwnName() throws Exception {
        CoreClassLoader loader = newLoader();
        String name = FIXTURE + "greeting.properties";
        assertArrayEquals(fixtures.get("greeting.properties"), readAll(loader.getResourceAsStream(name)));
        assertEquals(1, Collections.list(loader.getResources(name)).size());
        assertNull(loader.getResource(FIXTURE + "missing.properties"));
        assertFalse(loader.getResources(FIXTURE + "missing.properties").hasMoreElements());
        assertNull(loader.getResource(FIXTURE + "greeting.properties/"));
        assertNull(loader.getResource("/" + name), "resource names have no leading slash");
        URL object = loader.getResource("java/lang/Object.class");
        assertNotNull(object, "the parent answers first");
        assertFalse(object.toString().contains("inst/"), object.toString());
        assertArrayEquals(readAll(object.openStream()), readAll(loader.getResourceAsStream("java/lang/Object.class")),
                "a JDK class file as a stream: the parent's");
        assertNull(loader.getResourceAsStream(FIXTURE + "Missing.class"), "an own class file the jar lacks");
    }

    /** A bridge type's class file is read through the core's loader; the class itself is the boot loader's. */
    @Test
    void theBridgeIsAResourceButNeverAClassOfThisLoader() throws Exception {
        CoreClassLoader loader = newLoader();
        URL bridge = loader.getResource(BRIDGE_CLASS);
        assertTrue(bridge.toString().endsWith("!/" + CoreClassLoader.BOOTSTRAP_PREFIX + "dev/rasp/bootstrap/RaspBridge.classdata"),
                bridge.toString());
        assertArrayEquals(fixtures.get("Named.class"), readAll(loader.getResourceAsStream(BRIDGE_CLASS)));
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("dev.rasp.bootstrap.RaspBridge"));
    }

    /** Under -javaagent, rasp.jar is on the application's class path: none of the core is found through it. */
    @Test
    void aLoaderWithTheJarOnItsClassPathSeesNoCoreClassNorResource() throws Exception {
        try (URLClassLoader application = new URLClassLoader(new URL[] {jarUrl}, null)) {
            for (String name : new String[] {"dev.rasp.agent.fixture.Greeter", "dev.rasp.agent.fixture.Named",
                    "dev.rasp.bootstrap.RaspBridge"}) {
                assertThrows(ClassNotFoundException.class, () -> application.loadClass(name), name);
            }
            assertNull(application.getResource(FIXTURE + "greeting.properties"));
            assertNull(application.getResource(FIXTURE + "Greeter.class"));
            assertNull(application.getResource(BRIDGE_CLASS));
        }
    }

    /** Parallel-capable: many threads loading the classes of one package at once each get the one class. */
    @Test
    void concurrentLoadsDefineEachClassOnce() throws Exception {
        final List<String> names = new ArrayList<String>();
        for (String file : fixtures.keySet()) {
            if (file.endsWith(".class")) {
                names.add("dev.rasp.agent.fixture." + file.substring(0, file.length() - ".class".length()));
            }
        }
        for (int round = 0; round < 20; round++) {
            final CoreClassLoader loader = newLoader();
            final Map<String, Class<?>> seen = new ConcurrentHashMap<String, Class<?>>();
            final List<Throwable> failures = new CopyOnWriteArrayList<Throwable>();
            final CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<Thread>();
            for (int t = 0; t < 8; t++) {
                final List<String> order = new ArrayList<String>(names);
                Collections.rotate(order, t);
                Thread thread = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        try {
                            go.await();
                            for (String name : order) {
                                Class<?> c = Class.forName(name, true, loader);
                                Class<?> first = seen.putIfAbsent(name, c);
                                if (first != null && first != c) {
                                    throw new AssertionError(name + " defined twice");
                                }
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            go.countDown();
            for (Thread thread : threads) {
                thread.join(10000);
            }
            assertEquals(Collections.emptyList(), failures, "round " + round);
            assertEquals(names.size(), seen.size());
            for (Class<?> c : seen.values()) {
                assertSame(loader, c.getClassLoader());
            }
        }
    }

    private CoreClassLoader newLoader() throws IOException {
        CoreClassLoader loader = new CoreClassLoader(jar, null);
        opened.add(loader);
        return loader;
    }

    private static String stored(String path) {
        return path.endsWith(".class") ? path.substring(0, path.length() - ".class".length()) + CoreClassLoader.CLASS_SUFFIX : path;
    }

    private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        if (bytes != null) {
            ((OutputStream) out).write(bytes);
        }
        out.closeEntry();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        assertNotNull(in);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes.write(buffer, 0, n);
            }
            return bytes.toByteArray();
        } finally {
            in.close();
        }
    }
}
