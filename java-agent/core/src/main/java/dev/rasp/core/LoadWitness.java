package dev.rasp.core;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which classes the JVM showed to the agent's transformers as they loaded, from the install until
 * {@link LoadedClassPass} has caught up: what tells a class loaded through the transformer from one
 * that straddled the install.
 *
 * <p>Why: the JVM shows a class to the transformers registered at the moment its load hook runs,
 * which is before the class is defined; {@link Instrumentation#getAllLoadedClasses} lists it only
 * once it is defined. A class whose load hook ran just before the transformer was added and whose
 * definition ended just after the snapshot of the loaded classes was therefore in neither: not
 * woven at load, not retransformed by the pass, unhooked for the life of the JVM. At {@code premain}
 * only the JVM's own threads load classes meanwhile; at the starter's attach the application's do,
 * thousands of classes while the agent installs. A class loaded after the snapshot that this witness
 * did not see is such a class, and the pass retransforms it.
 *
 * <p>Registered right after the agent's transformer, so that a load it saw was also shown to that
 * transformer (same JVM call, a later snapshot of the registrations). A class shown to the agent's
 * transformer but not to the witness (loaded between the two registrations) counts as unseen: it is
 * retransformed once more, from its original bytes, to the same result.
 */
final class LoadWitness implements ClassFileTransformer {

    private final Map<Load, Boolean> seen = new ConcurrentHashMap<Load, Boolean>();

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (classBeingRedefined == null && className != null) {
            seen.put(new Load(loader, className), Boolean.TRUE);
        }
        return null; // the class is left as it is: this transformer only watches
    }

    /** Whether the JVM showed this class to the transformers as it loaded, since this witness was registered. */
    boolean saw(Class<?> type) {
        return seen.containsKey(new Load(type.getClassLoader(), type.getName().replace('.', '/')));
    }

    int size() {
        return seen.size();
    }

    /** A class as the JVM names it at load: its defining loader (by identity) and its internal name. */
    private static final class Load {
        private final ClassLoader loader;
        private final String name;

        Load(ClassLoader loader, String name) {
            this.loader = loader;
            this.name = name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Load && ((Load) o).loader == loader && ((Load) o).name.equals(name);
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(loader) + name.hashCode();
        }
    }
}
