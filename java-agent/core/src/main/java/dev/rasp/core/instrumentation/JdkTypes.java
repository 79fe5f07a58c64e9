package dev.rasp.core.instrumentation;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which types are the JDK's, and which of them were loaded when the transformer was installed.
 *
 * <p>Both the pre-filter and the type matchers ask about the super types of every candidate
 * class, and most of those are the JDK's ({@code Object}, {@code Serializable}, the collections,
 * {@code java.util.concurrent}). Reading their class files from the JDK's image maps its pages into
 * the process, where they stay: with the JVM's fault-around every read brings 64 KiB of
 * {@code lib/modules}, about 5 MiB of a Spring Boot application's resident set. A JDK type that
 * was already loaded can be described from its {@code Class} instead: its super types are loaded
 * too, so {@code getSuperclass()} and {@code getInterfaces()} load nothing.
 *
 * <p>Nearly every JDK type an application class extends or implements is loaded by the time the
 * transformer is installed; one loaded later is read from its class file as before. The snapshot
 * is taken once ({@link #know}), so this holds no lock and no class of an application loader.
 */
public final class JdkTypes {

    /**
     * {@code -Drasp.debug.jdktypes=read}: the JDK's class files are read through the class loaders,
     * not from the JDK's image ({@link JdkImage}), to compare.
     */
    static final boolean READ_THROUGH_LOADERS = "read".equals(System.getProperty("rasp.debug.jdktypes"));

    /** The platform class loader (Java 9+), or null on Java 8, where only the boot loader defines the JDK. */
    static final ClassLoader PLATFORM = platformLoader();
    /**
     * The packages of the boot layer's modules that the boot and platform loaders define (the JDK's;
     * an application launched with {@code --module-path} has modules of the application loader in
     * that layer too, which stay per loader), internal form; empty on Java 8, where only
     * {@code java/} counts.
     */
    private static final Map<String, String> PACKAGES = packages();

    /** Binary name to the loaded class, for the JDK's classes loaded at {@link #know}. */
    private volatile Map<String, Class<?>> loaded = Collections.emptyMap();

    /**
     * Whether the type of this internal name is the JDK's: in {@code java/} or in another package of
     * a module of the boot layer ({@code javax/sql}, {@code org/xml/sax}, {@code jdk/internal}...).
     * Any class loader that delegates as the JDK's and the usual containers' loaders do sees the
     * JDK's class under such a name, so what is known of it holds for all loaders.
     */
    static boolean isJdk(String internalName) {
        if (internalName.startsWith("java/")) {
            return true;
        }
        int slash = internalName.lastIndexOf('/');
        return slash > 0 && PACKAGES.containsKey(internalName.substring(0, slash));
    }

    /** The name of the JDK module of a JDK type's package ({@code java.base}), or null when it is not the JDK's. */
    static String moduleOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash > 0 ? PACKAGES.get(internalName.substring(0, slash)) : null;
    }

    static boolean isJdkLoader(ClassLoader loader) {
        return loader == null || loader == PLATFORM;
    }

    /** Remembers the JDK's classes among these (the snapshot of the loaded classes at install). */
    public void know(Class<?>[] snapshot) {
        Map<String, Class<?>> jdk = new HashMap<String, Class<?>>();
        for (Class<?> type : snapshot) {
            try {
                if (type.isArray() || type.isPrimitive() || !isJdkLoader(type.getClassLoader())) {
                    continue;
                }
                String name = type.getName();
                if (isJdk(name.replace('.', '/'))) {
                    jdk.put(name, type);
                }
            } catch (Throwable ignored) {
                // a class that cannot say its name or loader: read as before
            }
        }
        loaded = jdk;
    }

    /** The loaded JDK class of this binary name ({@code java.util.List}), or null: not the JDK's, or not loaded at {@link #know}. */
    Class<?> loaded(String binaryName) {
        return loaded.get(binaryName);
    }

    /** How many JDK classes are known as loaded. */
    int size() {
        return loaded.size();
    }

    /**
     * The top of the system loader's chain when it is the JDK's platform loader; reflection on
     * {@code ClassLoader.getPlatformClassLoader()} (Java 9 API, the core is Java 8 bytecode) only for
     * a chain that ends elsewhere. The reflective call of that caller-sensitive method cost 7-9 ms of
     * {@code premain} in a fresh JVM (its annotations parsed); the launcher finds the loader the same
     * way for the same reason ({@code RaspAgent.platformLoader}).
     */
    private static ClassLoader platformLoader() {
        if (System.getProperty("java.specification.version", "").startsWith("1.")) {
            return null;
        }
        ClassLoader top = ClassLoader.getSystemClassLoader();
        while (top != null && top.getParent() != null) {
            top = top.getParent();
        }
        if (top != null && "jdk.internal.loader.ClassLoaders$PlatformClassLoader".equals(top.getClass().getName())) {
            return top;
        }
        try {
            return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
        } catch (Exception | LinkageError java8) {
            return null;
        }
    }

    /** Package (internal form) to the name of its module. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> packages() {
        Map<String, String> packages = new HashMap<String, String>();
        try {
            // Java 9+ API, by reflection: the core is Java 8 bytecode
            Object layer = Class.forName("java.lang.ModuleLayer").getMethod("boot").invoke(null);
            Class<?> moduleType = Class.forName("java.lang.Module");
            Method getPackages = moduleType.getMethod("getPackages");
            Method getClassLoader = moduleType.getMethod("getClassLoader");
            Method getName = moduleType.getMethod("getName");
            for (Object module : (Set<Object>) layer.getClass().getMethod("modules").invoke(layer)) {
                Object loader = getClassLoader.invoke(module);
                if (loader != null && loader != PLATFORM) {
                    continue;
                }
                String name = (String) getName.invoke(module);
                for (String p : (Set<String>) getPackages.invoke(module)) {
                    packages.put(p.replace('.', '/'), name);
                }
            }
        } catch (Exception | LinkageError e) {
            packages.clear();
        }
        return packages;
    }
}
