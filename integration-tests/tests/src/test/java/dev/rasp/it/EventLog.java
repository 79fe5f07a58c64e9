package dev.rasp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /** Every complete line, raw. */
    public List<String> lines() {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                String line = text.substring(start, i);
                if (!line.isBlank()) {
                    out.add(line);
                }
                start = i + 1;
            }
        }
        return out;
    }

    public int mark() {
        return lines().size();
    }

    /** The complete lines after a mark. */
    public List<String> linesSince(int mark) {
        List<String> all = lines();
        return mark >= all.size() ? List.of() : new ArrayList<>(all.subList(mark, all.size()));
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
