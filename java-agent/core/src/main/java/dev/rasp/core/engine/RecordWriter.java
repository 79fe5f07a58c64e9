package dev.rasp.core.engine;

import java.util.Arrays;

/**
 * The byte layout shared by the records the agent hands the engine (docs/native-boundary.md):
 * big-endian integers, and fields as {@code u32 length} then that many UTF-8 bytes.
 *
 * <p>Strings are encoded straight into the buffer, the same way {@code String.getBytes(UTF_8)}
 * does (a lone surrogate becomes '?'), so inputs and sink strings are byte-comparable.
 */
final class RecordWriter {

    private byte[] buf;
    private int length;

    RecordWriter(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    void reset() {
        length = 0;
    }

    byte[] buffer() {
        return buf;
    }

    int length() {
        return length;
    }

    void u8(int v) {
        ensure(1);
        buf[length++] = (byte) v;
    }

    void u32(int v) {
        ensure(4);
        putU32(length, v);
        length += 4;
    }

    void putU32(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    /** A field; null is written as "". */
    void field(String s) {
        int lengthAt = length;
        u32(0);
        if (s != null) {
            utf8(s);
        }
        putU32(lengthAt, length - lengthAt - 4);
    }

    private void utf8(String s) {
        int n = s.length();
        ensure(3 * n); // a char never takes more than 3 bytes (a surrogate pair takes 4 for 2)
        byte[] b = buf;
        int at = length;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[at++] = (byte) c;
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[at++] = (byte) (0xF0 | (cp >> 18));
                b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[at++] = (byte) '?';
            } else {
                b[at++] = (byte) (0xE0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        length = at;
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }
}
