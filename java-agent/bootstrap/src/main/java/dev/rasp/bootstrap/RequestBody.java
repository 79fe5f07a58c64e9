package dev.rasp.bootstrap;

/**
 * The request body as the application reads it, kept up to a limit as UTF-8 bytes (chars read
 * through a Reader are re-encoded). Not thread-safe: {@link RequestContext} guards it.
 *
 * <p>Bytes are only ever appended: the range [0, length) of the buffer never changes once
 * written (growing copies into a new array), so a {@link Snapshot} taken under the lock can be
 * read after it is released while other threads go on appending.
 */
public final class RequestBody {

    /** The body bytes [0, length) at one moment, and whether the application had read more than was kept. */
    public static final class Snapshot {
        public final byte[] buffer;
        public final int length;
        public final boolean truncated;

        Snapshot(byte[] buffer, int length, boolean truncated) {
            this.buffer = buffer;
            this.length = length;
            this.truncated = truncated;
        }
    }

    private final int limit;
    /**
     * Whether the body's type says it is a document the application parses (JSON, a form, multipart,
     * text, XML): then what is read past the limit overflows the request. A body of any other type
     * (an upload: {@code application/octet-stream}, an image, none) is judged on what is kept, and
     * what is past the limit is dropped as a multipart body's file contents are, so that a large
     * upload reaching a file sink is not blocked for its size.
     */
    private final boolean document;
    /** Drops file contents of a multipart body before they count against the limit; null otherwise. */
    private final MultipartElider elider;
    private final MultipartElider.Sink keep = new MultipartElider.Sink() {
        @Override
        public void keep(byte[] b, int off, int len) {
            appendKept(b, off, len);
        }
    };
    private byte[] bytes;
    private int length;
    private boolean truncated;
    private int pushedLength;
    private boolean pushedTruncated;
    /** A high surrogate that ended the previous char read, waiting for its low half. */
    private char pendingHighSurrogate;

    RequestBody(int limit, String contentType) {
        this.limit = Math.max(0, limit);
        this.elider = this.limit > 0 ? MultipartElider.forContentType(contentType) : null;
        this.document = isDocument(contentType);
    }

    /** {@link #document}: JSON (any {@code +json}), a form, multipart, any {@code text/*}, XML (any {@code +xml}). */
    public static boolean isDocument(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
        // the engine's BodyKind::from_content_type draws the same line
        return media.equals("application/json") || media.endsWith("+json")
                || media.equals("application/x-www-form-urlencoded") || media.equals("multipart/form-data")
                || media.startsWith("text/") || media.endsWith("/xml") || media.endsWith("+xml");
    }

    /** Read past the limit: a document overflows the request; another body's rest is not input. */
    private void pastLimit() {
        if (document) {
            truncated = true;
        }
    }

    boolean captures() {
        return limit > 0;
    }

    /** Something the agent could not keep was read: the engine must treat the request as overflowed. */
    void markTruncated() {
        truncated = true;
    }

    Snapshot takeIfGrown() {
        if (length == pushedLength && truncated == pushedTruncated) {
            return null;
        }
        pushedLength = length;
        pushedTruncated = truncated;
        return new Snapshot(bytes == null ? new byte[0] : bytes, length, truncated);
    }

    void append(byte[] b, int off, int len) {
        if (len <= 0 || off < 0 || off > b.length - len) {
            return;
        }
        if (elider != null) {
            elider.write(b, off, len, keep);
        } else {
            appendKept(b, off, len);
        }
    }

    private void appendKept(byte[] b, int off, int len) {
        int n = Math.min(limit - length, len);
        if (n < len) {
            pastLimit();
        }
        if (n <= 0) {
            return;
        }
        ensureRoom(n);
        System.arraycopy(b, off, bytes, length, n);
        length += n;
    }

    void appendByte(int value) {
        if (elider != null) {
            elider.writeByte(value, keep);
            return;
        }
        if (length >= limit) {
            pastLimit();
            return;
        }
        ensureRoom(1);
        bytes[length++] = (byte) value;
    }

    void appendChars(char[] c, int off, int len) {
        if (len <= 0 || off < 0 || off > c.length - len) {
            return;
        }
        for (int i = off, end = off + len; i < end; i++) {
            appendChar(c[i]);
        }
    }

    void appendString(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            appendChar(s.charAt(i));
        }
    }

    void appendChar(char ch) {
        if (truncated) {
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
        if (length + n > limit) {
            // never keep half a character
            pastLimit();
            return;
        }
        ensureRoom(n);
        bytes[length] = b0;
        if (n > 1) bytes[length + 1] = b1;
        if (n > 2) bytes[length + 2] = b2;
        if (n > 3) bytes[length + 3] = b3;
        length += n;
    }

    private void ensureRoom(int n) {
        int needed = length + n;
        if (bytes == null) {
            bytes = new byte[Math.min(limit, Math.max(needed, 1024))];
        } else if (needed > bytes.length) {
            long grown = Math.max((long) needed, (long) bytes.length * 2);
            byte[] bigger = new byte[(int) Math.min(grown, limit)];
            System.arraycopy(bytes, 0, bigger, 0, length);
            bytes = bigger;
        }
    }
}
