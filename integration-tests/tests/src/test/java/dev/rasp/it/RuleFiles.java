package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rule sets for the rules ITs, made the way a user makes them: TOML sources in a directory,
 * compiled by the real CLI ({@code target/release/rasp rules compile}, built by the agent's
 * Maven build), read back only for the id in the header (docs/rules.md §3).
 */
final class RuleFiles {
    private RuleFiles() {}

    /** The CLI the agent build used to compile the built-in set. */
    static Path cli() {
        for (String p : new String[] {System.getProperty("rasp.it.raspCli"), System.getProperty("rasp.it.raspCliFallback")}) {
            if (p != null && Files.isExecutable(Paths.get(p))) {
                return Paths.get(p).toAbsolutePath().normalize();
            }
        }
        fail("the rasp CLI was not found (-Drasp.it.raspCli=" + System.getProperty("rasp.it.raspCli")
            + "); build it with cargo build --release -p rasp-cli (the agent's Maven build does)");
        throw new AssertionError();
    }

    /**
     * Writes {@code ruleset.toml} (name, version) and {@code rules.toml} (the given [[rule]] tables) into a fresh
     * directory under {@code work} and compiles it into {@code <dir>.rules}. Fails with the CLI's output.
     */
    static Path compile(Path work, String name, String version, String rulesToml) {
        try {
            Path dir = Files.createDirectories(work.resolve(name + "-" + version + "-src"));
            Files.writeString(dir.resolve("ruleset.toml"), "name = \"" + name + "\"\nversion = \"" + version + "\"\n");
            Files.writeString(dir.resolve("rules.toml"), rulesToml);
            Path out = work.resolve(name + "-" + version + ".rules");
            List<String> cmd = new ArrayList<>(List.of(cli().toString(), "rules", "compile", dir.toString(), "-o", out.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("rasp rules compile did not finish: " + cmd);
            }
            assertEquals(0, p.exitValue(), "rasp rules compile " + dir + " failed:\n" + output);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The set's id from the compiled file's header: {@code name@version+checksum8}. */
    static String id(Path compiled) {
        try {
            byte[] b = Files.readAllBytes(compiled);
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("RASPRULS", new String(b, 0, 8, StandardCharsets.US_ASCII), "magic of " + compiled);
            int headerLength = buf.getInt(12);
            JsonNode header = EventLog.parse(new String(b, 16, headerLength, StandardCharsets.UTF_8));
            return header.path("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One path sink rule (scan = "sink", when = "input-overlaps") with the mandatory examples: it fires when a
     * request input holding {@code word} names the file the application opens. (A path rule, because a SQL sink
     * rule ignores matches inside string literals, where a plain test word would sit.)
     */
    static String pathWordRule(String id, String word, String mode) {
        return "[[rule]]\n"
            + "id = \"" + id + "\"\n"
            + "category = \"path\"\n"
            + "scan = \"sink\"\n"
            + "sinks = [\"path\"]\n"
            + "when = \"input-overlaps\"\n"
            + "severity = \"high\"\n"
            + "mode = \"" + mode + "\"\n"
            + "message = \"Request input names a file with the test word " + word + "\"\n"
            + "patterns = ['''\\b" + word + "\\b''']\n"
            + "\n[[rule.match]]\n"
            + "sink = \"/srv/app/files/" + word + ".txt\"\n"
            + "input = \"" + word + ".txt\"\n"
            + "\n[[rule.pass]]\n"
            + "sink = \"/srv/app/files/notes.txt\"\n"
            + "input = \"notes.txt\"\n\n";
    }
}
