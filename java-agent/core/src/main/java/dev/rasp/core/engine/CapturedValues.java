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
     * True when {@code value} is, byte for byte, the value of a parameter of the raw (undecoded)
     * query string {@code query}: some {@code &}-separated pair {@code name=value}. Only values that
     * decoding leaves unchanged qualify (printable ASCII without {@code %} and {@code +}): the
     * engine decodes the raw pair (form-urlencoded) into exactly this text, where the container
     * decoded the same pair into the captured one. Anything else is pushed as before.
     */
    public static boolean inRawQuery(String query, String value) {
        int len = value.length();
        if (query == null || len == 0 || len > query.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '%' || c == '+' || c == '&') {
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
            if (eq >= 0 && eq < end && end - eq - 1 == len && query.regionMatches(eq + 1, value, 0, len)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
