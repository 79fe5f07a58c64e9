package dev.rasp.core.rules;

import dev.rasp.core.config.AgentConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watcher and the manager against a stand-in engine that accepts a "rule file" whose text
 * starts with "SET " (its id follows) and rejects anything else, the way the real engine rejects
 * garbage and a file cut short (checksum).
 */
class RuleFileWatcherTest {

    @TempDir
    Path tmp;

    private final FakeEngine engine = new FakeEngine();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream stderr;
    private Path file;
    private AgentConfig config;

    @BeforeEach
    void captureLog() throws IOException {
        stderr = System.err;
        System.setErr(new PrintStream(log, true, "UTF-8"));
        file = tmp.resolve("rules.bin");
    }

    @AfterEach
    void restoreLog() {
        System.setErr(stderr);
    }

    private String log() {
        return new String(log.toByteArray(), StandardCharsets.UTF_8);
    }

    private RuleSetManager manager(String... extraProperties) {
        Properties sys = new Properties();
        sys.setProperty("user.dir", tmp.toString());
        sys.setProperty("java.io.tmpdir", tmp.toString());
        sys.setProperty("rasp.rules.file", file.toString());
        sys.setProperty("rasp.rules.reload_seconds", "0"); // the tests poll by hand unless they ask for the thread
        for (int i = 0; i + 1 < extraProperties.length; i += 2) {
            sys.setProperty(extraProperties[i], extraProperties[i + 1]);
        }
        config = AgentConfig.resolve(sys, new HashMap<String, String>());
        return new RuleSetManager(config.rules(), RuleSource.file(config.rules().file(), config.rules().maxFileBytes()), engine);
    }

    private void write(String content, long mtimeSeconds) throws IOException {
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(file, FileTime.fromMillis(mtimeSeconds * 1000));
    }

    private RuleFileWatcher started(RuleSetManager m) throws IOException {
        assertNull(m.initEngine("mode=block\n".getBytes(StandardCharsets.UTF_8)));
        return new RuleFileWatcher(m, file, 1, config.rules().maxFileBytes(), FileState.of(file), FileState.digest(Files.readAllBytes(file)));
    }

    @Test
    void startLoadsTheFileAndLogsTheSet() throws IOException {
        write("SET one", 100);
        RuleSetManager m = manager();
        started(m);
        assertEquals("SET one", engine.initRules);
        assertTrue(log().contains("[rasp] rules one loaded (1 rules, portable backend) from " + file), log());
        assertEquals("one", m.currentId());
    }

    @Test
    void aBrokenFileAtStartStopsTheStartNamingTheKey() throws IOException {
        write("garbage", 100);
        String message = assertThrows(dev.rasp.core.config.ConfigException.class,
                () -> manager().initEngine(new byte[0])).getMessage();
        assertEquals("rasp: bad value '" + file + "' for rasp.rules.file (RASP_RULES_FILE): not a rasp rule file "
                + "(bad magic); use a file made by rasp rules compile", message);
    }

