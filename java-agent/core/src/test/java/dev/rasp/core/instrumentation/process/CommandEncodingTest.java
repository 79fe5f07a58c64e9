package dev.rasp.core.instrumentation.process;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CommandEncodingTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void argvIsUtf8SeparatedByNul() {
        assertArrayEquals(utf8("sh\0-c\0ping -c 1 127.0.0.1; touch /tmp/x"),
                CommandEncoding.argv(new String[] {"sh", "-c", "ping -c 1 127.0.0.1; touch /tmp/x"}));
        assertArrayEquals(utf8("ls"), CommandEncoding.argv(new String[] {"ls"}));
        assertArrayEquals(new byte[0], CommandEncoding.argv(new String[0]));
    }

    @Test
    void emptyAndNullArgumentsKeepTheirPlace() {
        assertArrayEquals(utf8("a\0\0b"), CommandEncoding.argv(new String[] {"a", "", "b"}));
        assertArrayEquals(utf8("a\0\0b"), CommandEncoding.argv(new String[] {"a", null, "b"}));
        assertArrayEquals(utf8("\0"), CommandEncoding.argv(new String[] {"", ""}));
    }

    @Test
    void argvNonAsciiIsUtf8AndALoneSurrogateIsAQuestionMark() {
        byte[] b = CommandEncoding.argv(new String[] {"echo", "é€\uD83D\uDE00", "x\uD800"});
        assertArrayEquals(utf8("echo\0é€\uD83D\uDE00\0x?"), b);
        assertEquals(4 + 1 + 2 + 3 + 4 + 1 + 2, b.length);
    }

    @Test
    void environmentKeepsOnlyWhatTheApplicationSet() {
        Map<String, String> inherited = new HashMap<>();
        inherited.put("PATH", "/usr/local/bin:/usr/bin");
        inherited.put("HOME", "/root");
        // what ProcessBuilder.environment() holds: the inherited entries plus the application's
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin");  // inherited, unchanged: left out
        env.put("LD_PRELOAD", "/tmp/evil.so");
        env.put("HOME", "/home/app");                // changed: the application set it
        env.put("EMPTY", "");
        assertArrayEquals(utf8("LD_PRELOAD=/tmp/evil.so\0HOME=/home/app\0EMPTY="),
                CommandEncoding.environment(env, inherited));
    }

    @Test
    void environmentWithNothingSetIsNull() {
        Map<String, String> inherited = Collections.singletonMap("PATH", "/usr/bin");
        assertNull(CommandEncoding.environment(new HashMap<>(inherited), inherited));
        assertNull(CommandEncoding.environment(new HashMap<String, String>(), inherited)); // env cleared
    }

    @Test
    void environmentValueWithEqualsSignsAndUtf8() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OPTS", "a=b=c");
        env.put("NAME", "zoë");
        assertArrayEquals(utf8("OPTS=a=b=c\0NAME=zoë"), CommandEncoding.environment(env, Collections.<String, String>emptyMap()));
    }
}
