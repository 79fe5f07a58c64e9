package dev.rasp.core.engine;

/**
 * Which captured values the engine already holds from its own parse of the request it was
 * opened with, so that the agent need not push them: the engine compares a captured value with
 * every request input by its text (a value, not a name) and drops it when one is equal, with the
 * forms derived from it. Pushing it anyway costs an encoding and a native call that change nothing.
 */
public final class CapturedValues {

    private CapturedValues() {
    }

    /**
     * True when {@code value} is what the engine decodes the value of a parameter of the raw query
     * string {@code query} into: some {@code &}-separated pair {@code name=value} whose value,
     * with {@code +} read as a space and {@code %XX} as that byte (form-urlencoded, as the engine
     * parses it), is this text. Only pairs that decode to printable ASCII qualify, so that no
     * charset can read the bytes differently: a raw byte outside {@code !..~}, an escape of a byte
     * outside {@code  ..~}, or a {@code %} without two hex digits makes the pair's value unknown
     * here, and the captured value is pushed as before. The common case this covers beyond
     * values decoding leaves unchanged is a value with spaces ({@code q=red%20running%20shoes}),
     * which the engine would otherwise receive, decode and drop at every request.
     */
    public static boolean inRawQuery(String query, String value) {
        int len = value.length();
        if (query == null || len == 0) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            char c = value.charAt(i);
            if (c < ' ' || c >= 0x7f) {
                return false;
            }
        }
        int n = query.length();
        for (int start = 0; start <= n; ) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = n;
            }
            int eq = query.indexOf('=', start);
            if (eq >= 0 && eq < end && decodesTo(query, eq + 1, end, value)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /** Whether {@code query[from, to)}, form-decoded, is {@code value}, every byte printable ASCII. */
    private static boolean decodesTo(String query, int from, int to, String value) {
        int j = 0;
        int len = value.length();
        for (int i = from; i < to; j++) {
            if (j == len) {
                return false;
            }
            char c = query.charAt(i);
            char decoded;
            if (c == '+') {
                decoded = ' ';
                i++;
            } else if (c == '%') {
                int hi = i + 2 < to ? hex(query.charAt(i + 1)) : -1;
                int lo = hi < 0 ? -1 : hex(query.charAt(i + 2));
                if (lo < 0) {
                    return false;
                }
                decoded = (char) (hi << 4 | lo);
                if (decoded < ' ' || decoded >= 0x7f) {
                    return false;
                }
                i += 3;
            } else if (c > ' ' && c < 0x7f) {
                decoded = c;
                i++;
            } else {
                return false;
            }
            if (decoded != value.charAt(j)) {
                return false;
            }
        }
        return j == len;
    }

    /** The value of an ASCII hex digit, else -1 (not {@link Character#digit}, which reads other scripts' digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
