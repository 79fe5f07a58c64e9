package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A rasp.* value the agent would refuse stops the application's start with Spring Boot's failure analysis,
 * which names the key, the value, where it was set and the fix; the agent is never loaded with it.
 */
@ExtendWith(AppLogsOnFailure.class)
class StarterConfigErrorIT {

    /** name, application argument(s), YAML (or null), the fragments the failure report must hold. */
    static Stream<Arguments> badValues() {
        return Stream.of(
            Arguments.of("mode", List.of("--rasp.mode=blok"), null,
                List.of("Property: rasp.mode", "Value: \"blok\"", "commandLineArgs", "use block, monitor or off")),
            Arguments.of("rule-mode-yaml", List.of(), "rasp:\n  rules:\n    mode:\n      \"[sqli.union]\": blocker\n",
                List.of("Property: rasp.rules.mode.sqli.union", "Value: \"blocker\"", "rasp.yml", "use block, monitor or off")),
            Arguments.of("exclusion-route", List.of("--rasp.exclusion.admin.routes=admin/**"), null,
                List.of("Property: rasp.exclusion.admin.routes", "Value: \"admin/**\"", "path globs starting with /")),
            Arguments.of("max-input", List.of("--rasp.request.max-input-bytes=2GB"), null,
                List.of("Property: rasp.request.max-input-bytes", "Value: \"2GB\"", "from 1KB to 1GB")),
            Arguments.of("xxe-expansions", List.of("--rasp.xxe.max-entity-expansions=0"), null,
                List.of("Property: rasp.xxe.max-entity-expansions", "Value: \"0\"", "entity references from 1 to 100000000")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValueStopsTheStartNamingTheKey(String name, List<String> args, String yaml, List<String> expected) {
        AppProcess.Builder b = StarterApp.builder("starter-bad-" + name);
        args.forEach(b::appArg);
        if (yaml != null) {
            Path f = StarterApp.yaml("starter-bad-" + name, yaml);
            b.appArg("--spring.config.additional-location=file:" + f);
        }
        AppProcess app = b.start();
        int status = app.awaitExit(Duration.ofSeconds(120));
        assertNotEquals(0, status, "the JVM exited with 0:\n" + app.logs());
        String out = app.stdoutText() + app.stderrText();
        assertTrue(out.contains("APPLICATION FAILED TO START"), "no failure analysis:\n" + app.logs());
        for (String e : expected) {
            assertTrue(out.contains(e), "the failure report lacks '" + e + "':\n" + app.logs());
        }
        assertEquals(List.of(), StarterApp.agentStartLines(app), "the agent was loaded with a bad value");
    }

    @Test
    void aRuleTheAgentDoesNotKnowStopsTheStart() {
        // the starter checks the syntax; whether the rule exists only the agent knows: it refuses, and the
        // starter turns that into the same report
        AppProcess app = StarterApp.builder("starter-bad-rule-id").appArg("--rasp.rules.mode.sqli.no_such_rule=off").start();
        int status = app.awaitExit(Duration.ofSeconds(120));
        assertNotEquals(0, status, "the JVM exited with 0:\n" + app.logs());
        String out = app.stdoutText();
        assertTrue(out.contains("APPLICATION FAILED TO START"), "no failure analysis:\n" + app.logs());
        assertTrue(out.contains("Property: rasp.rules.mode.sqli.no_such_rule"), "the report does not name the key:\n" + app.logs());
        assertTrue(out.contains("the agent refused it"), app.logs());
        // the agent's one line, and not the JDK's stack trace of a failed agentmain
        String err = app.stderrText();
        assertTrue(err.contains("rasp: rasp.rules.mode.sqli.no_such_rule names rule"), err);
        assertTrue(!err.contains("Exception") && !err.contains("ASSERTION FAILED"), "noise on stderr:\n" + err);
    }

    @Test
    void requiredAttachThatCannotHappenStopsTheStart() {
        AppProcess app = StarterApp.builder("starter-required")
            .jvmArg("-XX:+DisableAttachMechanism")
            .appArg("--rasp.attach.required=true")
            .start();
        int status = app.awaitExit(Duration.ofSeconds(120));
        assertNotEquals(0, status, "the JVM exited with 0:\n" + app.logs());
        String out = app.stdoutText();
        assertTrue(out.contains("APPLICATION FAILED TO START"), "no failure analysis:\n" + app.logs());
        assertTrue(out.contains("-XX:+DisableAttachMechanism"), "the report does not name the cause:\n" + app.logs());
        assertTrue(out.contains("rasp.attach.required=true"), app.logs());
    }
}
