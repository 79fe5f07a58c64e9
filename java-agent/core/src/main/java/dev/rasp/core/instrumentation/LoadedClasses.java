package dev.rasp.core.instrumentation;

/**
 * Which class a class loader has already loaded under a name: the JVM's own record
 * ({@code ClassLoader.findLoadedClass}), asked without loading anything.
 *
 * <p>Why: the pre-filter and the type matchers walk the super types of the classes being loaded
 * ({@link TypeHierarchy}), and a super type not yet known was read from its class file, which on
 * a Spring Boot application means inflating it out of a nested jar. About half of those super
 * types (360 of 703 at the Spring test application's start) are loaded already by the time a
 * subclass names them: such a type is described from its {@code Class}, whose super types are
 * loaded too, so nothing is read or loaded, and what is described is what the loader defined
 * rather than what its jar serves.
 *
 * <p>What the answer means: {@code findLoadedClass} returns a class only when the JVM recorded the
 * loader as its defining or initiating loader, and the JVM resolves that name in that loader to
 * that class from then on (its loader constraints). A type the loader has not loaded yet, or
 * loaded through a parent without the JVM recording it, is "not known" and is read from its class
 * file as before. The method is protected; the agent asks it through the native library
 * ({@code Engine.loadedClass}, a JNI call, which the language's access checks do not apply to: from
 * Java it would take opening {@code java.lang}, which JDK 9 to 15 answer with an illegal-access
 * warning on the application's console). When the lookup fails, the type counts as not loaded.
 */
public final class LoadedClasses {

    /** The JVM's answer for one loader and binary name: the class, or null. */
    public interface Lookup {
        Class<?> find(ClassLoader loader, String binaryName);
    }

    /**
     * {@code -Drasp.debug.loadedtypes=read}: no loaded class is asked for, every super type is read
     * from its class file as before, to compare (benches/startup/transformed, start-up runs).
     */
    static final boolean READ_THROUGH_CLASS_FILES = "read".equals(System.getProperty("rasp.debug.loadedtypes"));

    /** Knows no loaded class: every super type is read from its class file. */
    public static final LoadedClasses NONE = new LoadedClasses(null);

    private final Lookup lookup;

    private LoadedClasses(Lookup lookup) {
        this.lookup = lookup;
    }

    /** The loaded classes {@code lookup} finds ({@link #NONE} with {@code -Drasp.debug.loadedtypes=read}). */
    public static LoadedClasses of(Lookup lookup) {
        return READ_THROUGH_CLASS_FILES || lookup == null ? NONE : new LoadedClasses(lookup);
    }

    /**
     * The class {@code loader} has loaded under this internal name, or null when it has not (or
     * cannot be asked: the boot loader, a failure).
     */
    Class<?> find(ClassLoader loader, String internalName) {
        if (lookup == null || loader == null) {
            return null;
        }
        try {
            return lookup.find(loader, internalName.replace('/', '.'));
        } catch (Throwable t) {
            return null;
        }
    }
}
