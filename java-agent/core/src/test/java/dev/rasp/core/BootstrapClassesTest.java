package dev.rasp.core;

import dev.rasp.bootstrap.RaspBridge;
import org.objectweb.asm.ClassReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The boot loader cannot look a bridge class up later: every one must be read from rasp.jar's
 * entries, in an order it can define.
 */
class BootstrapClassesTest {

    @TempDir
    Path tmp;

    @Test
    void everyBridgeClassIsReadAndEachSupertypeComesFirst() throws Exception {
        Map<String, byte[]> files = bridgeClassFiles();
        Path jar = agentJarWith(files);
        Map<String, byte[]> classes;
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            classes = BootstrapClasses.read(jarFile);
        }
        assertEquals(files.size(), classes.size(), "every class of the bootstrap module, the rest of rasp.jar left out");
        assertTrue(classes.containsKey("dev.rasp.bootstrap.RaspBridge"));
        assertTrue(classes.keySet().stream().anyMatch(n -> n.contains("$")), "inner and anonymous classes too");
        assertSupertypesFirst(classes, BootstrapClasses.definitionOrder(classes));
    }

    @Test
    void theOrderDoesNotDependOnTheJarOrder() throws Exception {
        Map<String, byte[]> files = bridgeClassFiles();
        List<String> paths = new ArrayList<>(files.keySet());
        Collections.reverse(paths);
        Map<String, byte[]> reversed = new LinkedHashMap<>();
        for (String path : paths) {
            reversed.put(path.substring(0, path.length() - ".class".length()).replace('/', '.'), files.get(path));
        }
        assertSupertypesFirst(reversed, BootstrapClasses.definitionOrder(reversed));
    }

    /** The fallback's jar: the same classes under their class file names, loadable from a class path. */
    @Test
    void theFallbackJarHoldsTheBridgeAsClassFiles() throws Exception {
        Map<String, byte[]> files = bridgeClassFiles();
        File extracted = BootstrapClasses.extractJar(agentJarWith(files).toString());
        try {
            try (JarFile jar = new JarFile(extracted)) {
                for (Map.Entry<String, byte[]> file : files.entrySet()) {
                    JarEntry entry = jar.getJarEntry(file.getKey());
                    assertTrue(entry != null, file.getKey() + " in " + extracted);
                    try (InputStream in = jar.getInputStream(entry)) {
                        assertArrayEquals(file.getValue(), readAll(in), file.getKey());
                    }
                }
                assertEquals(files.size(), Collections.list(jar.entries()).size(), "nothing else");
            }
            try (URLClassLoader loader = new URLClassLoader(new URL[] {extracted.toURI().toURL()}, null)) {
                assertEquals(loader, Class.forName("dev.rasp.bootstrap.RaspBridge", true, loader).getClassLoader());
            }
        } finally {
            Files.delete(extracted.toPath());
            Files.delete(extracted.toPath().getParent());
        }
    }

    @Test
    void aRaspJarWithoutTheBridgeIsRefused() throws Exception {
        Path jar = agentJarWith(Collections.<String, byte[]>emptyMap());
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> BootstrapClasses.read(jarFile));
            assertTrue(e.getMessage().contains("no bridge classes"), e.getMessage());
        }
    }

    @Test
    void aResourceInTheJarIsRefused() throws Exception {
        Path jar = tmp.resolve("with-resource.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(BootstrapClasses.ENTRY_PREFIX + "dev/rasp/bootstrap/messages.properties"));
            out.write("a=b".getBytes("UTF-8"));
            out.closeEntry();
        }
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> BootstrapClasses.read(jarFile));
            assertTrue(e.getMessage().contains("messages.properties"), e.getMessage());
        }
    }

    private static void assertSupertypesFirst(Map<String, byte[]> classes, List<String> order) {
        assertEquals(classes.size(), order.size(), "each class once");
        assertEquals(classes.keySet(), new HashSet<>(order));
        int ordered = 0;
        for (int i = 0; i < order.size(); i++) {
            ClassReader reader = new ClassReader(classes.get(order.get(i)));
            List<String> supertypes = new ArrayList<>(Arrays.asList(reader.getInterfaces()));
            supertypes.add(reader.getSuperName());
            for (String supertype : supertypes) {
                String name = supertype.replace('/', '.');
                if (classes.containsKey(name)) {
                    ordered++;
                    assertTrue(order.indexOf(name) < i, name + " must be defined before " + order.get(i));
                }
            }
        }
        assertTrue(ordered > 0, "the bridge has classes that extend or implement its own: the case being ordered");
    }

    /**
     * A jar laid out as rasp.jar: the bridge's class files renamed under inst/bootstrap/, next to a
     * core class, a resource and the launcher, which must all be left out.
     */
    private Path agentJarWith(Map<String, byte[]> files) throws IOException {
        Path jar = tmp.resolve("rasp-" + files.size() + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String other : Arrays.asList("dev/rasp/agent/RaspAgent.class", "inst/core/dev/rasp/core/AgentInstaller.classdata",
                    "inst/core/dev/rasp/core/agent-version.properties", "native/default.rules", BootstrapClasses.ENTRY_PREFIX)) {
                out.putNextEntry(new JarEntry(other));
                out.closeEntry();
            }
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                String path = file.getKey();
                out.putNextEntry(new JarEntry(BootstrapClasses.ENTRY_PREFIX
                        + path.substring(0, path.length() - ".class".length()) + BootstrapClasses.CLASS_SUFFIX));
                ((OutputStream) out).write(file.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toByteArray();
    }

    /** Path in the jar to bytes, from wherever the test class path has the bootstrap module (classes or jar). */
    private static Map<String, byte[]> bridgeClassFiles() throws IOException, URISyntaxException {
        Path location = Paths.get(RaspBridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, byte[]> files = new TreeMap<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> walk = Files.walk(location.resolve(BootstrapClasses.PACKAGE_PATH))) {
                for (Path p : walk.filter(Files::isRegularFile).collect(Collectors.toList())) {
                    files.put(location.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                }
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    if (!entry.isDirectory() && entry.getName().startsWith(BootstrapClasses.PACKAGE_PATH)) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                            byte[] buffer = new byte[8192];
                            for (int n; (n = in.read(buffer)) > 0; ) {
                                bytes.write(buffer, 0, n);
                            }
                            files.put(entry.getName(), bytes.toByteArray());
                        }
                    }
                }
            }
        }
        assertTrue(files.size() > 10, "bridge classes found at " + location);
        return files;
    }
}
