package dev.rasp.core.instrumentation.jdbc;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DialectCacheTest {

    @Test
    void capacityIsAPowerOfTwo() {
        assertEquals(1024, new DialectCache(1024).capacity());
        assertEquals(2048, new DialectCache(1025).capacity());
        assertEquals(2, new DialectCache(0).capacity());
    }

    @Test
    void hitOnlyForTheSameInstance() {
        DialectCache cache = new DialectCache(64);
        String a = new String("jdbc:h2:mem:x");
        String equalButOther = new String("jdbc:h2:mem:x");
        assertEquals(DialectCache.MISS, cache.get(a));
        cache.put(a, 6);
        assertEquals(6, cache.get(a));
        assertEquals(DialectCache.MISS, cache.get(equalButOther)); // identity, never equals()
        cache.put(a, 2);
        assertEquals(2, cache.get(a));
    }

    @Test
    void collidingPutReplacesAndTheLoserMisses() {
        DialectCache cache = new DialectCache(2); // two slots: collisions guaranteed among three keys
        Object[] keys = {new Object(), new Object(), new Object()};
        for (int i = 0; i < keys.length; i++) {
            cache.put(keys[i], i + 1);
        }
        int hits = 0;
        for (int i = 0; i < keys.length; i++) {
            int d = cache.get(keys[i]);
            if (d != DialectCache.MISS) {
                assertEquals(i + 1, d, "a hit must never return another key's dialect");
                hits++;
            }
        }
        assertTrue(hits <= 2 && hits >= 1, "hits=" + hits);
    }

    @Test
    void doesNotKeepKeysAlive() throws InterruptedException {
        DialectCache cache = new DialectCache(16);
        Object key = new Object();
        cache.put(key, 3);
        WeakReference<Object> probe = new WeakReference<>(key);
        key = null;
        for (int i = 0; i < 100 && probe.get() != null; i++) {
            System.gc();
            List<byte[]> pressure = new ArrayList<>();
            pressure.add(new byte[1 << 20]);
            Thread.sleep(10);
        }
        assertNull(probe.get(), "the cache held its key strongly");
    }

    @Test
    void concurrentUseNeverAnswersWithAnotherKeysDialect() throws Exception {
        DialectCache cache = new DialectCache(64); // small: constant overwriting between threads
        Object[] keys = new Object[512];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new Object();
        }
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int seed = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int n = 0; n < 200_000; n++) {
                        int i = (n * 31 + seed * 17) % keys.length;
                        int d = cache.get(keys[i]);
                        if (d != DialectCache.MISS && d != i % 9) {
                            failure.compareAndSet(null, "key " + i + " answered " + d);
                        }
                        cache.put(keys[i], i % 9);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertNull(failure.get());
    }
}
