package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The documented verdicts for what the engine cannot fully check: request input past
 * rasp.request.max_input_bytes, a statement with request input that cannot be lexed, and a
 * native library that cannot be loaded (the application then runs unprotected, but runs).
 */
@ExtendWith(AppLogsOnFailure.class)
class AgentLimitsIT {

    private static final String PAD = "x".repeat(3000);

    private static AppProcess start(String name, String... jvmArgs) {
        AppProcess.Builder b = AppProcess.builder(name, ItConfig.javaxJar()).mode("block");
        for (String a : jvmArgs) {
            b.jvmArg(a);
        }
        return b.start().awaitReady(Duration.ofSeconds(120));
    }

    private static JsonNode awaitEvent(AppProcess app, int mark, String rule) {
        EventLog log = new EventLog(app.eventsFile());
        return EventLog.parse(log.awaitLine(mark, n -> rule.equals(EventLog.text(n, "rule_id")), Duration.ofSeconds(10),
            "an event with rule " + rule).get(0));
    }

    @Test
    void inputPastTheLimitGetsTheOverflowVerdict() {
        AppProcess app = start("javax-overflow", "-Drasp.request.max_input_bytes=2048");
        try {
            Http http = new Http(app.baseUrl());
            Http.Resp small = http.get("/h2/users/by-name?name=alice");
            assertEquals(200, small.status(), "a request within the limit is served: " + small);

            int mark = new EventLog(app.eventsFile()).mark();
            Http.Resp big = http.get("/h2/users/by-name?name=alice", "X-Pad", PAD);
            assertEquals(403, big.status(), "an over-limit request may not reach SQL unchecked: " + big);
            JsonNode body = Scenario.json(big.body());
            assertEquals("limits.input_overflow", body.path("rule").asText(), big.toString());
            JsonNode event = awaitEvent(app, mark, "limits.input_overflow");
            assertEquals("blocked", event.path("action").asText());
            assertEquals("low", event.path("confidence").asText());
            assertEquals("limits", event.path("category").asText());
        } finally {
            app.stop();
        }
    }

    @Test
    void overflowVerdictIsConfigurable() {
        AppProcess app = start("javax-overflow-monitor", "-Drasp.request.max_input_bytes=2048",
            "-Drasp.request.on_overflow=monitor");
        try {
            int mark = new EventLog(app.eventsFile()).mark();
            Http.Resp big = new Http(app.baseUrl()).get("/h2/users/by-name?name=alice", "X-Pad", PAD);
            assertEquals(200, big.status(), "on_overflow=monitor lets the request through: " + big);
            JsonNode event = awaitEvent(app, mark, "limits.input_overflow");
            assertEquals("monitored", event.path("action").asText());
        } finally {
            app.stop();
        }
    }

    @Test
    void unparsableStatementWithInputIsBlockedByDefaultAndConfigurable() {
        AppProcess blocking = start("javax-unparsable-block");
        try {
            int mark = new EventLog(blocking.eventsFile()).mark();
            // `it's` concatenated into a string literal leaves a quote open: the lexer cannot read it.
            Http.Resp r = new Http(blocking.baseUrl()).get("/h2/users/by-name?name=" + Http.enc("it's"));
            assertEquals(403, r.status(), r.toString());
            assertEquals("sqli.unparsable", Scenario.json(r.body()).path("rule").asText(), r.toString());
            assertEquals("medium", awaitEvent(blocking, mark, "sqli.unparsable").path("confidence").asText());
        } finally {
            blocking.stop();
        }
        AppProcess allowing = start("javax-unparsable-allow", "-Drasp.sql.on_unparsable=allow");
        try {
            Http.Resp r = new Http(allowing.baseUrl()).get("/h2/users/by-name?name=" + Http.enc("it's"));
            assertTrue(r.status() != 403, "on_unparsable=allow hands the statement to the driver: " + r);
            Http.Resp attack = new Http(allowing.baseUrl()).get("/h2/users/by-name?name=" + Http.enc("' OR '1'='1"));
            assertEquals(403, attack.status(), "other rules stay in force: " + attack);
        } finally {
            allowing.stop();
        }
    }

