package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both ways classes reach the agent's transformer protect alike: the native class-load hook (the
 * default: a JVM TI ClassFileLoadHook that lets through only the classes a rule may match) and
 * the java.lang.instrument transformer it replaces, which the agent falls back to when the
 * library cannot install the hook ({@code -Drasp.debug.classhook=java} forces it here). One Spring
 * start each: SQL, command and path attacks blocked and their twins served, hand-offs included;
 * the start-up log says which way was taken, and for the native one that most loads never reached
 * Java and none failed, and that most classes its super types decide were left on what the hook had
 * learnt from earlier answers (every attack still blocked: none of them dropped a hooked class),
 * and that the super types their loader had loaded were described from their classes.
 */
@ExtendWith(AppLogsOnFailure.class)
class ClassHookIT {

    private static final Pattern HOOK_STATS = Pattern.compile(
        "native class hook looked at (\\d+) loads in [0-9.]+ ms, handed (\\d+) classes to the transformer, (\\d+) changed, (\\d+) errors"
            + "; super types decided (\\d+) loads: (\\d+) left on what it had learnt, (\\d+) asked about by name");

    private static final String CLASS_LOG = "classes.log";

    private static final Pattern SUPER_TYPE_READS = Pattern.compile(
        "pre-filter read (\\d+) super types' class files \\([^)]*\\) in [0-9.]+ ms; (\\d+) described from their loaded class");

    @ParameterizedTest(name = "class hook {0}")
    @ValueSource(strings = {"native", "java"})
    void attacksAreBlockedAndTwinsServed(String hook) throws Exception {
        AppProcess.Builder b = AppProcess.builder("classhook-" + hook, ItConfig.springJar()).mode("block")
            .jvmArg("-Drasp.debug.startup=true")
            // the JVM's own account of class verification (so linking) and redefinition, checked below;
            // the JDK's own classes are verified too, so that their links show
            .jvmArg("-XX:+UnlockDiagnosticVMOptions").jvmArg("-XX:+BytecodeVerificationLocal")
            .jvmArg("-Xlog:class+init=info,redefine+class+load=debug:file=" + CLASS_LOG);
        if (hook.equals("java")) {
            b.jvmArg("-Drasp.debug.classhook=java");
        }
        try (AppProcess app = b.start().awaitReady(Duration.ofSeconds(180))) {
            List<Executable> checks = JdkMatrixSmokeIT.attacksAndTwins(app, "spring",
                List.of(HandOff.EXECUTOR_SUBMIT, HandOff.COMPLETABLE, HandOff.TIMER));
            assertAll("class hook " + hook + ": attacks and twins", checks);

            app.stop();
            String log = app.stderrText();
            // the last line: printed at the end of premain, then at shutdown
            MatchResult last = null;
            for (Matcher m = HOOK_STATS.matcher(log); m.find(); ) {
                last = m.toMatchResult();
            }
            if (hook.equals("native")) {
                assertTrue(log.contains("startup: native class hook installed"), "the native hook is the default:\n" + app.logs());
                assertNotNull(last, "the hook's figures at shutdown:\n" + app.logs());
                long seen = Long.parseLong(last.group(1));
                long handed = Long.parseLong(last.group(2));
                long changed = Long.parseLong(last.group(3));
                String errors = last.group(4);
                long bySuperTypes = Long.parseLong(last.group(5));
                long learnt = Long.parseLong(last.group(6));
                long asked = Long.parseLong(last.group(7));
                assertAll("the native hook's figures: " + last.group(),
                    () -> assertTrue(seen > 5_000, "a Spring Boot start loads thousands of classes after the agent"),
                    () -> assertTrue(handed * 5 < seen, "most loads never reach Java"),
                    () -> assertTrue(bySuperTypes == learnt + asked && asked > 0,
                        "classes that declare a woven method name: some asked about by name"),
                    () -> assertTrue(learnt > asked,
                        "most of them left on what the hook learnt from the answers (siblings, JDK super types)"),
                    () -> assertTrue(changed > 50, "the application's hooked classes were woven at load"),
                    () -> assertTrue(errors.equals("0"), "no load failed in the hook"));
                // the same counters in the engine's stats (JMX, the starter's endpoint, the shutdown line)
                String engineStats = app.agentLogLines().stream().filter(l -> l.contains("engine stats")).reduce((a, c) -> c)
                    .orElse("");
                assertTrue(engineStats.contains("\"class_loads_seen\":") && engineStats.contains("\"class_hook_errors\":0")
                        && engineStats.contains("\"classes_left_on_known_super_types\":")
                        && engineStats.contains("\"class_super_types_asked\":"),
                    "the hook's counters in the engine stats: " + engineStats);
            } else {
                assertTrue(log.contains("startup: transformer installed"), "the java.lang.instrument transformer:\n" + app.logs());
                assertTrue(!log.contains("class_loads_seen"), "no hook counters without the hook:\n" + app.logs());
                assertNull(last, "no native hook installed:\n" + app.logs());
            }
            // super types their loader had loaded were described from their classes (asked of the
            // JVM through the native library) rather than read from the nested jars, either way
            MatchResult reads = null;
            for (Matcher m = SUPER_TYPE_READS.matcher(log); m.find(); ) {
                reads = m.toMatchResult();
            }
            assertNotNull(reads, "the pre-filter's figures at shutdown:\n" + app.logs());
            long described = Long.parseLong(reads.group(2));
            assertTrue(described > 100, "loaded super types described from their classes: " + reads.group());
            // the JDK classes the agent itself loads, not linked, before the install
            for (String loadedByTheAgent : List.of("sun.net.www.protocol.file.FileURLConnection",
                "java.util.concurrent.ForkJoinPool", "java.util.concurrent.ForkJoinTask")) {
                assertLinkedBeforeRetransformed(app, loadedByTheAgent);
            }
            JdkMatrixSmokeIT.assertQuietAgent(app);
        }
    }

    /**
     * A class loaded before the agent's retransformation pass but not yet linked is linked by the pass
     * before the JVM rebuilds its class file for the retransformation (LoadedClassPass.linkFirst): its
     * verification comes before the retransformation's "loading name=" line, where without the pass's link
     * the JVM would link it only inside the redefinition, after rebuilding the file. A class the
     * application's main thread was linking meanwhile gave a garbage class file and a JVM crash in a CI
     * run (JDK-8277444).
     */
    private static void assertLinkedBeforeRetransformed(AppProcess app, String className) throws java.io.IOException {
        List<String> log = java.nio.file.Files.readAllLines(app.workDir().resolve(CLASS_LOG));
        int verified = -1;
        int rebuilt = -1;
        boolean redefined = false;
        for (int i = 0; i < log.size(); i++) {
            String line = log.get(i);
            if (verified < 0 && line.endsWith("Start class verification for: " + className)) {
                verified = i;
            }
            if (rebuilt < 0 && line.contains("loading name=" + className + " ")) {
                rebuilt = i;
            }
            redefined |= line.contains("redefined name=" + className + ",");
        }
        assertTrue(redefined && rebuilt >= 0, className + " retransformed by the pass");
        assertTrue(verified >= 0 && verified < rebuilt,
            className + " verified (line " + verified + ") before the retransformation loaded its new version (line " + rebuilt + ")");
    }
}
