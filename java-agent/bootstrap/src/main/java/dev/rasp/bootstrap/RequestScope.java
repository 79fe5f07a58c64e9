package dev.rasp.bootstrap;

/**
 * The state of the HTTP request a thread is serving, kept in {@link RaspBridge}'s ThreadLocal
 * from the outermost servlet entry to its exit.
 *
 * <p>A scope is confined to its thread, so nothing here is synchronized or volatile. Fields are
 * public because the core reads them from another class loader (no shared runtime package).
 */
public final class RequestScope {

    /**
     * Native context handle. 0 until the request's first sink check opens it: a request that
     * never reaches SQL, a process or a file costs no native call at all.
     */
    public long handle;
    /** Opening the native context was tried and failed: the request runs unprotected. */
    public boolean unavailable;
    /** The outermost request and response objects (the container's, never an application wrapper). */
    public final Object request;
    public final Object response;

    /** Servlet entries (filters, servlets, forwards, includes) currently open on this thread. */
    public int depth;

    /**
     * Set while the agent itself runs inside this request (JDBC metadata look-ups, writing the
     * 403): sink hooks return at once so the agent never checks its own calls.
     */
    public boolean guarded;

    /** A sink of this request was blocked; the body is the 403 answer, written again at exit if needed. */
    public boolean blocked;
    public byte[] blockResponseBody;

    /**
     * The last SQL string instance that was checked and let through, with its dialect. Pool
     * wrappers delegate to the driver with the same String instance, so the inner call is
     * answered by an identity comparison instead of a second native check. Blocked statements
     * are never remembered (an application retrying the same string is blocked again).
     */
    public String lastAllowedSql;
    public int lastAllowedDialect = -1;

    /**
     * The same for file paths: the last path string instance (File.getPath(), Path.toString(),
     * both cached by the JDK) that was let through, with its PathOp. Catches a JDK method that
     * delegates to another hooked one with the same path (File.listFiles calling list on JDK 8).
     */
    public String lastAllowedPath;
    public int lastAllowedPathOp = -1;

    // ---- request body, as the application reads it ----

    private final int bodyLimit;
    private byte[] body;
    private int bodyLength;
    private boolean bodyTruncated;
    private int pushedLength;
    private boolean pushedTruncated;
    /** Nesting of instrumented read methods (a wrapper's read calls the container's read). */
    int bodyReadDepth;
    /** A high surrogate that ended the previous char read, waiting for its low half. */
    private char pendingHighSurrogate;

    /**
     * @param bodyLimit bytes of body to keep; 0 when the body is not captured (content type
     *                  the engine does not parse, or no native context).
     */
    public RequestScope(long handle, Object request, Object response, int bodyLimit) {
        this.handle = handle;
        this.request = request;
        this.response = response;
        this.bodyLimit = Math.max(0, bodyLimit);
    }

    public boolean capturesBody() {
        return bodyLimit > 0;
    }

    /** True when the body grew (or overflowed) since the last {@link #markBodyPushed()}. */
    public boolean bodyChangedSincePush() {
        return bodyLength != pushedLength || bodyTruncated != pushedTruncated;
    }

    public void markBodyPushed() {
        pushedLength = bodyLength;
        pushedTruncated = bodyTruncated;
    }

    /** The body buffer; valid bytes are [0, {@link #bodyLength()}). Never null. */
    public byte[] bodyBuffer() {
        return body == null ? new byte[0] : body;
    }

    public int bodyLength() {
        return bodyLength;
    }

    /** The application read more than {@code bodyLimit} bytes; the rest was not kept. */
    public boolean bodyTruncated() {
        return bodyTruncated;
    }

    void appendBody(byte[] b, int off, int len) {
        if (len <= 0 || off < 0 || off > b.length - len) {
            return;
        }
        int room = bodyLimit - bodyLength;
        int n = Math.min(room, len);
        if (n < len) {
            bodyTruncated = true;
        }
        if (n <= 0) {
            return;
        }
        ensureRoom(n);
        System.arraycopy(b, off, body, bodyLength, n);
        bodyLength += n;
    }

    void appendBodyByte(int value) {
        if (bodyLength >= bodyLimit) {
            bodyTruncated = true;
            return;
        }
        ensureRoom(1);
        body[bodyLength++] = (byte) value;
    }

    /** Chars read through a Reader, kept as UTF-8 (the encoding the engine expects). */
    void appendBodyChars(char[] c, int off, int len) {
        if (len <= 0 || off < 0 || off > c.length - len) {
            return;
        }
        for (int i = off, end = off + len; i < end; i++) {
            appendBodyChar(c[i]);
        }
    }

    void appendBodyString(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            appendBodyChar(s.charAt(i));
        }
    }

    void appendBodyChar(char ch) {
        if (bodyTruncated) {
            return;
        }
        if (pendingHighSurrogate != 0) {
            char high = pendingHighSurrogate;
            pendingHighSurrogate = 0;
            if (Character.isLowSurrogate(ch)) {
                int cp = Character.toCodePoint(high, ch);
                putUtf8((byte) (0xF0 | (cp >> 18)), (byte) (0x80 | ((cp >> 12) & 0x3F)),
                        (byte) (0x80 | ((cp >> 6) & 0x3F)), (byte) (0x80 | (cp & 0x3F)), 4);
                return;
            }
            putUtf8((byte) '?', (byte) 0, (byte) 0, (byte) 0, 1); // lone high surrogate
        }
        if (ch < 0x80) {
            putUtf8((byte) ch, (byte) 0, (byte) 0, (byte) 0, 1);
        } else if (ch < 0x800) {
            putUtf8((byte) (0xC0 | (ch >> 6)), (byte) (0x80 | (ch & 0x3F)), (byte) 0, (byte) 0, 2);
        } else if (Character.isHighSurrogate(ch)) {
            pendingHighSurrogate = ch;
        } else if (Character.isLowSurrogate(ch)) {
            putUtf8((byte) '?', (byte) 0, (byte) 0, (byte) 0, 1); // lone low surrogate
        } else {
            putUtf8((byte) (0xE0 | (ch >> 12)), (byte) (0x80 | ((ch >> 6) & 0x3F)),
                    (byte) (0x80 | (ch & 0x3F)), (byte) 0, 3);
        }
    }

    private void putUtf8(byte b0, byte b1, byte b2, byte b3, int n) {
        if (bodyLength + n > bodyLimit) {
            // never keep half a character
            bodyTruncated = true;
            return;
        }
        ensureRoom(n);
        body[bodyLength] = b0;
        if (n > 1) body[bodyLength + 1] = b1;
        if (n > 2) body[bodyLength + 2] = b2;
        if (n > 3) body[bodyLength + 3] = b3;
        bodyLength += n;
    }

    private void ensureRoom(int n) {
        int needed = bodyLength + n;
        if (body == null) {
            body = new byte[Math.min(bodyLimit, Math.max(needed, 1024))];
        } else if (needed > body.length) {
            long grown = Math.max((long) needed, (long) body.length * 2);
            byte[] bigger = new byte[(int) Math.min(grown, bodyLimit)];
            System.arraycopy(body, 0, bigger, 0, bodyLength);
            body = bigger;
        }
    }
}
