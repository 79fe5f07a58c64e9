package dev.rasp.core.instrumentation;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The parent of the agent's ByteBuddy type pools: the JDK's types that were loaded when the
 * transformer was installed ({@link JdkTypes}), described from their {@code Class} rather than
 * from their class files in the JDK's image.
 *
 * <p>What the agent's matchers ask of a super type is its name and its own super types
 * ({@code hasSuperType(named(...))}; {@code declaresMethod} and the method matchers look at the
 * matched class alone, and advice is woven by decoration, without a method graph). A
 * {@link Hierarchy} answers exactly that from {@code getSuperclass()}, {@code getInterfaces()} and
 * {@code getModifiers()}, which load nothing: a loaded class's super types are loaded. It does not
 * use {@code TypeDescription.ForLoadedType}, whose generic super types are parsed from signatures
 * that can name classes not loaded yet; loading a class from inside the transformer leaves that
 * class untransformed. Anything else (members, annotations, generic types) comes from the class
 * file, read as before the first time it is asked for.
 *
 * <p>The type being transformed is never served from here: its members are matched and woven.
 */
final class LoadedJdkTypePool implements TypePool {

    /** How many descriptions had to read their class file (the agent's own matchers never need it). */
    static final AtomicLong CLASS_FILE_READS = new AtomicLong();

    private final JdkTypes jdk;
    /** The binary name of the type being transformed, or null. */
    private final String transformed;

    LoadedJdkTypePool(JdkTypes jdk, String transformed) {
        this.jdk = jdk;
        this.transformed = transformed;
    }

    @Override
    public Resolution describe(String name) {
        Class<?> type = name.equals(transformed) ? null : jdk.loaded(name);
        return type == null ? new Resolution.Illegal(name) : new Resolution.Simple(new Hierarchy(type));
    }

    @Override
    public void clear() {
        // nothing cached here: the snapshot is JdkTypes'
    }

    /** A loaded class's name, modifiers and super types; the rest from its class file, when asked for. */
    static final class Hierarchy extends TypeDescription.AbstractBase.OfSimpleType.WithDelegation {
        private final Class<?> type;
        private volatile TypeDescription classFile;

        Hierarchy(Class<?> type) {
            this.type = type;
        }

        @Override
        public String getName() {
            return type.getName();
        }

        @Override
        public int getModifiers() {
            return type.getModifiers();
        }

        @Override
        public boolean isInterface() {
            return type.isInterface();
        }

        @Override
        public boolean isAnnotation() {
            return type.isAnnotation();
        }

        @Override
        public boolean isAbstract() {
            return java.lang.reflect.Modifier.isAbstract(type.getModifiers());
        }

        @Override
        public Generic getSuperClass() {
            Class<?> superclass = type.getSuperclass();
            return superclass == null ? Generic.UNDEFINED : new Generic.OfNonGenericType.ForErasure(new Hierarchy(superclass));
        }

        @Override
        public TypeList.Generic getInterfaces() {
            Class<?>[] interfaces = type.getInterfaces();
            List<Generic> described = new ArrayList<Generic>(interfaces.length);
            for (Class<?> i : interfaces) {
                described.add(new Generic.OfNonGenericType.ForErasure(new Hierarchy(i)));
            }
            return new TypeList.Generic.Explicit(described);
        }

        @Override
        protected TypeDescription delegate() {
            TypeDescription d = classFile;
            if (d == null) {
                CLASS_FILE_READS.incrementAndGet();
                ClassLoader loader = type.getClassLoader();
                ClassFileLocator locator = loader == null
                        ? ClassFileLocator.ForClassLoader.ofBootLoader()
                        : ClassFileLocator.ForClassLoader.of(loader);
                d = TypePool.Default.WithLazyResolution.of(locator).describe(type.getName()).resolve();
                classFile = d;
            }
            return d;
        }
    }
}
