package dev.rasp.it;

import static dev.rasp.it.RuleChecks.assertBlockedBy;
import static dev.rasp.it.RuleChecks.assertServedQuietly;
import static dev.rasp.it.RuleChecks.awaitLogLine;
import static dev.rasp.it.RuleChecks.countLogLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A user rule file ({@code rasp.rules.file}) watched with {@code rasp.rules.reload_seconds=1}: a new set is
 * swapped in while the application serves requests, a touch reloads nothing, garbage and a file caught mid-write
 * are rejected while the last good set keeps protecting, a file past rasp.rules.max_file_bytes is refused unread and
 * said once, and the events and the shutdown stats name the set in use. A typo'd -D key is one warning at start.
 * The sets are compiled from TOML by the real CLI; each adds one word rule on the file sink.
 */
@ExtendWith(AppLogsOnFailure.class)
class RulesReloadIT {
    private static final Duration RELOAD = Duration.ofSeconds(15);

    private static final String[] WORDS = {"plugh", "xyzzy", "frobozz"};

    /** Reads {@code <word>.txt} from the file area (each exists: a 200 when no rule stops it). */
    private static String read(String word) {
        return "/files/read?name=" + word + ".txt";
    }

    private static String byName(String name) {
        return "/h2/users/by-name?name=" + Http.enc(name);
    }

    @Test
    void theWatchedFileIsSwappedInAndTheLastGoodSetSurvivesBadFiles() throws Exception {
        Path work = ItConfig.newWorkDir("rules-reload-sets");
        String plugh = RuleFiles.pathWordRule("it.reload.plugh", "plugh", "block");
        String xyzzy = RuleFiles.pathWordRule("it.reload.xyzzy", "xyzzy", "block");
        String frobozz = RuleFiles.pathWordRule("it.reload.frobozz", "frobozz", "block");
        Path v1 = RuleFiles.compile(work, "it-reload", "1.0.0", plugh);
        Path v2 = RuleFiles.compile(work, "it-reload", "2.0.0", plugh + xyzzy);
        Path v3 = RuleFiles.compile(work, "it-reload", "3.0.0", plugh + xyzzy + frobozz);
        String id1 = RuleFiles.id(v1);
        String id2 = RuleFiles.id(v2);
        String id3 = RuleFiles.id(v3);
        assertTrue(id1.startsWith("it-reload@1.0.0+"), id1);
        Path active = work.resolve("active.rules");
        Files.copy(v1, active);

        // A typo on the command line: the agent says so once at start, with the key meant, and ignores it
        // (the blocks below show block mode, not monitor).
        AppProcess app = AppProcess.builder("spring-rules-reload", ItConfig.springJar())
            .jvmArg("-Drasp.rules.file=" + active).jvmArg("-Drasp.rules.reload_seconds=1").jvmArg("-Drasp.mdoe=monitor")
            .start().awaitReady(Duration.ofSeconds(180));
        String statsLine;
        try {
            Scenario s = new Scenario(app);
            assertEquals(1, countLogLines(app, "[rasp] ignoring unknown key 'rasp.mdoe' (system property); did you mean rasp.mode?"),
                app.agentLogLines().toString());
            assertEquals(1, countLogLines(app, "ignoring unknown key"), app.agentLogLines().toString());
            for (String w : WORDS) {
                Files.writeString(app.filesRoot().resolve("www").resolve("data").resolve(w + ".txt"), w + " content\n");
            }
            String loaded = awaitLogLine(app, "[rasp] rules " + id1 + " loaded", Duration.ofSeconds(1));
            assertTrue(Pattern.compile("\\(1 rules, (hyperscan|portable) backend\\) from " + Pattern.quote(active.toString()))
                .matcher(loaded).find(), loaded);

            // set 1: plugh blocks, xyzzy passes
            assertBlockedBy(RuleChecks.get(s, read("plugh")), "path", "it.reload.plugh");
            assertServedQuietly(RuleChecks.get(s, read("xyzzy")));

            // set 2, written over the file in place (a reader may catch it half-written: rejected, then re-read)
            Files.write(active, Files.readAllBytes(v2));
            awaitLogLine(app, "[rasp] rules reloaded: " + id1 + " -> " + id2 + " (2 rules)", RELOAD);
            JsonNode ev = assertBlockedBy(RuleChecks.get(s, read("xyzzy")), "path", "it.reload.xyzzy");
            assertEquals(id2, EventLog.text(ev, "rule_set"), "the event names the set that decided: " + ev);
            assertBlockedBy(RuleChecks.get(s, read("plugh")), "path", "it.reload.plugh");
            RuleChecks.Outcome notes = RuleChecks.get(s, "/files/read?name=notes.txt");
            assertServedQuietly(notes);
            assertTrue(notes.resp().body().contains("quarterly numbers"), notes.toString());

            // a touch (same bytes, new time) reloads nothing
            long reloads = countLogLines(app, "[rasp] rules reloaded:");
            long rejections = countLogLines(app, " rejected: ");
            Files.setLastModifiedTime(active, FileTime.from(Instant.now().plusSeconds(5)));
            AppProcess.sleep(2500); // two polls at least
            assertEquals(reloads, countLogLines(app, "[rasp] rules reloaded:"), "a touch must not reload");
            assertEquals(rejections, countLogLines(app, " rejected: "), "nor reject: " + app.agentLogLines());

            // garbage: rejected, set 2 stays in force
            Files.writeString(active, "this is not a rule file\n");
            String rejected = awaitLogLine(app, "[rasp] rules file " + active + " rejected: ", RELOAD);
            assertTrue(rejected.endsWith("; keeping " + id2), rejected);
            ev = assertBlockedBy(RuleChecks.get(s, read("xyzzy")), "path", "it.reload.xyzzy");
            assertEquals(id2, EventLog.text(ev, "rule_set"), ev.toString());
            RuleChecks.Outcome tautology = RuleChecks.get(s, byName("' OR '1'='1"));
            String builtIn = tautology.only().path("rule_id").asText();
            assertTrue(builtIn.startsWith("sqli."), "a built-in detector decides: " + tautology);
            ev = assertBlockedBy(tautology, "sqli", builtIn);
            assertEquals(id2, EventLog.text(ev, "rule_set"), "the built-in detectors run under the set in use: " + ev);
            assertServedQuietly(RuleChecks.get(s, read("frobozz")));

            // set 3 caught mid-write: the first half fails the checksum, the finished file is loaded
            byte[] b3 = Files.readAllBytes(v3);
            long rejectionsBefore = countLogLines(app, "[rasp] rules file " + active + " rejected: ");
            Files.write(active, Arrays.copyOf(b3, b3.length / 2));
            awaitRejections(app, active, rejectionsBefore + 1);
            assertServedQuietly(RuleChecks.get(s, read("frobozz")));
            Files.write(active, b3);
            awaitLogLine(app, "[rasp] rules reloaded: " + id2 + " -> " + id3 + " (3 rules)", RELOAD);
            ev = assertBlockedBy(RuleChecks.get(s, read("frobozz")), "path", "it.reload.frobozz");
            assertEquals(id3, EventLog.text(ev, "rule_set"), ev.toString());
            assertServedQuietly(RuleChecks.get(s, "/files/read?name=notes.txt"));
            assertServedQuietly(RuleChecks.get(s, byName("alice")));

            // a file past rasp.rules.max_file_bytes (sparse: nothing on the disk) dropped in as the watched file:
            // refused from its size, said once however many polls see it, set 3 stays in force
            long limit = 64L << 20;
            Path huge = work.resolve("huge.rules");
            try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
                f.setLength(limit + 1);
            }
            Files.move(huge, active, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            String refused = awaitLogLine(app, "[rasp] rules file " + active + " rejected: it is " + (limit + 1)
                + " bytes, more than rasp.rules.max_file_bytes (" + limit + ")", RELOAD);
            assertTrue(refused.endsWith("; keeping " + id3), refused);
            AppProcess.sleep(3500); // three polls at least
            assertEquals(1, countLogLines(app, "[rasp] rules file " + active + " rejected: it is "), app.agentLogLines().toString());
            ev = assertBlockedBy(RuleChecks.get(s, read("frobozz")), "path", "it.reload.frobozz");
            assertEquals(id3, EventLog.text(ev, "rule_set"), ev.toString());
            assertTrue(app.agentLogLines().stream().noneMatch(l -> l.contains("OutOfMemoryError")), app.agentLogLines().toString());
        } finally {
            app.stop();
        }
        statsLine = awaitLogLine(app, "[rasp] engine stats ", Duration.ofSeconds(5));
        assertTrue(statsLine.contains("\"rule_set\":\"" + id3 + "\""), statsLine);
        Matcher loads = Pattern.compile("\"rules_loaded\":(\\d+)").matcher(statsLine);
        Matcher rejects = Pattern.compile("\"rules_rejected\":(\\d+)").matcher(statsLine);
        assertTrue(loads.find() && rejects.find(), statsLine);
        assertEquals(3, Integer.parseInt(loads.group(1)), "the start and two reloads: " + statsLine);
        assertTrue(Integer.parseInt(rejects.group(1)) >= 2, "the garbage and the half file: " + statsLine);
    }

