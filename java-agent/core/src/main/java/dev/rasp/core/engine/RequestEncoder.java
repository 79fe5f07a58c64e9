package dev.rasp.core.engine;

import java.util.Arrays;

/**
 * Builds the byte layout openContext expects (docs/native-boundary.md, "Request encoding"):
 * big-endian, {@code u32 version = 1}, five fields (method, requestURI, queryString, remoteAddr,
 * contentType), {@code u32 headerCount}, then one (name, value) field pair per header value. A
 * field is {@code u32 length} and that many UTF-8 bytes; null is written as "".
 *
 * <p>Strings are encoded straight into the buffer, the same way {@code String.getBytes(UTF_8)}
 * does (a lone surrogate becomes '?'), so inputs and sink strings are byte-comparable.
 */
public final class RequestEncoder {

    public static final int VERSION = 1;

    private byte[] buf;
    private int length;
    private int headerCountAt = -1;
    private int headerCount;

    public RequestEncoder() {
        this(512);
    }

    public RequestEncoder(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    /** Writes the version and the fixed fields; headers follow with {@link #header}. */
    public RequestEncoder start(String method, String requestUri, String queryString, String remoteAddr,
                                String contentType) {
        length = 0;
        headerCount = 0;
        u32(VERSION);
        field(method);
        field(requestUri);
        field(queryString);
        field(remoteAddr);
        field(contentType);
        headerCountAt = length;
        u32(0);
        return this;
    }

    public RequestEncoder header(String name, String value) {
        if (headerCountAt < 0) {
            throw new IllegalStateException("start() first");
        }
        field(name);
        field(value);
        headerCount++;
        putU32(headerCountAt, headerCount);
        return this;
    }

    /** The encoding is {@code buffer()[0, length())}; the array may be longer. */
    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, length);
    }

    private void u32(int v) {
        ensure(4);
        putU32(length, v);
        length += 4;
    }

    private void putU32(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    private void field(String s) {
        int lengthAt = length;
        u32(0);
        if (s != null) {
            utf8(s);
        }
        putU32(lengthAt, length - lengthAt - 4);
    }

    private void utf8(String s) {
        int n = s.length();
        ensure(n); // exact for ASCII, the common case; grows further below when needed
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                ensure(1);
                buf[length++] = (byte) c;
            } else if (c < 0x800) {
                ensure(2);
                buf[length++] = (byte) (0xC0 | (c >> 6));
                buf[length++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[length++] = (byte) (0xF0 | (cp >> 18));
                buf[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[length++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                ensure(1);
                buf[length++] = (byte) '?';
            } else {
                ensure(3);
                buf[length++] = (byte) (0xE0 | (c >> 12));
                buf[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[length++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }
}
