package dev.rasp.core.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

import java.lang.ref.SoftReference;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
 *
 * <p>The descriptions are dropped once no class has been transformed for a while ({@link #RELEASE_NANOS}):
 * they serve start-up, when thousands of classes load in a burst, and soft references alone would keep
 * them for the life of a JVM with heap to spare (about 4 MB of a Spring Boot application's live heap
 * after load, mostly method and parameter tokens). A class loaded later reads what it needs again.
 *
 * <p>The JDK's types loaded when the transformer was installed come from {@link LoadedJdkTypePool},
 * the pools' parent, described from their classes instead of read from the JDK's image.
 */
public final class TypePoolCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {

    /** {@code -Drasp.debug.typepool=off}: a fresh pool per class as before, to compare start-up times. */
    private static final boolean ENABLED = !"off".equals(System.getProperty("rasp.debug.typepool"));

    /**
     * How long the descriptions stay after the last transformation that used them;
     * {@code -Drasp.debug.typepool.release_seconds=0} keeps them (as soft references) to compare.
     */
    static final long RELEASE_NANOS = TimeUnit.SECONDS.toNanos(releaseSeconds());

    private static final List<TypePoolCache> ALL = new CopyOnWriteArrayList<TypePoolCache>();
    private static final AtomicBoolean SWEEPER = new AtomicBoolean();

    private static long releaseSeconds() {
        try {
            return Math.max(0L, Long.parseLong(System.getProperty("rasp.debug.typepool.release_seconds", "10").trim()));
        } catch (NumberFormatException e) {
            return 10L;
        }
    }

    /**
     * The pool strategy of the agent's AgentBuilder (type matching, transformation); the JDK's types
     * loaded at install come from {@code jdk} ({@code -Drasp.debug.jdktypes=read} reads their class
     * files as before, to compare).
     */
    public static AgentBuilder.PoolStrategy forTypes(JdkTypes jdk) {
        return ENABLED ? new TypePoolCache(JdkTypes.READ_THROUGH_LOADERS ? null : jdk) : AgentBuilder.PoolStrategy.Default.FAST;
    }

    private final Map<ClassLoader, TypePool.CacheProvider> byLoader =
            Collections.synchronizedMap(new WeakHashMap<ClassLoader, TypePool.CacheProvider>());
    private final TypePool.CacheProvider boot = new FoundOnly();

    /** System.nanoTime() of the last {@link #locate} (one per transformed or matched class). */
    private volatile long lastUse = System.nanoTime();
    /** Whether something may be cached since the last release (so an idle cache is cleared once). */
    private volatile boolean holding;

    /** The JDK's loaded types, served from their classes; null to read every class file. */
    private final JdkTypes jdk;

    private TypePoolCache(JdkTypes jdk) {
        super(TypePool.Default.ReaderMode.FAST);
        this.jdk = jdk;
        if (RELEASE_NANOS > 0) {
            ALL.add(this);
            startSweeper();
        }
    }

    /**
     * One daemon thread for all caches, started with the first (at agent start, on the thread that
     * installs the agent): it wakes a few times per release period and clears the caches idle for
     * longer. It holds no application class loader (no context loader).
     */
    private static void startSweeper() {
        if (!SWEEPER.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(200), RELEASE_NANOS / 4);
                try {
                    while (true) {
                        TimeUnit.NANOSECONDS.sleep(tick);
                        long now = System.nanoTime();
                        for (TypePoolCache cache : ALL) {
                            cache.releaseIfIdle(now);
                        }
                    }
                } catch (InterruptedException e) {
                    // the JVM is going down, or someone stopped us: the caches stay soft
                } catch (Throwable failure) {
                    // never let a failure here reach the application; the caches stay soft
                }
            }
        }, "rasp-typepool-release");
        t.setDaemon(true);
        t.setContextClassLoader(null);
        t.start();
    }

    /** Clears the descriptions when no class used them for {@link #RELEASE_NANOS}; true when it did. */
    boolean releaseIfIdle(long now) {
        if (!holding || now - lastUse < RELEASE_NANOS) {
            return false;
        }
        holding = false;
        boot.clear();
        byLoader.clear();
        return true;
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader) {
        if (jdk == null) {
            return super.typePool(classFileLocator, classLoader);
        }
        return new TypePool.LazyFacade(new TypePool.Default.WithLazyResolution(locate(classLoader), classFileLocator,
                readerMode, new LoadedJdkTypePool(jdk, null), lazinessMode));
    }

    /** As ByteBuddy's, with the loaded JDK types as parent; the named type (the one transformed) is read from its class file. */
    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader, String name) {
        if (jdk == null) {
            return super.typePool(classFileLocator, classLoader, name);
        }
        return new TypePool.LazyFacade(new TypePool.Default.WithLazyResolution(
                new TypePool.CacheProvider.Discriminating(ElementMatchers.<String>is(name), new TypePool.CacheProvider.Simple(),
                        locate(classLoader)),
                classFileLocator, readerMode, new LoadedJdkTypePool(jdk, name), lazinessMode));
    }

    @Override
    protected TypePool.CacheProvider locate(ClassLoader classLoader) {
        lastUse = System.nanoTime();
        holding = true;
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
