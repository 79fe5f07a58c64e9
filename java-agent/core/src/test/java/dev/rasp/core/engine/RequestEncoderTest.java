package dev.rasp.core.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RequestEncoderTest {

    /** The contract's layout, written independently with DataOutputStream (big-endian). */
    private static byte[] expected(String[] fixed, String[][] headers) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(1);
        for (String s : fixed) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
        out.writeInt(headers.length);
        for (String[] h : headers) {
            for (String s : h) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void exactByteLayout() {
        byte[] actual = new RequestEncoder(16).start("GET", "/a", "q=1", "10.0.0.1", "")
                .header("Host", "x").toByteArray();
        byte[] want = {
                0, 0, 0, 1,
                0, 0, 0, 3, 'G', 'E', 'T',
                0, 0, 0, 2, '/', 'a',
                0, 0, 0, 3, 'q', '=', '1',
                0, 0, 0, 8, '1', '0', '.', '0', '.', '0', '.', '1',
                0, 0, 0, 0,
                0, 0, 0, 1,
                0, 0, 0, 4, 'H', 'o', 's', 't',
                0, 0, 0, 1, 'x'};
        assertArrayEquals(want, actual);
    }

    @Test
    void everyHeaderValueIsOnePairAndCountIsPatched() throws IOException {
        RequestEncoder e = new RequestEncoder(8).start("POST", "/login;jsessionid=1", "a=%27+b", "::1", "application/json");
        e.header("Cookie", "a=1").header("Cookie", "b=2").header("Accept", "*/*");
        assertArrayEquals(expected(new String[] {"POST", "/login;jsessionid=1", "a=%27+b", "::1", "application/json"},
                new String[][] {{"Cookie", "a=1"}, {"Cookie", "b=2"}, {"Accept", "*/*"}}), e.toByteArray());
    }

    @Test
    void nullIsEmptyField() throws IOException {
        byte[] actual = new RequestEncoder().start("GET", "/", null, null, null).toByteArray();
        assertArrayEquals(expected(new String[] {"GET", "/", "", "", ""}, new String[0][]), actual);
    }

    @Test
    void utf8MatchesStringGetBytes() throws IOException {
        String[] values = {"é", "€ and 中文", "emoji \uD83D\uDE00 end", "lone \uD800 high", "lone \uDC00 low",
                "ends high \uD83D", "\u0000\u007f\u0080\u07ff\u0800\uffff"};
        for (String v : values) {
            byte[] actual = new RequestEncoder(4).start(v, "", "", "", "").header(v, v).toByteArray();
            assertArrayEquals(expected(new String[] {v, "", "", "", ""}, new String[][] {{v, v}}), actual, v);
        }
    }

    @Test
    void growsAndReuses() throws IOException {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            big.append((char) ('a' + i % 26));
        }
        RequestEncoder e = new RequestEncoder(64);
        e.start("GET", "/", big.toString(), "", "");
        assertEquals(4 + 4 + 3 + 4 + 1 + 4 + 10_000 + 4 + 4 + 4, e.length());
        // a second start() rewrites from the beginning
        e.start("GET", "/", "", "", "").header("a", "b");
        assertArrayEquals(expected(new String[] {"GET", "/", "", "", ""}, new String[][] {{"a", "b"}}), e.toByteArray());
    }
}
