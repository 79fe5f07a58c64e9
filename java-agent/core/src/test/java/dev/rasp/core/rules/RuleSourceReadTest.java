package dev.rasp.core.rules;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class RuleSourceReadTest {

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** A stream that gives at most 1000 bytes per read, as an inflater may. */
    static ByteArrayInputStream trickling(byte[] b) {
        return new ByteArrayInputStream(b) {
            @Override
            public synchronized int read(byte[] out, int off, int len) {
                return super.read(out, off, Math.min(len, 1000));
            }
        };
    }

    @Test
    void readsTheWholeResourceWhateverItsRecordedSize() throws Exception {
        byte[] content = bytes(200_003);
        for (long size : new long[] {200_003, -1, 0, 1, 199_999, 200_004, 1 << 20}) {
            assertArrayEquals(content, RuleSource.readAll(trickling(content), size), "recorded size " + size);
        }
        assertArrayEquals(new byte[0], RuleSource.readAll(new ByteArrayInputStream(new byte[0]), 0));
        assertArrayEquals(new byte[0], RuleSource.readAll(new ByteArrayInputStream(new byte[0]), 10));
    }
}