    @Test
    void reloadsOnAChangeIgnoresATouchAndKeepsTheLastGoodSet() throws IOException {
        write("SET one", 100);
        RuleSetManager m = manager();
        RuleFileWatcher w = started(m);
        List<String> active = new ArrayList<>();
        assertNull(m.activate(active::add), "reload_seconds=0: no thread, the test polls");
        assertEquals(1, active.size(), "the set in use is announced at activation");

        w.poll();
        assertEquals(0, engine.loads.size(), "nothing changed");

        write("SET one", 200); // touched: same bytes, new time
        w.poll();
        assertEquals(0, engine.loads.size(), "a touch reloads nothing");

        write("SET two", 300);
        w.poll();
        assertEquals(1, engine.loads.size());
        assertEquals("two", m.currentId());
        assertTrue(log().contains("[rasp] rules reloaded: one -> two (1 rules)"), log());
        assertEquals("[one, two]", active.toString());

        write("SET thr", 400); // cut short by a writer still at work: the engine rejects it
        Files.write(file, "SET t".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(file, FileTime.fromMillis(400_000));
        engine.rejectShort = true;
        w.poll();
        assertTrue(log().contains("[rasp] rules file " + file + " rejected: checksum mismatch; keeping two"), log());
        assertEquals("two", m.currentId());
        w.poll();
        w.poll();
        assertEquals(2, engine.loads.size(), "a rejected file is not tried again until it changes");

        write("SET three", 500); // the writer finished
        w.poll();
        assertEquals(3, engine.loads.size());
        assertEquals("three", m.currentId());
        assertTrue(log().contains("[rasp] rules reloaded: two -> three (1 rules)"), log());

        write("garbage", 600);
        w.poll();
        assertTrue(log().contains("rejected: not a rasp rule file (bad magic); keeping three"), log());
        assertEquals("three", m.currentId());
        assertEquals("[one, two, three]", active.toString(), "only accepted sets are announced");
    }

    @Test
    void aVanishedFileIsReportedOnceAndPickedUpWhenItReturns() throws IOException {
        write("SET one", 100);
        RuleSetManager m = manager();
        RuleFileWatcher w = started(m);
        Files.delete(file);
        w.poll();
        w.poll();
        String l = log();
        assertEquals(l.indexOf(" rejected: cannot read it"), l.lastIndexOf(" rejected: cannot read it"), l);
        assertTrue(l.contains("[rasp] rules file " + file + " rejected: cannot read it (java.nio.file.NoSuchFileException: "
                + file + "); keeping one"), l);
        write("SET two", 200);
        w.poll();
        assertEquals("two", m.currentId());
    }

    private long count(String needle) {
        String l = log();
        long n = 0;
        for (int i = l.indexOf(needle); i >= 0; i = l.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aFileThatFailsToLoadIsReportedOncePerChange() throws IOException {
        write("SET one", 100);
        RuleSetManager m = manager();
        RuleFileWatcher w = started(m);
        write("garbage", 200);
        for (int i = 0; i < 5; i++) {
            w.check();
        }
        assertEquals(1, count(" rejected: "), log());
        assertEquals(1, engine.loads.size(), "read and handed over once");
        write("garbage, again", 300); // changed: news
        w.check();
        w.check();
        assertEquals(2, count(" rejected: not a rasp rule file (bad magic); keeping one"), log());
        assertEquals("one", m.currentId());
    }

    /** Whatever the failure: here the engine itself throws (as an OutOfMemoryError did on every poll, forever). */
    @Test
    void aFailureNobodyExpectedIsReportedOncePerChangeToo() throws IOException {
        write("SET one", 100);
        RuleSetManager m = manager();
        RuleFileWatcher w = started(m);
        engine.throwOnLoad = new OutOfMemoryError("Java heap space");
        write("SET two", 200);
        for (int i = 0; i < 5; i++) {
            w.check();
        }
        assertEquals(1, count(" rejected: could not be checked (java.lang.OutOfMemoryError: Java heap space); keeping one"),
                log());
        write("SET three", 300);
        w.check();
        w.check();
        assertEquals(2, count(" rejected: could not be checked"), log());
        engine.throwOnLoad = null;
        write("SET four", 400);
        w.check();
        assertEquals("four", m.currentId(), "the watcher lives on");
    }

    @Test
    void aFileThatVanishesTwiceIsReportedTwice() throws IOException {
        write("SET one", 100);
        RuleSetManager m = manager();
        RuleFileWatcher w = started(m);
        Files.delete(file);
        w.check();
        w.check();
        write("SET two", 200);
        w.check();
        Files.delete(file);
        w.check();
        w.check();
        assertEquals(2, count(" rejected: cannot read it (java.nio.file.NoSuchFileException"), log());
    }

    /** A sparse file: its size is past the limit, nothing is on the disk, and reading it whole would take 64 MiB. */
    private void sparse(Path f, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    @Test
    void anOversizeFileIsRefusedFromItsSizeOnReloadOncePerChange() throws IOException {
        write("SET one", 100);
        RuleSetManager m = manager();
        RuleFileWatcher w = started(m);
        long limit = config.rules().maxFileBytes();
        assertEquals(64L << 20, limit, "the documented default");
        sparse(file, limit + 1);
        for (int i = 0; i < 5; i++) {
            w.check();
        }
        assertEquals(1, count("[rasp] rules file " + file + " rejected: it is " + (limit + 1)
                + " bytes, more than rasp.rules.max_file_bytes (" + limit + "); keeping one"), log());
        assertEquals(0, engine.loads.size(), "never handed to the engine");
        sparse(file, limit + 2);
        w.check();
        w.check();
        assertEquals(2, count(" rejected: it is "), log());
        sparse(file, 0);
        write("SET two", 300);
        w.check();
        assertEquals("two", m.currentId());
    }

    /** At the largest limit: reading the file whole would take a gigabyte of heap, so passing says it was not read. */
    @Test
    void anOversizeFileAtStartStopsTheStartNamingTheKeyAndTheSize() throws IOException {
        long limit = 1L << 30;
        sparse(file, limit + 1);
        RuleSetManager m = manager("rasp.rules.max_file_bytes", Long.toString(limit));
        long t0 = System.nanoTime();
        String message = assertThrows(dev.rasp.core.config.ConfigException.class,
                () -> m.initEngine(new byte[0])).getMessage();
        assertEquals("rasp: bad value '" + file + "' for rasp.rules.file (RASP_RULES_FILE): the file is " + (limit + 1)
                + " bytes, more than rasp.rules.max_file_bytes (" + limit + "); use a file made by rasp rules compile, "
                + "or raise rasp.rules.max_file_bytes", message);
        assertNull(engine.initRules, "the engine never saw it");
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "refused from its size, not read");
    }

    @Test
    void readAtMostReadsAFileUnderTheLimitWhole() throws IOException {
        write("SET one", 100);
        assertEquals("SET one", new String(RuleSource.readAtMost(file, 7), StandardCharsets.UTF_8));
        RuleSource.TooLarge e = assertThrows(RuleSource.TooLarge.class, () -> RuleSource.readAtMost(file, 6));
        assertEquals(7, e.size);
    }

    @Test
    void reloadWarnsAboutSettingsNamingRulesTheNewSetLacks() throws IOException {
        write("SET one", 100);
        RuleSetManager m = manager();
        RuleFileWatcher w = started(m);
        engine.unknownIds = "\"sql.policy.gone\"";
        write("SET two", 200);
        w.poll();
        assertTrue(log().contains("[rasp] warning: rule set two has no rule sql.policy.gone, which the configuration names"),
                log());
    }

    @Test
    void theWatcherThreadRunsOnlyForAUserFileWithAPeriod() throws Exception {
        write("SET one", 100);
        RuleSetManager never = manager("rasp.rules.reload_seconds", "0");
        never.initEngine(new byte[0]);
        assertNull(never.activate(null));

        RuleSetManager m = manager("rasp.rules.reload_seconds", "1");
        m.initEngine(new byte[0]);
        Thread t = m.activate(null);
        try {
            assertEquals("rasp-rules-watcher", t.getName());
            assertTrue(t.isDaemon());
            write("SET two", 200);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!m.currentId().equals("two") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals("two", m.currentId());
        } finally {
            t.interrupt();
            t.join(5000);
        }
    }

    /** Accepts "SET <id>"; "bad magic" for anything else; with rejectShort, "checksum mismatch" for ids under 3 chars. */
    private static final class FakeEngine implements RuleSetManager.RuleEngine {
        String initRules;
        String current;
        final List<String> loads = new ArrayList<>();
        boolean rejectShort;
        String unknownIds = "";
        Error throwOnLoad;

        private String check(byte[] rules) {
            String text = new String(rules, StandardCharsets.UTF_8);
            if (!text.startsWith("SET ")) {
                return "not a rasp rule file (bad magic)";
            }
            if (rejectShort && text.length() < 7) {
                return "checksum mismatch";
            }
            return null;
        }

        @Override
        public String init(byte[] configLines, byte[] rules) {
            initRules = rules == null ? null : new String(rules, StandardCharsets.UTF_8);
            String error = rules == null ? null : check(rules);
            if (error != null) {
                return "rule set: " + error;
            }
            current = rules == null ? "none" : initRules.substring(4);
            return null;
        }

        @Override
        public String loadRules(byte[] rules) {
            loads.add(new String(rules, StandardCharsets.UTF_8));
            if (throwOnLoad != null) {
                throw throwOnLoad;
            }
            String error = check(rules);
            if (error == null) {
                current = new String(rules, StandardCharsets.UTF_8).substring(4);
            }
            return error;
        }

        @Override
        public String rulesInfo() {
            return "{\"id\":\"" + current + "\",\"rules\":1,\"backend\":\"portable\",\"unknown_rule_ids\":[" + unknownIds + "]}";
        }
    }
}
