package dev.rasp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The agent's JSON-lines event file. Only complete lines (ending in '\n') count: the writer is a background
 * thread and may be in the middle of a line. A mark is a number of complete lines.
 */
public final class EventLog {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public EventLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * What was read of each file so far: the file is append-only, so each call reads only the bytes added since the
     * last (an application shared by many classes writes several MB; polling re-read it all before).
     */
    private static final Map<Path, Tail> TAILS = new HashMap<>();

    private static final class Tail {
        long offset;
        Object fileKey;
        /** The file's first bytes as read: a new file at the path (rotation) starts differently. */
        byte[] head = new byte[0];
        final List<String> lines = new ArrayList<>();

        void reset() {
            offset = 0;
            fileKey = null;
            head = new byte[0];
            lines.clear();
        }
    }

    private static final int HEAD = 64;

    private static byte[] readHead(FileChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // read what is there
        }
        return buf.position() == n ? buf.array() : Arrays.copyOf(buf.array(), buf.position());
    }

    /** Every complete line, raw. */
    public List<String> lines() {
        synchronized (TAILS) {
            return new ArrayList<>(refresh());
        }
    }

    private List<String> refresh() {
        Tail t = TAILS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new Tail());
        if (!Files.exists(file)) {
            t.reset();
            return t.lines;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            if (size < t.offset || (key != null && t.fileKey != null && !key.equals(t.fileKey))
                    || !Arrays.equals(t.head, readHead(ch, t.head.length))) {
                // another file at the path (the agent follows a renamed or deleted file with a new one)
                t.reset();
            }
            t.fileKey = key;
            if (size == t.offset) {
                return t.lines;
            }
            ByteBuffer buf = ByteBuffer.allocate((int) (size - t.offset));
            while (buf.hasRemaining() && ch.read(buf, t.offset + buf.position()) > 0) {
                // read what is there
            }
            byte[] bytes = buf.array();
            int end = buf.position();
            int start = 0;
            for (int i = 0; i < end; i++) {
                if (bytes[i] == '\n') {
                    // '\n' is never inside a multi-byte UTF-8 sequence
                    String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                    if (!line.isBlank()) {
                        t.lines.add(line);
                    }
                    start = i + 1;
                }
            }
            t.offset += start; // an incomplete last line is read again next time
            if (t.head.length < HEAD && t.offset > t.head.length) {
                t.head = readHead(ch, (int) Math.min(HEAD, t.offset));
            }
            return t.lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int mark() {
        synchronized (TAILS) {
            return refresh().size();
        }
    }

    /** The complete lines after a mark. */
    public List<String> linesSince(int mark) {
        synchronized (TAILS) {
            List<String> all = refresh();
            return mark >= all.size() ? List.of() : new ArrayList<>(all.subList(mark, all.size()));
        }
    }

    public static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("event line is not JSON: " + line, e);
        }
    }

    /**
     * Waits until a line after the mark satisfies the predicate; returns the lines after the mark up to and
     * including the first such line. Fails after the timeout with what was seen.
     */
    public List<String> awaitLine(int mark, Predicate<JsonNode> which, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> since = linesSince(mark);
            for (int i = 0; i < since.size(); i++) {
                JsonNode n;
                try {
                    n = JSON.readTree(since.get(i));
                } catch (IOException e) {
                    continue;
                }
                if (which.test(n)) {
                    return new ArrayList<>(since.subList(0, i + 1));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no event for " + what + " within " + timeout + " in " + file
                    + "; lines after the mark: " + since);
            }
            AppProcess.sleep(15);
        }
    }

    static String text(JsonNode n, String path) {
        JsonNode cur = n;
        for (String p : path.split("\\.")) {
            if (cur == null) {
                return null;
            }
            cur = cur.get(p);
        }
        return cur == null || cur.isNull() ? null : cur.isValueNode() ? cur.asText() : cur.toString();
    }
}
