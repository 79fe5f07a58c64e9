package dev.rasp.core.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which captured values the engine's own parse of the raw query already holds (and which it may not). */
class CapturedValuesTest {

    @Test
    void aPlainValueOfAnyPairIsKnown() {
        assertTrue(CapturedValues.inRawQuery("name=alice", "alice"));
        assertTrue(CapturedValues.inRawQuery("a=1&name=alice&b=2", "alice"));
        assertTrue(CapturedValues.inRawQuery("a=1&b=alice", "alice"));
        assertTrue(CapturedValues.inRawQuery("=alice", "alice"), "an empty name still has the value");
        assertTrue(CapturedValues.inRawQuery("q=a=b", "a=b"), "the pair splits at its first '='");
        assertTrue(CapturedValues.inRawQuery("q=x'--;", "x'--;"));
    }

    @Test
    void onlyWholeValuesCount() {
        assertFalse(CapturedValues.inRawQuery("name=alicex", "alice"));
        assertFalse(CapturedValues.inRawQuery("name=xalice", "alice"));
        assertFalse(CapturedValues.inRawQuery("alice=1", "alice"), "a name is another input part");
        assertFalse(CapturedValues.inRawQuery("alice", "alice"), "no '=': the value is empty");
        assertFalse(CapturedValues.inRawQuery("a=b=alice", "alice"));
        assertFalse(CapturedValues.inRawQuery("q=1", "1&"));
    }

    @Test
    void valuesDecodingWouldChangeArePushed() {
        // the container decoded these: the raw pair is not the same text
        assertFalse(CapturedValues.inRawQuery("q=a%20b", "a%20b"), "the engine decodes %20");
        assertFalse(CapturedValues.inRawQuery("q=a+b", "a+b"), "the engine decodes '+'");
        assertFalse(CapturedValues.inRawQuery("q=a b", "a b"));
        assertFalse(CapturedValues.inRawQuery("q=\u00e9", "\u00e9"), "non-ASCII: bytes on the wire may differ");
        assertFalse(CapturedValues.inRawQuery("q=x", ""));
        assertFalse(CapturedValues.inRawQuery(null, "x"));
    }

    @Test
    void aValueTheEngineDecodesToPrintableAsciiIsKnown() {
        assertTrue(CapturedValues.inRawQuery("q=red%20running%20shoes", "red running shoes"));
        assertTrue(CapturedValues.inRawQuery("q=red+running+shoes&sort=price", "red running shoes"));
        assertTrue(CapturedValues.inRawQuery("name=O%27Brien", "O'Brien"));
        assertTrue(CapturedValues.inRawQuery("q=a%2Bb%26c%25d%3De", "a+b&c%d=e"), "escaped separators");
        assertTrue(CapturedValues.inRawQuery("q=%7e%7E", "~~"), "either case of hex digit");
        assertTrue(CapturedValues.inRawQuery("a=1&q=x%27%20OR%201%3D1--", "x' OR 1=1--"));
    }

    @Test
    void aValueDecodingCouldReadOtherwiseIsPushed() {
        assertFalse(CapturedValues.inRawQuery("q=%E2%82%AC", "\u20ac"), "non-ASCII after decoding");
        assertFalse(CapturedValues.inRawQuery("q=%E2%82%AC", "\u00e2\u0082\u00ac"), "nor its Latin-1 reading");
        assertFalse(CapturedValues.inRawQuery("q=a%0Ab", "a\nb"), "a control byte");
        assertFalse(CapturedValues.inRawQuery("q=a%00b", "a\u0000b"));
        assertFalse(CapturedValues.inRawQuery("q=100%", "100%"), "a '%' without two hex digits");
        assertFalse(CapturedValues.inRawQuery("q=100%2", "100%2"));
        assertFalse(CapturedValues.inRawQuery("q=%zz", "%zz"));
        assertFalse(CapturedValues.inRawQuery("q=%\uff11\uff11", "\u0011"), "fullwidth digits are not hex");
        assertFalse(CapturedValues.inRawQuery("q=a%20b", "a b "), "the whole value");
        assertFalse(CapturedValues.inRawQuery("q=a%20b%20", "a b"));
    }

    /**
     * Every printable ASCII string, percent-encoded by the JDK (spaces as '+') or escaped byte by
     * byte: known; the same with one character changed: not.
     */
    @Test
    void encodedPrintableAsciiRoundTrips() throws Exception {
        java.util.Random random = new java.util.Random(13);
        for (int k = 0; k < 5000; k++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + random.nextInt(24);
            for (int i = 0; i < n; i++) {
                b.append((char) (' ' + random.nextInt(0x7f - ' ')));
            }
            String value = b.toString();
            String jdk = java.net.URLEncoder.encode(value, "UTF-8");
            StringBuilder escaped = new StringBuilder();
            for (char c : value.toCharArray()) {
                escaped.append(String.format("%%%02X", (int) c));
            }
            assertTrue(CapturedValues.inRawQuery("a=1&q=" + jdk, value), jdk);
            assertTrue(CapturedValues.inRawQuery("q=" + escaped + "&b=2", value), escaped.toString());
            char[] other = value.toCharArray();
            int at = random.nextInt(other.length);
            other[at] = other[at] == 'x' ? 'y' : 'x';
            assertFalse(CapturedValues.inRawQuery("q=" + jdk, new String(other)), jdk);
        }
    }
}
