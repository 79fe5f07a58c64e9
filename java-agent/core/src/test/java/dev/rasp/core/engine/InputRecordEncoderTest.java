package dev.rasp.core.engine;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The addInputs record, byte for byte (docs/native-boundary.md, "Input record encoding"). */
class InputRecordEncoderTest {

    private static String field(ByteBuffer b) {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void versionCountThenSourceNameValue() {
        InputRecordEncoder e = new InputRecordEncoder()
                .input(11, "name", "' OR '1'='1")
                .input(8, "@id", "é\uD83D\uDE00")
                .input(2, null, "x");
        ByteBuffer b = ByteBuffer.wrap(e.toByteArray());
        assertEquals(1, b.getInt(), "version");
        assertEquals(3, b.getInt(), "count");
        assertEquals(11, b.get());
        assertEquals("name", field(b));
        assertEquals("' OR '1'='1", field(b));
        assertEquals(8, b.get());
        assertEquals("@id", field(b));
        assertEquals("é\uD83D\uDE00", field(b));
        assertEquals(2, b.get());
        assertEquals("", field(b), "a null name is empty");
        assertEquals("x", field(b));
        assertEquals(0, b.remaining());
        assertEquals(3, e.count());
        assertEquals(8, e.start().length(), "start() begins a new record");
    }
}