    @Test
    void nativeDirThatIsNotADirectoryIsABadValue() throws Exception {
        Path notADirectory = ItConfig.newWorkDir("native-dir").resolve("plain-file");
        Files.writeString(notADirectory, "not a directory");
        AppProcess app = AppProcess.builder("javax-bad-native-dir", ItConfig.javaxJar()).mode("block")
            .jvmArg("-Drasp.native.dir=" + notADirectory).start();
        try {
            assertTrue(app.awaitExit(Duration.ofSeconds(60)) != 0, "a bad rasp.native.dir stops the start");
            String want = "rasp: bad value '" + notADirectory + "' for rasp.native.dir (RASP_NATIVE_DIR): use an existing, writable directory";
            assertTrue(app.stderrText().lines().anyMatch(l -> l.contains(want)), app.stderrText());
        } finally {
            app.stop();
        }
    }

    /**
     * The agent loads its classes from rasp.jar's entries: a start writes nothing into java.io.tmpdir
     * but the native library's per-user cache (rasp.native.dir's default), and a JVM killed with
     * SIGKILL, whose exit hooks never run, leaves nothing else behind either.
     */
    @Test
    void aStartWritesNothingIntoTheTemporaryDirectoryButTheNativeCache() throws Exception {
        Path tmp = ItConfig.newWorkDir("private-tmpdir");
        Path cache = tmp.resolve("rasp-native-" + System.getProperty("user.name"));
        // sqlite-jdbc, in the application, extracts its own library into java.io.tmpdir unless told otherwise
        Path sqlite = ItConfig.newWorkDir("sqlite-tmpdir");
        AppProcess app = start("javax-private-tmpdir", "-Djava.io.tmpdir=" + tmp, "-Dorg.sqlite.tmpdir=" + sqlite);
        try {
            Http.Resp r = new Http(app.baseUrl()).get("/h2/users/by-name?name=" + Http.enc("' OR '1'='1"));
            assertEquals(403, r.status(), "protected: " + r);
            assertEquals(java.util.List.of(cache), entries(tmp), "while running: only the native cache in " + tmp);
            ProcessHandle.of(app.pid()).ifPresent(ProcessHandle::destroyForcibly);
            assertEquals(137, app.awaitExit(Duration.ofSeconds(20)), "killed with SIGKILL");
        } finally {
            app.stop();
        }
        assertEquals(java.util.List.of(cache), entries(tmp), "after SIGKILL: only the native cache in " + tmp);
    }

