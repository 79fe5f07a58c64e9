package dev.rasp.core.instrumentation.jdbc;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Remembers the dialect of JDBC objects (connections, statements) without a lock any
 * application thread could wait on and without keeping the objects alive.
 *
 * <p>A fixed table of slots indexed by identity hash; each slot holds one weakly referenced
 * key and its dialect. It is lossy by design: a colliding put simply replaces the slot, and a
 * lookup that finds another key (or a collected one) is a miss, after which the caller asks the
 * connection again. A hit is always right because the key is compared by identity.
 */
public final class DialectCache {

    public static final int MISS = -1;

    private final AtomicReferenceArray<Slot> slots;
    private final int mask;

    /** @param capacity rounded up to a power of two */
    public DialectCache(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        slots = new AtomicReferenceArray<Slot>(size);
        mask = size - 1;
    }

    public int capacity() {
        return mask + 1;
    }

    /** The dialect stored for exactly this object, or {@link #MISS}. */
    public int get(Object key) {
        Slot s = slots.get(index(key));
        return s != null && s.get() == key ? s.dialect : MISS;
    }

    public void put(Object key, int dialect) {
        slots.set(index(key), new Slot(key, dialect));
    }

    private int index(Object key) {
        int h = System.identityHashCode(key);
        h ^= h >>> 16; // identity hashes are fine but spread the high bits into the mask
        return h & mask;
    }

    private static final class Slot extends WeakReference<Object> {
        final int dialect;

        Slot(Object key, int dialect) {
            super(key);
            this.dialect = dialect;
        }
    }
}
