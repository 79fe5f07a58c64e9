package dev.rasp.core.instrumentation.file;

import java.io.File;
import java.nio.file.StandardOpenOption;

/**
 * PathOp codes of the native contract, and how the agent derives them from the way a file is
 * opened. The codes are compile-time constants (advice inlines the numbers).
 */
public final class PathOp {

    public static final int READ = 0;
    /** Also create, append, and the target of a copy or move. */
    public static final int WRITE = 1;
    public static final int DELETE = 2;
    public static final int LIST = 3;
    public static final int OTHER = 4;
    /** Existence, attributes, permissions, times: read or changed. */
    public static final int METADATA = 5;
    /** A hard or symbolic link created (its name and its target) or read. */
    public static final int LINK = 6;

    private PathOp() {
    }

    /**
     * The op of an open whose options decide it. {@code options} is a RandomAccessFile mode
     * (String), or the OpenOptions of newByteChannel / newFileChannel (a Set, or an array).
     */
    public static int ofOptions(Object options) {
        if (options instanceof String) {
            return ofRandomAccessMode((String) options);
        }
        if (options instanceof Iterable) {
            return ofOpenOptions((Iterable<?>) options);
        }
        if (options instanceof Object[]) {
            return ofOpenOptions(java.util.Arrays.asList((Object[]) options));
        }
        return READ; // no options: the JDK opens for reading
    }

    /** "r" reads; "rw", "rws", "rwd" write (and create). */
    public static int ofRandomAccessMode(String mode) {
        return mode != null && mode.indexOf('w') >= 0 ? WRITE : READ;
    }

    /**
     * WRITE, APPEND, CREATE or CREATE_NEW: write. Otherwise DELETE_ON_CLOSE: delete (the file is
     * gone after the close). Otherwise read. Options of other types (LinkOption, a provider's
     * own) do not change it.
     */
    public static int ofOpenOptions(Iterable<?> options) {
        boolean deleteOnClose = false;
        for (Object o : options) {
            if (o == StandardOpenOption.WRITE || o == StandardOpenOption.APPEND
                    || o == StandardOpenOption.CREATE || o == StandardOpenOption.CREATE_NEW) {
                return WRITE;
            }
            if (o == StandardOpenOption.DELETE_ON_CLOSE) {
                deleteOnClose = true;
            }
        }
        return deleteOnClose ? DELETE : READ;
    }

    /**
     * The path string the engine checks: File.getPath(), Path.toString(), the String itself, or
     * for a file: URL connection the path its handler opens (the URL's path, percent-decoded).
     */
    public static String pathString(Object path) {
        if (path instanceof String) {
            return (String) path;
        }
        if (path instanceof File) {
            return ((File) path).getPath();
        }
        if (path instanceof java.net.URLConnection) {
            return urlPath(((java.net.URLConnection) path).getURL());
        }
        return String.valueOf(path);
    }

    /** As sun.net.www.ParseUtil.decode(url.getPath()): %XX sequences decoded as UTF-8 bytes. */
    static String urlPath(java.net.URL url) {
        String p = url == null ? null : url.getPath();
        if (p == null) {
            return "";
        }
        if (p.indexOf('%') < 0) {
            return p;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(p.length());
        byte[] raw = p.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%' && i + 2 < raw.length) {
                int hi = Character.digit(raw[i + 1], 16);
                int lo = Character.digit(raw[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(raw[i]);
        }
        return new String(out.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
