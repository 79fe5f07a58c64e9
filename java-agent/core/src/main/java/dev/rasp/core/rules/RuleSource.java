package dev.rasp.core.rules;

import dev.rasp.core.AgentJarResource;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Where the rule set comes from: the user's compiled file ({@code rasp.rules.file}), or the set
 * the build compiled from {@code rules/} and packed into rasp.jar next to the native library.
 */
public final class RuleSource {

    /** The built-in set's entry in rasp.jar (java-agent/agent/pom.xml puts it there). */
    public static final String BUILT_IN_RESOURCE = "native/default.rules";

    /** A rule file larger than rasp.rules.max_file_bytes: refused from its size, unread. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final long size;
        final long limit;

        TooLarge(long size, long limit) {
            super("it is " + size + " bytes, more than rasp.rules.max_file_bytes (" + limit + ")");
            this.size = size;
            this.limit = limit;
        }
    }

    private final File file;
    private final int maxFileBytes;
    private final String agentJar;

    private RuleSource(File file, int maxFileBytes, String agentJar) {
        this.file = file;
        this.maxFileBytes = maxFileBytes;
        this.agentJar = agentJar;
    }

    /** The user's file, refused when larger than {@code maxFileBytes}. */
    public static RuleSource file(File file, int maxFileBytes) {
        return new RuleSource(file, maxFileBytes, null);
    }

    /**
     * The set inside rasp.jar.
     *
     * @param agentJar rasp.jar; null to look in the core's own class path instead (tests, development)
     */
    public static RuleSource builtIn(String agentJar) {
        return new RuleSource(null, Integer.MAX_VALUE, agentJar);
    }

    public boolean isBuiltIn() {
        return file == null;
    }

    /** The user's file, or null for the built-in set. */
    public File file() {
        return file;
    }

    /** For log lines: the path, or "the rule set built into rasp.jar". */
    public String describe() {
        return file != null ? file.getPath() : "the rule set built into rasp.jar";
    }

    /** rasp.rules.max_file_bytes for the user's file. */
    int maxFileBytes() {
        return maxFileBytes;
    }

    /**
     * The whole file. FileNotFoundException when the built-in set is not in the jar;
     * {@link TooLarge} when the user's file is over its limit.
     */
    public byte[] read() throws IOException {
        if (file != null) {
            return readAtMost(file.toPath(), maxFileBytes);
        }
        byte[] rules = AgentJarResource.read(agentJar, BUILT_IN_RESOURCE, new AgentJarResource.Reader<byte[]>() {
            @Override
            public byte[] read(InputStream in) throws IOException {
                return readAll(in, -1);
            }

            @Override
            public byte[] read(InputStream in, long size) throws IOException {
                return readAll(in, size);
            }
        });
        if (rules == null) {
            throw new FileNotFoundException(BUILT_IN_RESOURCE + " is missing from " + AgentJarResource.where(agentJar));
        }
        return rules;
    }

    /**
     * The file's bytes, refused from its size when over {@code limit}, and never read past its size:
     * a file that grows while it is read (a writer at work) is read again, a few times at most.
     */
    static byte[] readAtMost(Path path, int limit) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size > limit) {
                    throw new TooLarge(size, limit);
                }
                byte[] out = new byte[(int) size];
                ByteBuffer buf = ByteBuffer.wrap(out);
                while (buf.hasRemaining() && ch.read(buf) >= 0) {
                    // until full or at the end
                }
                if (buf.hasRemaining()) {
                    // shrank meanwhile: what is there (a cut file fails the rule file's checksum)
                    return Arrays.copyOf(out, buf.position());
                }
                if (ch.read(ByteBuffer.allocate(1)) <= 0) {
                    return out;
                }
            }
        }
        throw new IOException("it kept growing while it was read");
    }

    /**
     * The whole stream. With the size known (rasp.jar's directory records it) straight into one array of
     * that size: the 5 MB built-in set would otherwise pass through a doubling buffer and a copy, about
     * 21 MB of garbage on the heap at start.
     */
    static byte[] readAll(InputStream in, long size) throws IOException {
        if (size >= 0 && size < Integer.MAX_VALUE - 8) {
            byte[] exact = new byte[(int) size];
            int off = 0;
            for (int n; off < exact.length && (n = in.read(exact, off, exact.length - off)) > 0; ) {
                off += n;
            }
            int next = in.read();
            if (off == exact.length && next < 0) {
                return exact;
            }
            // the recorded size was wrong: keep what was read and take the rest as it comes
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(off + 1, 1 << 16));
            out.write(exact, 0, off);
            if (next >= 0) {
                out.write(next);
            }
            return drain(in, out);
        }
        return drain(in, new ByteArrayOutputStream(1 << 16));
    }

    private static byte[] drain(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
