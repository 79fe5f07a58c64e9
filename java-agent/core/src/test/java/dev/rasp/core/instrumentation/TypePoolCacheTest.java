package dev.rasp.core.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TypePoolCacheTest {

    @Test
    void aTypeNoLocatorServesIsAskedAgainSoALaterDefinitionIsSeen() {
        Map<String, byte[]> files = new HashMap<String, byte[]>();
        ClassFileLocator generated = new ClassFileLocator() {
            @Override
            public Resolution locate(String name) {
                byte[] b = files.get(name);
                return b == null ? new Resolution.Illegal(name) : new Resolution.Explicit(b);
            }

            @Override
            public void close() {
            }
        };
        AgentBuilder.PoolStrategy strategy = TypePoolCache.forTypes(new JdkTypes());
        ClassLoader loader = new URLClassLoader(new URL[0], null);
        String name = TypePoolCacheTest.class.getName();
        assertFalse(strategy.typePool(generated, loader).describe(name).isResolved());
        // the class is defined now (generated at run time): the next pool of that loader sees it
        files.put(name, ClassFileLocator.ForClassLoader.read(TypePoolCacheTest.class));
        assertTrue(strategy.typePool(generated, loader).describe(name).isResolved());
    }

    @Test
    void aFoundTypeIsParsedOncePerLoader() {
        int[] reads = new int[1];
        ClassFileLocator counting = new ClassFileLocator() {
            private final ClassFileLocator real = ClassFileLocator.ForClassLoader.of(TypePoolCacheTest.class.getClassLoader());

            @Override
            public Resolution locate(String name) throws java.io.IOException {
                reads[0]++;
                return real.locate(name);
            }

            @Override
            public void close() {
            }
        };
        AgentBuilder.PoolStrategy strategy = TypePoolCache.forTypes(new JdkTypes());
        ClassLoader a = new URLClassLoader(new URL[0], null);
        ClassLoader b = new URLClassLoader(new URL[0], null);
        String name = TypePoolCacheTest.class.getName();
        assertTrue(strategy.typePool(counting, a).describe(name).isResolved());
        assertEquals(1, reads[0]);
        assertTrue(strategy.typePool(counting, a).describe(name).isResolved());
        assertEquals(1, reads[0], "the second pool of the same loader reuses the description");
        assertTrue(strategy.typePool(counting, b).describe(name).isResolved());
        assertEquals(2, reads[0], "another loader reads its own");
    }

    @Test
    void descriptionsAreDroppedOnceNoClassUsedThemForTheReleasePeriod() {
        int[] reads = new int[1];
        ClassFileLocator counting = new ClassFileLocator() {
            private final ClassFileLocator real = ClassFileLocator.ForClassLoader.of(TypePoolCacheTest.class.getClassLoader());

            @Override
            public Resolution locate(String name) throws java.io.IOException {
                reads[0]++;
                return real.locate(name);
            }

            @Override
            public void close() {
            }
        };
        TypePoolCache strategy = (TypePoolCache) TypePoolCache.forTypes(new JdkTypes());
        ClassLoader loader = new URLClassLoader(new URL[0], null);
        String name = TypePoolCacheTest.class.getName();
        assertTrue(strategy.typePool(counting, loader).describe(name).isResolved());
        long used = System.nanoTime();
        assertFalse(strategy.releaseIfIdle(used), "just used: kept");
        assertTrue(strategy.typePool(counting, loader).describe(name).isResolved());
        assertEquals(1, reads[0], "still cached");
        assertTrue(strategy.releaseIfIdle(System.nanoTime() + TypePoolCache.RELEASE_NANOS), "idle for the period: dropped");
        assertFalse(strategy.releaseIfIdle(System.nanoTime() + 2 * TypePoolCache.RELEASE_NANOS), "nothing held: nothing to drop");
        assertTrue(strategy.typePool(counting, loader).describe(name).isResolved());
        assertEquals(2, reads[0], "read again after the release");
        assertTrue(strategy.typePool(counting, loader).describe(name).isResolved());
        assertEquals(2, reads[0], "and cached again");
    }

    @Test
    void onlyResolvedTypesAreKept() {
        TypePool.CacheProvider cache = new TypePoolCache.FoundOnly();
        TypePool.Resolution missing = new TypePool.Resolution.Illegal("a.B");
        assertSame(missing, cache.register("a.B", missing));
        assertNull(cache.find("a.B"));
        TypePool.Resolution found = new TypePool.Resolution.Simple(
                net.bytebuddy.description.type.TypeDescription.ForLoadedType.of(Object.class));
        assertSame(found, cache.register("java.lang.Object", found));
        assertSame(found, cache.find("java.lang.Object"));
        TypePool.Resolution other = new TypePool.Resolution.Simple(
                net.bytebuddy.description.type.TypeDescription.ForLoadedType.of(Object.class));
        assertNotSame(other, cache.register("java.lang.Object", other));
        cache.clear();
        assertNull(cache.find("java.lang.Object"));
    }
}
