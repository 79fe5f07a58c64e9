package dev.rasp.core.instrumentation.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The byte forms of checkCommand's arguments. */
public final class CommandEncoding {

    private CommandEncoding() {
    }

    /**
     * The arguments as UTF-8, separated (not terminated) by NUL bytes. ProcessBuilder.start
     * rejects arguments that contain NUL, so the separation is unambiguous. A null element
     * (never passed by the JDK) counts as empty.
     */
    public static byte[] argv(String[] argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (int i = 0; i < argv.length; i++) {
            if (i > 0) {
                out.write(0);
            }
            byte[] b = utf8(argv[i]);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    /**
     * The entries of the child's environment that the application set: {@code NAME=value} as
     * UTF-8, separated by NUL bytes. Entries equal to the JVM's own environment ({@code
     * inherited}) are left out: once an application calls ProcessBuilder.environment() the map
     * holds the whole inherited environment, and checking PATH or LD_LIBRARY_PATH as if the
     * request had set them would only make false positives. Returns null when no entry remains.
     */
    public static byte[] environment(Map<String, String> environment, Map<String, String> inherited) {
        ByteArrayOutputStream out = null;
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name == null || value == null || value.equals(inherited.get(name))) {
                continue;
            }
            if (out == null) {
                out = new ByteArrayOutputStream(64);
            } else {
                out.write(0);
            }
            byte[] n = utf8(name);
            out.write(n, 0, n.length);
            out.write('=');
            byte[] v = utf8(value);
            out.write(v, 0, v.length);
        }
        return out == null ? null : out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