    private static void awaitRejections(AppProcess app, Path file, long atLeast) {
        long deadline = System.nanoTime() + RELOAD.toNanos();
        String line = "[rasp] rules file " + file + " rejected: ";
        while (countLogLines(app, line) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no rejection of the half-written file within " + RELOAD + ": " + app.agentLogLines());
            }
            AppProcess.sleep(50);
        }
    }

    /** A user rule file the engine cannot load stops the start with one line naming rasp.rules.file. */
    @Test
    void aBrokenRuleFileStopsTheStart() throws Exception {
        Path work = ItConfig.newWorkDir("rules-broken");
        Path broken = work.resolve("broken.rules");
        Files.write(broken, "RASPRULS but not really".getBytes(StandardCharsets.UTF_8));
        AppProcess app = AppProcess.builder("javax-broken-rules", ItConfig.javaxJar())
            .jvmArg("-Drasp.rules.file=" + broken).start();
        try {
            int status = app.awaitExit(Duration.ofSeconds(60));
            assertNotEquals(0, status, "exit status");
            String prefix = "rasp: bad value '" + broken + "' for rasp.rules.file (RASP_RULES_FILE): ";
            String line = app.stderrText().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("stderr lacks a line starting '" + prefix + "':\n" + app.stderrText()));
            assertTrue(line.endsWith("; use a file made by rasp rules compile"), line);
            assertTrue(line.length() > prefix.length() + "; use a file made by rasp rules compile".length(),
                "the engine's reason is in the line: " + line);
        } finally {
            app.stop();
        }
    }
}
