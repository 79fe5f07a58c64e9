package dev.rasp.bootstrap;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Drops the contents of file parts from a multipart/form-data body as it streams in, keeping
 * everything else (the delimiters, each part's headers, text fields): the engine takes inputs
 * from part names, file names and text fields only, so a large upload must not use up the
 * request's input budget and make its later sink calls overflow.
 *
 * <p>A part is a file part when its headers name a file ({@code filename=} or {@code filename*=}).
 * Bytes before the first delimiter, and everything when the delimiter never appears (a body
 * whose boundary is not the one declared), are kept: what the agent cannot place counts
 * against the budget rather than being dropped unseen. Not thread-safe: {@link RequestBody}'s
 * owner guards it.
 */
final class MultipartElider {

    /** Receives the bytes that are kept. */
    interface Sink {
        void keep(byte[] b, int off, int len);
    }

    private static final int PREAMBLE = 0;
    private static final int HEADERS = 1;
    private static final int TEXT = 2;
    private static final int FILE = 3;

    private final byte[] delimiter;
    private int state = PREAMBLE;
    /** Bytes of the delimiter matched so far (held back while in a file part). */
    private int matched;
    /** The current part's header block, lower-cased as it arrives, to find a file name. */
    private final StringBuilder headers = new StringBuilder();
    private final byte[] one = new byte[1];

    /** Null when the content type is not multipart or has no boundary. */
    static MultipartElider forContentType(String contentType) {
        String boundary = boundary(contentType);
        return boundary == null || boundary.isEmpty() || boundary.length() > 200 ? null : new MultipartElider(boundary);
    }

    private MultipartElider(String boundary) {
        delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        matched = 2; // the body may start with the first delimiter, without a line break before it
    }

    /**
     * The {@code boundary=} parameter of a multipart content type, unquoted; null when there is
     * none or more than one. With two, containers disagree on which counts (Tomcat and Spring take
     * the last): eliding by either could drop, as "file content", text fields the other reading
     * shows, so such a body is kept as it is.
     */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).trim().startsWith("multipart/")) {
            return null;
        }
        String found = null;
        for (String param : contentType.split(";")) {
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                if (found != null) {
                    return null;
                }
                String v = param.substring(eq + 1).trim();
                if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
                    v = v.substring(1, v.length() - 1);
                }
                found = v;
            }
        }
        return found;
    }

    void write(byte[] b, int off, int len, Sink sink) {
        int kept = state == FILE ? -1 : off; // start of the range being kept, -1 inside file content
        for (int i = off, end = off + len; i < end; i++) {
            byte c = b[i];
            if (c == delimiter[matched]) {
                if (++matched == delimiter.length) {
                    matched = 0;
                    if (state == FILE) {
                        // the file bytes before it are dropped; the delimiter (held back) is kept
                        sink.keep(delimiter, 0, delimiter.length);
                        kept = i + 1;
                    }
                    state = HEADERS;
                    headers.setLength(0);
                    continue;
                }
            } else {
                // CR starts the delimiter and occurs nowhere else in it: restarting here is exact
                matched = c == delimiter[0] ? 1 : 0;
            }
            if (state == HEADERS) {
                header(c);
                if (state == FILE) {
                    sink.keep(b, kept, i + 1 - kept); // up to the blank line that ends the headers
                    kept = -1;
                }
            }
        }
        if (kept >= 0 && kept < off + len) {
            sink.keep(b, kept, off + len - kept);
        }
    }

    /** One header byte: a blank line ends the block and decides the part's kind. */
    private void header(byte c) {
        if (headers.length() < 8192) {
            headers.append((char) Character.toLowerCase((char) (c & 0xFF)));
        }
        int n = headers.length();
        if (n >= 4 && headers.charAt(n - 1) == '\n' && headers.charAt(n - 2) == '\r'
                && headers.charAt(n - 3) == '\n' && headers.charAt(n - 4) == '\r') {
            state = headers.indexOf("filename") >= 0 ? FILE : TEXT;
        } else if (n >= 2 && headers.charAt(n - 1) == '\n' && headers.charAt(n - 2) == '\n') {
            state = headers.indexOf("filename") >= 0 ? FILE : TEXT; // LF-only line endings
        }
    }

    void writeByte(int value, Sink sink) {
        one[0] = (byte) value;
        write(one, 0, 1, sink);
    }
}
