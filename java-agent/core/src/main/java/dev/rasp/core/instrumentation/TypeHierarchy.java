package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.SuperTypes;

import java.net.URL;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The direct super types of the types named by the classes being loaded, per class loader, read
 * from class files without loading anything and remembered: what the pre-filter ({@link TypePrefilter})
 * walks to find a key name in a class's hierarchy, and what the type matchers'
 * {@code hasSuperType} walks afterwards for the few classes the pre-filter passes, so a super type's
 * class file is read at most once per loader for both.
 *
 * <p>Where a super type's class file is looked for: the JDK's types (for all loaders at once) on
 * their loaded class when the JDK had loaded it at the agent's start ({@link JdkTypes}), else in the
 * JDK's image ({@link JdkImage}); any other type first in the jar of the class that names it
 * ({@link ClassFileHome}), then as its loader serves it. A type whose class file cannot be had
 * (generated at run time) is remembered as unreadable. Before any of that, a type its loader has
 * loaded already is described from its loaded class ({@link LoadedClasses}): nothing is read.
 */
public final class TypeHierarchy {

    /** A type's direct super types (null: unreadable) and the jar to look in first for theirs. */
    static final class Node {
        static final Node UNREADABLE = new Node(null, null);

        final String[] supers;
        final ClassFileHome home;

        Node(String[] supers, ClassFileHome home) {
            this.supers = supers;
            this.home = home;
        }
    }

    private final PerLoader<Node> byLoader = new PerLoader<Node>();
    /** java.* and the JDK's other packages, which only the boot and platform loaders define: one map for all loaders. */
    private final Map<String, Node> jdk = new ConcurrentHashMap<String, Node>();
    private final ClassFiles.Source jdkClassFiles = JdkImage.classFiles();
    private final JdkTypes jdkTypes;
    private final LoadedClasses loadedClasses;
    /** Types described from their loaded class instead of a class file (start-up figures). */
    private final AtomicLong loadedReads = new AtomicLong();
    /** Class files read through their loader, of them from the jar of the class naming them, and the time (start-up figures). */
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong homeReads = new AtomicLong();
    private final AtomicLong packageReads = new AtomicLong();
    /**
     * Per loader, the jar a type of each package was last found in through the loader: a super type
     * not in the jar of the class naming it is looked for there before the loader searches its
     * whole class path (about 0.2 ms a search on a Spring Boot application's ~100 nested jars).
     * What this assumes is what {@link ClassFileHome} assumes: a type found in that jar is the one
     * the loader defines; a package split over several jars finds its other types through the loader.
     */
    private final PerLoader<ClassFileHome> packageHomes = new PerLoader<ClassFileHome>();
    private final AtomicLong readNanos = new AtomicLong();

    public TypeHierarchy(JdkTypes jdkTypes) {
        this(jdkTypes, LoadedClasses.NONE);
    }

    /** As {@link #TypeHierarchy(JdkTypes)}, describing the types a loader has loaded from their classes. */
    public TypeHierarchy(JdkTypes jdkTypes, LoadedClasses loadedClasses) {
        this.jdkTypes = jdkTypes;
        this.loadedClasses = loadedClasses;
    }

    /** The super types of the types a class of this loader (from this jar, or null) names. */
    SuperTypes of(final ClassLoader loader, final ClassFileHome home) {
        return new SuperTypes() {
            @Override
            public String[] of(String internalName) {
                return node(loader, internalName, home).supers;
            }
        };
    }

    /** As {@link #of(ClassLoader, ClassFileHome)} for a class of this protection domain. */
    public SuperTypes of(ClassLoader loader, java.security.ProtectionDomain domain) {
        return of(loader, ClassFileHome.of(domain));
    }

    /** The type of this internal name as the loader sees it, read once. */
    Node node(ClassLoader loader, String name, ClassFileHome home) {
        boolean isJdk = JdkTypes.isJdk(name);
        Map<String, Node> known = isJdk ? jdk : byLoader.of(loader);
        Node n = known.get(name);
        if (n == null) {
            n = isJdk ? readJdk(name) : read(loader, name, home);
            known.put(name, n);
        }
        return n;
    }