    private static java.util.List<Path> entries(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().collect(java.util.stream.Collectors.toList());
        }
    }

    /**
     * rasp.native.dir points the extraction elsewhere (hosts whose /tmp is noexec): the library goes to the
     * per-user cache there once, and a second start loads that same file without writing it again.
     */
    @Test
    void nativeLibraryIsCachedWhereRaspNativeDirSays() throws Exception {
        Path dir = ItConfig.newWorkDir("native-dir-ok").resolve("exec-ok");
        Files.createDirectories(dir);
        Path cache = dir.resolve("rasp-native-" + System.getProperty("user.name"));
        Path library;
        java.nio.file.attribute.FileTime written;
        AppProcess app = start("javax-native-dir", "-Drasp.native.dir=" + dir);
        try {
            assertTrue(app.agentLogLines().stream().anyMatch(l -> l.contains("started") && l.contains("native_dir=" + dir)),
                "the start line names rasp.native.dir: " + app.agentLogLines());
            try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
                assertEquals(java.util.Collections.singletonList(cache), entries.collect(java.util.stream.Collectors.toList()),
                    "only the cache directory in rasp.native.dir");
            }
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
            try (java.util.stream.Stream<Path> entries = Files.list(cache)) {
                // the library and the JIT directive file (both written before premain returns), nothing else
                java.util.List<Path> files = entries.collect(java.util.stream.Collectors.toList());
                java.util.List<Path> libraries = files.stream().filter(f -> f.getFileName().toString().endsWith(".so"))
                    .collect(java.util.stream.Collectors.toList());
                assertEquals(1, libraries.size(), "one library: " + files);
                assertEquals(2, files.size(), "the library and the directive, no temporary file: " + files);
                assertTrue(files.stream().allMatch(f -> libraries.contains(f)
                    || f.getFileName().toString().matches("rasp-jit-[0-9a-f]{8}\\.json")), "no temporary file: " + files);
                library = libraries.get(0);
            }
            assertTrue(library.getFileName().toString().matches("librasp_jni-[0-9a-f]{8}-[0-9]+\\.so"), library.toString());
            written = Files.getLastModifiedTime(library);
            Http.Resp r = new Http(app.baseUrl()).get("/h2/users/by-name?name=" + Http.enc("' OR '1'='1"));
            assertEquals(403, r.status(), "protected with the library loaded from there: " + r);
        } finally {
            app.stop();
        }
        final Path cached = library;
        AppProcess again = start("javax-native-dir-again", "-Drasp.native.dir=" + dir, "-Drasp.debug.startup=true");
        try {
            assertTrue(again.agentLogLines().stream().anyMatch(l -> l.contains("native library found in " + cached)),
                "the second start loads the cached file: " + again.agentLogLines());
            assertEquals(written, Files.getLastModifiedTime(library), "not written again");
            Http.Resp r = new Http(again.baseUrl()).get("/h2/users/by-name?name=" + Http.enc("' OR '1'='1"));
            assertEquals(403, r.status(), "protected: " + r);
        } finally {
            again.stop();
        }
    }

    /** A cache directory others may write to is not trusted: the library is extracted privately and removed. */
    @Test
    void aCacheDirectoryOpenToOthersIsNotUsed() throws Exception {
        Path dir = ItConfig.newWorkDir("native-dir-open").resolve("exec-ok");
        Path cache = Files.createDirectories(dir.resolve("rasp-native-" + System.getProperty("user.name")));
        Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        AppProcess app = start("javax-native-dir-open", "-Drasp.native.dir=" + dir);
        try {
            assertTrue(app.agentLogLines().stream().anyMatch(l -> l.contains("native library cache not used (" + cache
                    + " is open to others")), "the log says why: " + app.agentLogLines());
            try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
                assertEquals(java.util.Collections.singletonList(cache), entries.collect(java.util.stream.Collectors.toList()),
                    "the private copy is gone once loaded");
            }
            try (java.util.stream.Stream<Path> entries = Files.list(cache)) {
                assertEquals(0, entries.count(), "nothing written into the open directory");
            }
            Http.Resp r = new Http(app.baseUrl()).get("/h2/users/by-name?name=" + Http.enc("' OR '1'='1"));
            assertEquals(403, r.status(), "protected with the private copy: " + r);
        } finally {
            app.stop();
        }
    }

    /** A rasp.jar whose native library is missing (as on an unsupported platform) still lets the application start. */
    @Test
    void missingNativeLibraryLeavesTheApplicationRunningUnprotected() throws Exception {
        Path stripped = ItConfig.newWorkDir("stripped-agent").resolve("rasp-without-native.jar");
        try (ZipFile in = new ZipFile(ItConfig.agentJar().toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(stripped))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                if (e.getName().startsWith("native/")) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        }
        AppProcess app = AppProcess.builder("javax-no-native", ItConfig.javaxJar()).withoutAgent()
            .jvmArg("-javaagent:" + stripped).start().awaitReady(Duration.ofSeconds(120));
        try {
            assertTrue(app.agentLogLines().stream().anyMatch(l -> l.contains("UNPROTECTED")),
                "one clear log line says the application runs unprotected: " + app.logs());
            Http.Resp r = new Http(app.baseUrl()).get("/h2/users/by-name?name=" + Http.enc("' OR '1'='1"));
            assertEquals(200, r.status(), "unprotected, the application still serves: " + r);
        } finally {
            app.stop();
        }
    }
}
