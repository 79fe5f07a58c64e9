package dev.rasp.core.engine;

import java.util.Arrays;

/**
 * Builds the byte layout openContext expects (docs/native-boundary.md, "Request encoding"):
 * big-endian, {@code u32 version = 1}, five fields (method, requestURI, queryString, remoteAddr,
 * contentType), {@code u32 headerCount}, then one (name, value) field pair per header value. A
 * field is {@code u32 length} and that many UTF-8 bytes; null is written as "".
 */
public final class RequestEncoder {

    public static final int VERSION = 1;

    private final RecordWriter out;
    private int headerCountAt = -1;
    private int headerCount;

    public RequestEncoder() {
        this(512);
    }

    public RequestEncoder(int initialCapacity) {
        out = new RecordWriter(initialCapacity);
    }

    /** Writes the version and the fixed fields; headers follow with {@link #header}. */
    public RequestEncoder start(String method, String requestUri, String queryString, String remoteAddr,
                                String contentType) {
        out.reset();
        headerCount = 0;
        out.u32(VERSION);
        out.field(method);
        out.field(requestUri);
        out.field(queryString);
        out.field(remoteAddr);
        out.field(contentType);
        headerCountAt = out.length();
        out.u32(0);
        return this;
    }

    public RequestEncoder header(String name, String value) {
        if (headerCountAt < 0) {
            throw new IllegalStateException("start() first");
        }
        out.field(name);
        out.field(value);
        headerCount++;
        out.putU32(headerCountAt, headerCount);
        return this;
    }

    /** The encoding is {@code buffer()[0, length())}; the array may be longer. */
    public byte[] buffer() {
        return out.buffer();
    }

    public int length() {
        return out.length();
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(out.buffer(), out.length());
    }
}