    /**
     * A loaded class's own class file as at load: from its jar first, then its loader (the JDK's
     * from its image); null for a class defined with no code source (generated at run time: a
     * loader's fruitless search of its whole chain would cost more than describing it otherwise).
     */
    public byte[] classFileOf(Class<?> type) {
        String resource = internalName(type) + ".class";
        try {
            java.security.ProtectionDomain domain = type.getProtectionDomain();
            ClassLoader loader = type.getClassLoader();
            if (loader != null && (domain.getCodeSource() == null || domain.getCodeSource().getLocation() == null)) {
                return null;
            }
            ClassFileHome home = ClassFileHome.of(domain);
            byte[] classFile = home == null ? null : home.read(resource);
            if (classFile != null) {
                return classFile;
            }
            return JdkTypes.isJdkLoader(loader) ? jdkClassFiles.classFile(type.getName())
                    : ClassFiles.read(loader, type.getName());
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    private Node readJdk(String name) {
        Class<?> loaded = jdkTypes.loaded(name.replace('/', '.'));
        if (loaded != null) {
            return new Node(SuperTypes.names(loaded), null);
        }
        long t0 = System.nanoTime();
        try {
            byte[] classFile = jdkClassFiles.classFile(name.replace('/', '.'));
            return classFile != null ? node(classFile, null) : Node.UNREADABLE;
        } catch (Exception | LinkageError e) {
            return Node.UNREADABLE;
        } finally {
            counted(t0);
        }
    }

    private Node read(ClassLoader loader, String name, ClassFileHome home) {
        Class<?> loaded = loadedClasses.find(loader, name);
        if (loaded != null) {
            // its super types are loaded too, and found the same way when the JVM recorded this loader
            // for them; one it did not (the class came through a parent) is read, first from this
            // class's jar, as for a class file read
            loadedReads.incrementAndGet();
            return new Node(SuperTypes.names(loaded), homeOf(loaded));
        }
        long t0 = System.nanoTime();
        try {
            String resource = name + ".class";
            byte[] classFile = home == null ? null : home.read(resource);
            if (classFile != null) {
                homeReads.incrementAndGet();
                return node(classFile, home);
            }
            if (loader == null) {
                return Node.UNREADABLE; // a boot class outside the JDK's packages: none the modules name
            }
            String pkg = packageOf(name);
            ClassFileHome packageHome = packageHomes.get(loader, pkg);
            if (packageHome != null && packageHome != home) {
                classFile = packageHome.read(resource);
                if (classFile != null) {
                    packageReads.incrementAndGet();
                    return node(classFile, packageHome);
                }
            }
            URL url = loader.getResource(resource);
            if (url == null) {
                // a loader may serve class files by getResourceAsStream alone
                classFile = ClassFiles.read(loader, name.replace('/', '.'));
                return classFile != null ? node(classFile, null) : Node.UNREADABLE;
            }
            ClassFileHome found = ClassFileHome.of(url);
            if (found != null) {
                packageHomes.of(loader).put(pkg, found);
            }
            classFile = found != null ? found.read(resource) : null;
            if (classFile == null) {
                classFile = ClassFileHome.readAll(url);
            }
            return node(classFile, found);
        } catch (Exception | LinkageError e) {
            return Node.UNREADABLE;
        } finally {
            counted(t0);
        }
    }

    private static ClassFileHome homeOf(Class<?> type) {
        try {
            return ClassFileHome.of(type.getProtectionDomain());
        } catch (RuntimeException e) {
            return null; // a security manager that refuses: the loader is asked instead
        }
    }

    private void counted(long t0) {
        readNanos.addAndGet(System.nanoTime() - t0);
        reads.incrementAndGet();
    }

    private static Node node(byte[] classFile, ClassFileHome home) {
        ClassFileScan scan = ClassFileScan.of(classFile);
        return new Node(SuperTypes.names(scan.superName(), scan.interfaces()), home);
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    /**
     * How many super types' class files were read, how many of them from the jar of the class that
     * named them, in how many nanoseconds in all, how many from the jar their package was found
     * in before, and how many types were described from their loaded class instead (the start-up
     * figures of -Drasp.debug.startup).
     */
    public long[] readStats() {
        return new long[] {reads.get(), homeReads.get(), readNanos.get(), packageReads.get(), loadedReads.get()};
    }

    private static String internalName(Class<?> type) {
        return type.getName().replace('.', '/');
    }
}
