package dev.rasp.core.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

import java.lang.ref.SoftReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * ByteBuddy's type descriptions kept per class loader across classes. Without it every class that
 * reaches ByteBuddy gets a fresh type pool: its matchers ({@code hasSuperType}, {@code declaresMethod})
 * and the method graph of each transformation parse every super type's class file again, read
 * through the class loader (slow for Spring Boot's nested jars), and each advised class re-reads
 * and re-parses the advice classes. A JFR profile of a Spring Boot start had about half of
 * ByteBuddy's transformer samples in that parsing.
 *
 * <p>Only types that were found are kept: a name that no loader served (a class generated at
 * run time and not defined yet) is asked again next time, so a later definition of it is seen.
 * Loaders are held weakly (a redeployed web application's loader can go), and each loader's
 * descriptions softly (the JVM may drop them under memory pressure; they are then read again).
 * A description is the class file as first read: a retransformation (the agent's own advice adds
 * no member) or another agent's change to the class does not change which of our matchers apply.
 */
public final class TypePoolCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {

    /** {@code -Drasp.debug.typepool=off}: a fresh pool per class as before, to compare start-up times. */
    private static final boolean ENABLED = !"off".equals(System.getProperty("rasp.debug.typepool"));

    /**
     * Advice classes are resolved in a pool of their own (the advice loader's files plus the
     * instrumented class's loader), kept apart from the matchers' pool so that neither sees a type
     * the other's class file locator would not serve.
     */
    private static final AgentBuilder.PoolStrategy ADVICE = ENABLED ? new TypePoolCache() : AgentBuilder.PoolStrategy.Default.FAST;

    /** The pool strategy of the agent's AgentBuilder (type matching, transformation). */
    public static AgentBuilder.PoolStrategy forTypes() {
        return ENABLED ? new TypePoolCache() : AgentBuilder.PoolStrategy.Default.FAST;
    }

    /** The pool strategy of every {@code AgentBuilder.Transformer.ForAdvice}. */
    public static AgentBuilder.PoolStrategy forAdvice() {
        return ADVICE;
    }

    private final Map<ClassLoader, TypePool.CacheProvider> byLoader =
            Collections.synchronizedMap(new WeakHashMap<ClassLoader, TypePool.CacheProvider>());
    private final TypePool.CacheProvider boot = new FoundOnly();

    private TypePoolCache() {
        super(TypePool.Default.ReaderMode.FAST);
    }

    @Override
    protected TypePool.CacheProvider locate(ClassLoader classLoader) {
        if (classLoader == null) {
            return boot;
        }
        TypePool.CacheProvider cache = byLoader.get(classLoader);
        if (cache == null) {
            synchronized (byLoader) {
                cache = byLoader.get(classLoader);
                if (cache == null) {
                    cache = new FoundOnly();
                    byLoader.put(classLoader, cache);
                }
            }
        }
        return cache;
    }

    /** Remembers resolved types only, in a map the garbage collector may clear. */
    static final class FoundOnly implements TypePool.CacheProvider {
        private volatile SoftReference<ConcurrentMap<String, TypePool.Resolution>> ref =
                new SoftReference<ConcurrentMap<String, TypePool.Resolution>>(
                        new ConcurrentHashMap<String, TypePool.Resolution>());

        private ConcurrentMap<String, TypePool.Resolution> map() {
            ConcurrentMap<String, TypePool.Resolution> m = ref.get();
            if (m == null) {
                m = new ConcurrentHashMap<String, TypePool.Resolution>();
                ref = new SoftReference<ConcurrentMap<String, TypePool.Resolution>>(m);
            }
            return m;
        }

        @Override
        public TypePool.Resolution find(String name) {
            ConcurrentMap<String, TypePool.Resolution> m = ref.get();
            return m == null ? null : m.get(name);
        }

        @Override
        public TypePool.Resolution register(String name, TypePool.Resolution resolution) {
            if (!resolution.isResolved()) {
                return resolution;
            }
            TypePool.Resolution previous = map().putIfAbsent(name, resolution);
            return previous == null ? resolution : previous;
        }

        @Override
        public void clear() {
            ConcurrentMap<String, TypePool.Resolution> m = ref.get();
            if (m != null) {
                m.clear();
            }
        }
    }
}
