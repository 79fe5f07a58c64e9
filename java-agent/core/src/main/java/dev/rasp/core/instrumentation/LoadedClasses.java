package dev.rasp.core.instrumentation;

import dev.rasp.core.JavaModules;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;

/**
 * Which class a class loader has already loaded under a name: the JVM's own record
 * ({@code ClassLoader.findLoadedClass}), asked without loading anything.
 *
 * <p>Why: the pre-filter and the type matchers walk the super types of the classes being loaded
 * ({@link TypeHierarchy}), and a super type not yet known was read from its class file, which on
 * a Spring Boot application means inflating it out of a nested jar. About half of those super
 * types (358 of 663 at the Spring test application's start) are loaded already by the time a
 * subclass names them: such a type is described from its {@code Class}, whose super types are
 * loaded too, so nothing is read or loaded, and what is described is what the loader defined
 * rather than what its jar serves.
 *
 * <p>What the answer means: {@code findLoadedClass} returns a class only when the JVM recorded the
 * loader as its defining or initiating loader, and the JVM resolves that name in that loader to
 * that class from then on (its loader constraints). A type the loader has not loaded yet, or
 * loaded through a parent without the JVM recording it, is "not known" and is read from its class
 * file as before. The method is protected in {@code java.lang.ClassLoader}: on Java 9 and later
 * {@code java.lang} is opened to the agent's own module alone ({@link JavaModules}); when that or
 * the lookup fails, nothing is ever known and every super type is read as before.
 */
public final class LoadedClasses {

    /**
     * {@code -Drasp.debug.loadedtypes=read}: no loaded class is asked for, every super type is read
     * from its class file as before, to compare (benches/startup/transformed, start-up runs).
     */
    static final boolean READ_THROUGH_CLASS_FILES = "read".equals(System.getProperty("rasp.debug.loadedtypes"));

    /** Knows no loaded class: every super type is read from its class file. */
    public static final LoadedClasses NONE = new LoadedClasses(null);

    /** {@code ClassLoader.findLoadedClass(String)}, or null. */
    private final MethodHandle findLoadedClass;

    private LoadedClasses(MethodHandle findLoadedClass) {
        this.findLoadedClass = findLoadedClass;
    }

    /**
     * The JVM's record of loaded classes, reachable through {@code instrumentation}; {@link #NONE}
     * with the reason in {@code refused} (one element) when it cannot be had.
     */
    public static LoadedClasses of(Instrumentation instrumentation, String[] refused) {
        if (READ_THROUGH_CLASS_FILES) {
            return NONE;
        }
        try {
            if (instrumentation != null && !System.getProperty("java.specification.version", "").startsWith("1.")) {
                JavaModules.grant(instrumentation, ClassLoader.class, LoadedClasses.class, true);
            }
            Method method = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
            method.setAccessible(true);
            return new LoadedClasses(MethodHandles.lookup().unreflect(method));
        } catch (Throwable t) {
            if (refused != null && refused.length > 0) {
                refused[0] = t.toString();
            }
            return NONE;
        }
    }

    /** Whether this one can ever know a loaded class. */
    public boolean available() {
        return findLoadedClass != null;
    }

    /**
     * The class {@code loader} has loaded under this internal name, or null when it has not (or
     * cannot be asked: the boot loader, a failure).
     */
    Class<?> find(ClassLoader loader, String internalName) {
        if (findLoadedClass == null || loader == null) {
            return null;
        }
        try {
            return (Class<?>) findLoadedClass.invokeExact(loader, internalName.replace('/', '.'));
        } catch (Throwable t) {
            return null;
        }
    }
}
