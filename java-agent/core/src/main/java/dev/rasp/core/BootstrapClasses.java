package dev.rasp.core;

import dev.rasp.core.instrumentation.ClassFiles;
import org.objectweb.asm.ClassReader;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the bridge (the bootstrap module, package dev.rasp.bootstrap) into the boot loader by defining
 * each of its classes there, instead of appending a jar to the boot class path. The class files are
 * read from rasp.jar's entries ({@code inst/bootstrap/**.classdata}, packed by the agent module's
 * build); nothing is extracted, except for the fallback's jar ({@link #extractJar}).
 *
 * <p>Why: once the boot class path is appended at run time (Instrumentation
 * .appendToBootstrapClassLoaderSearch, and ByteBuddy's UsingInstrumentation, which does the same with a
 * temporary jar), the JVM stops sharing (CDS) every class outside the boot loader and says so
 * ("Sharing is only supported for boot loader classes because bootstrap classpath has been
 * appended"): the application starts slower and a user's AppCDS archive goes unused. A class defined
 * in the boot loader leaves its path as it was.
 *
 * <p>How: {@code jdk.internal.misc.Unsafe.defineClass} with no loader (Java 9 to 25 at least), its
 * package exported to this loader's unnamed module alone through Instrumentation.redefineModule;
 * {@code sun.misc.Unsafe.defineClass} on Java 8. Not ByteBuddy's UsingUnsafe: on Java 17+ it flips
 * access flags with {@code sun.misc.Unsafe}'s memory methods, which JDK 24+ warns about.
 *
 * <p>The boot loader has no path to find these classes on later, so all of them are defined now
 * (inner and anonymous classes too), each supertype before its subtypes: defining a class loads
 * its superclass and interfaces.
 */
final class BootstrapClasses {

    static final String PACKAGE_PATH = "dev/rasp/bootstrap/";
    /** Where rasp.jar holds the bridge: class files renamed so that no class path finds them. */
    static final String ENTRY_PREFIX = "inst/bootstrap/";
    static final String CLASS_SUFFIX = ".classdata";
    private static final String BRIDGE = "dev.rasp.bootstrap.RaspBridge";
    private static final String UNSAFE_PACKAGE = "jdk.internal.misc";

    private BootstrapClasses() {
    }

    /**
     * @return the number of classes defined (0 when another copy of the agent already defined them)
     * @param agentJar rasp.jar
     * @throws Exception when the JVM offers no way to define them (the caller appends a jar instead)
     */
    static int define(Instrumentation instrumentation, String agentJar) throws Exception {
        if (inBootLoader(BRIDGE)) {
            return 0;
        }
        Map<String, byte[]> classes;
        try (JarFile jar = new JarFile(agentJar, false)) {
            classes = read(jar);
        }
        List<String> order = definitionOrder(classes);
        Object unsafe;
        Method defineClass;
        if (javaModules()) {
            Class<?> unsafeType = Class.forName(UNSAFE_PACKAGE + ".Unsafe");
            JavaModules.grant(instrumentation, unsafeType, BootstrapClasses.class, false);
            unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
            defineClass = unsafeType.getMethod("defineClass",
                    String.class, byte[].class, int.class, int.class, ClassLoader.class, ProtectionDomain.class);
        } else {
            Class<?> unsafeType = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeType.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            unsafe = theUnsafe.get(null);
            defineClass = unsafeType.getMethod("defineClass",
                    String.class, byte[].class, int.class, int.class, ClassLoader.class, ProtectionDomain.class);
        }
        for (String name : order) {
            byte[] bytes = classes.get(name);
            // No loader: the boot loader. No protection domain: like every boot class.
            try {
                defineClass.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("defining " + name + ": " + e.getCause(), e.getCause());
            }
        }
        if (!inBootLoader(BRIDGE)) {
            throw new IllegalStateException(BRIDGE + " is not in the boot loader after its definition");
        }
        return order.size();
    }

    /**
     * Binary name to class file, for every class under rasp.jar's {@link #ENTRY_PREFIX}; a resource
     * there would be lost, so it fails, and so does a rasp.jar without the bridge.
     */
    static Map<String, byte[]> read(JarFile agentJar) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (Enumeration<JarEntry> entries = agentJar.entries(); entries.hasMoreElements(); ) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (entry.isDirectory() || !name.startsWith(ENTRY_PREFIX)) {
                continue;
            }
            String path = name.substring(ENTRY_PREFIX.length());
            if (!path.startsWith(PACKAGE_PATH) || !path.endsWith(CLASS_SUFFIX)) {
                throw new IllegalStateException(name + ": only classes of " + PACKAGE_PATH
                        + " can be defined in the boot loader");
            }
            try (InputStream in = agentJar.getInputStream(entry)) {
                classes.put(path.substring(0, path.length() - CLASS_SUFFIX.length()).replace('/', '.'), ClassFiles.drain(in));
            }
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException(agentJar.getName() + " holds no bridge classes under " + ENTRY_PREFIX);
        }
        return classes;
    }

    /**
     * For the fallback alone (a JVM where neither defineClass works): the boot class path takes
     * only a real jar, so the bridge's classes are written into one, in a fresh owner-only
     * directory, both deleted when the JVM exits (not if it is killed).
     *
     * @return the written jar
     */
    static File extractJar(String agentJar) throws IOException {
        Map<String, byte[]> classes;
        try (JarFile jar = new JarFile(agentJar, false)) {
            classes = read(jar);
        }
        Path dir = Files.createTempDirectory("rasp-bootstrap-"); // owner-only on POSIX file systems
        dir.toFile().deleteOnExit(); // registered first, so deleted after the jar
        File target = dir.resolve("rasp-bootstrap.jar").toFile();
        target.deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target.toPath()))) {
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                out.putNextEntry(new JarEntry(c.getKey().replace('.', '/') + ".class"));
                out.write(c.getValue());
                out.closeEntry();
            }
        }
        return target;
    }

    /** The names in an order where each class comes after its superclass and interfaces among them. */
    static List<String> definitionOrder(Map<String, byte[]> classes) {
        List<String> order = new ArrayList<>(classes.size());
        Set<String> visited = new HashSet<>();
        for (String name : classes.keySet()) {
            visit(name, classes, visited, order);
        }
        return order;
    }

    private static void visit(String name, Map<String, byte[]> classes, Set<String> visited, List<String> order) {
        if (!classes.containsKey(name) || !visited.add(name)) {
            return; // a JDK type, or already placed (the class file format forbids cycles)
        }
        ClassReader reader = new ClassReader(classes.get(name));
        if (reader.getSuperName() != null) {
            visit(reader.getSuperName().replace('/', '.'), classes, visited, order);
        }
        for (String type : reader.getInterfaces()) {
            visit(type.replace('/', '.'), classes, visited, order);
        }
        order.add(name);
    }

    private static boolean javaModules() {
        try {
            Class.forName("java.lang.Module");
            return true;
        } catch (ClassNotFoundException java8) {
            return false;
        }
    }

    private static boolean inBootLoader(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
