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
}
