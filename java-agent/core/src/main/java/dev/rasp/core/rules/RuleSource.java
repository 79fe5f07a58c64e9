package dev.rasp.core.rules;

import dev.rasp.core.AgentJarResource;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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

    /** The rule file's fixed preamble: magic, format version, header length (docs/rules.md §3). */
    static final int PREAMBLE = 16;
    private static final byte[] MAGIC = "RASPRULS".getBytes(StandardCharsets.US_ASCII);
    /** How the header's part begins (the engine writes {@code len} first, without spaces). */
    private static final String PART_KEY = "\"hyperscan_part\":{\"len\":";

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
        return readBuiltIn(false);
    }

    /**
     * The built-in set cut right after its Hyperscan part, when its header names one (rule file
     * format 2, docs/rules.md §3): the meta and {@code hs.*} sections, which are all the engine reads
     * when it scans with Hyperscan. The {@code dfa.*} sections after them are most of the file (4.4 of
     * the default set's 5 MB), and rasp.jar stores it deflated: stopping there inflates a seventh of it
     * at every start. A header without a part (an older file, or one with no Hyperscan databases) gives
     * the whole file. Only for the built-in set: a user's file is read whole, since its watcher
     * compares whole-file digests. If the engine must scan with the portable backend after all, its
     * init says so ({@link dev.rasp.core.engine.Engine#WHOLE_FILE_NEEDED}) and the caller reads
     * {@link #read()}.
     */
    public byte[] readHyperscanPart() throws IOException {
        if (file != null) {
            return read();
        }
        return readBuiltIn(true);
    }

    /** The built-in set from rasp.jar: whole, or up to the end of its Hyperscan part ({@code part}). */
    private byte[] readBuiltIn(final boolean part) throws IOException {
        byte[] rules = AgentJarResource.read(agentJar, BUILT_IN_RESOURCE, new AgentJarResource.Reader<byte[]>() {
            @Override
            public byte[] read(InputStream in) throws IOException {
                return read(in, -1);
            }

            @Override
            public byte[] read(InputStream in, long size) throws IOException {
                return part ? readPart(in, size) : readAll(in, size);
            }
        });
        if (rules == null) {
            throw new FileNotFoundException(BUILT_IN_RESOURCE + " is missing from " + AgentJarResource.where(agentJar));
        }
        return rules;
    }

    /**
     * The preamble, header and Hyperscan part of the file in {@code in} ({@code size} its whole length,
     * -1 when unknown); the whole file when the header names no part or anything looks wrong, so that
     * the engine's own checks name the problem.
     */
    static byte[] readPart(InputStream in, long size) throws IOException {
        byte[] preamble = readUpTo(in, PREAMBLE);
        if (preamble.length < PREAMBLE || !Arrays.equals(Arrays.copyOf(preamble, MAGIC.length), MAGIC)) {
            return rest(preamble, in, size);
        }
        long headerLen = le32(preamble, 12);
        if (size >= 0 ? headerLen > size - PREAMBLE : headerLen > (1 << 24)) {
            return rest(preamble, in, size);
        }
        byte[] header = readUpTo(in, (int) headerLen);
        byte[] head = concat(preamble, header, header.length);
        long part = header.length == headerLen ? partLength(header) : -1;
        if (part < 0 || (size >= 0 && part > size - head.length) || part > Integer.MAX_VALUE - 8 - head.length) {
            return rest(head, in, size);
        }
        byte[] out = Arrays.copyOf(head, head.length + (int) part);
        int off = head.length;
        for (int r; off < out.length && (r = in.read(out, off, out.length - off)) > 0; ) {
            off += r;
        }
        return off == out.length ? out : Arrays.copyOf(out, off);
    }

    /** True when {@code rules} is a rule file's preamble, header and the Hyperscan part it names, nothing more. */
    static boolean isHyperscanPart(byte[] rules) {
        if (rules.length < PREAMBLE) {
            return false;
        }
        long headerLen = le32(rules, 12);
        if (headerLen > rules.length - PREAMBLE) {
            return false;
        }
        long part = partLength(Arrays.copyOfRange(rules, PREAMBLE, PREAMBLE + (int) headerLen));
        return part >= 0 && PREAMBLE + headerLen + part == rules.length;
    }

    /** The {@code len} of the header's {@code hyperscan_part}, or -1 when it names none. */
    static long partLength(byte[] header) {
        String text = new String(header, StandardCharsets.UTF_8);
        int at = text.indexOf(PART_KEY);
        if (at < 0) {
            return -1;
        }
        long len = 0;
        int i = at + PART_KEY.length();
        int digits = 0;
        for (; i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9' && digits < 18; i++, digits++) {
            len = len * 10 + (text.charAt(i) - '0');
        }
        return digits > 0 && i < text.length() && text.charAt(i) == ',' ? len : -1;
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    /** Up to {@code n} bytes: fewer only at the end of the stream. */
    private static byte[] readUpTo(InputStream in, int n) throws IOException {
        byte[] out = new byte[n];
        int off = 0;
        for (int r; off < n && (r = in.read(out, off, n - off)) > 0; ) {
            off += r;
        }
        return off == n ? out : Arrays.copyOf(out, off);
    }

    /** {@code head}, then the rest of the stream. */
    private static byte[] rest(byte[] head, InputStream in, long size) throws IOException {
        byte[] tail = readAll(in, size >= 0 ? Math.max(0, size - head.length) : -1);
        return concat(head, tail, tail.length);
    }

    private static byte[] concat(byte[] a, byte[] b, int bLen) {
        byte[] out = Arrays.copyOf(a, a.length + bLen);
        System.arraycopy(b, 0, out, a.length, bLen);
        return out;
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
