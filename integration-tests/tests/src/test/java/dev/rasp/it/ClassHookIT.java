package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Java and none failed.
 */
@ExtendWith(AppLogsOnFailure.class)
class ClassHookIT {

    private static final Pattern HOOK_STATS = Pattern.compile(
        "native class hook looked at (\\d+) loads in [0-9.]+ ms, handed (\\d+) classes to the transformer, (\\d+) changed, (\\d+) errors");

    @ParameterizedTest(name = "class hook {0}")
    @ValueSource(strings = {"native", "java"})
    void attacksAreBlockedAndTwinsServed(String hook) {
        AppProcess.Builder b = AppProcess.builder("classhook-" + hook, ItConfig.springJar()).mode("block")
            .jvmArg("-Drasp.debug.startup=true");
        if (hook.equals("java")) {
            b.jvmArg("-Drasp.debug.classhook=java");
        }
        try (AppProcess app = b.start().awaitReady(Duration.ofSeconds(180))) {
            Scenario s = new Scenario(app);
            SinkScenario sinks = new SinkScenario(app);
            List<Executable> checks = new ArrayList<>();
            checks.add(() -> s.assertBlocked("h2", Case.attack(Endpoint.BY_NAME, "' OR '1'='1")));
            checks.add(() -> s.assertBlocked("sqlite", Case.attack(Endpoint.JSON_BY_NAME,
                "' UNION SELECT id,token,token,token FROM secrets--")));
            checks.add(() -> s.assertBenign("h2", Case.names(Endpoint.BY_NAME, "alice", "alice")));
            checks.add(() -> s.assertBenign("sqlite", Case.names(Endpoint.SAFE_BY_NAME, "O'Brien", "O'Brien")));
            for (SinkCase c : List.of(
                    SinkCases.findAttack("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1; touch {M}"),
                    SinkCases.findAttack("spring", SinkEndpoint.READ, SinkCases.SECRET_UP),
                    SinkCases.findAttack("spring", SinkEndpoint.WRITE, "../x-{N}.txt"))) {
                checks.add(() -> sinks.assertBlocked(c));
            }
            for (SinkCase c : List.of(
                    SinkCases.findBenign("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1"),
                    SinkCases.findBenign("spring", SinkEndpoint.READ, "report..v2.txt"),
                    SinkCases.findBenign("spring", SinkEndpoint.WRITE, "new-{N}.txt"))) {
                checks.add(() -> sinks.assertBenign(c));
            }
            HandOffScenario h = new HandOffScenario(app);
            for (HandOff ho : List.of(HandOff.EXECUTOR_SUBMIT, HandOff.COMPLETABLE, HandOff.TIMER)) {
                checks.add(() -> h.assertBlocked(ho));
                checks.add(() -> h.assertBenign(ho));
            }
            assertAll("class hook " + hook + ": attacks and twins", checks);

            app.stop();
            String log = app.stderrText();
            Matcher stats = HOOK_STATS.matcher(log);
            boolean found = false;
            while (stats.find()) { // the last line: printed at the end of premain, then at shutdown
                found = true;
            }
            if (hook.equals("native")) {
                assertTrue(log.contains("startup: native class hook installed"), "the native hook is the default:\n" + app.logs());
                assertTrue(found, "the hook's figures at shutdown:\n" + app.logs());
                Matcher last = HOOK_STATS.matcher(log.substring(log.lastIndexOf("native class hook looked at")));
                assertTrue(last.find());
                long seen = Long.parseLong(last.group(1));
                long handed = Long.parseLong(last.group(2));
                long changed = Long.parseLong(last.group(3));
                String errors = last.group(4);
                assertAll("the native hook's figures: " + last.group(),
                    () -> assertTrue(seen > 5_000, "a Spring Boot start loads thousands of classes after the agent"),
                    () -> assertTrue(handed * 5 < seen, "most loads never reach Java"),
                    () -> assertTrue(changed > 50, "the application's hooked classes were woven at load"),
                    () -> assertTrue(errors.equals("0"), "no load failed in the hook"));
                // the same counters in the engine's stats (JMX, the starter's endpoint, the shutdown line)
                String engineStats = app.agentLogLines().stream().filter(l -> l.contains("engine stats")).reduce((a, c) -> c)
                    .orElse("");
                assertTrue(engineStats.contains("\"class_loads_seen\":") && engineStats.contains("\"class_hook_errors\":0"),
                    "the hook's counters in the engine stats: " + engineStats);
            } else {
                assertTrue(log.contains("startup: transformer installed"), "the java.lang.instrument transformer:\n" + app.logs());
                assertTrue(!log.contains("class_loads_seen"), "no hook counters without the hook:\n" + app.logs());
                assertTrue(!found, "no native hook installed:\n" + app.logs());
            }
            JdkMatrixSmokeIT.assertQuietAgent(app);
        }
    }
}
