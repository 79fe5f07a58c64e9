package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The starter on JDK 25 (Temurin): it loads the agent at run time, says what the JVM's dynamic-agent warning is
 * about and how to silence it, and protects; with -XX:-EnableDynamicAgentLoading it cannot, and says so.
 */
@ExtendWith(AppLogsOnFailure.class)
class StarterJdk25SmokeIT {

    @BeforeAll
    static void jdk25() {
        if (!Files.isExecutable(ItConfig.jdk25Java())) {
            Assumptions.assumeFalse(ItConfig.skipJdk25(), "JDK 25 skipped (-Drasp.it.skipJdk25=true)");
            fail("JDK 25 not found at " + ItConfig.jdk25Java() + " (set -Drasp.it.jdk25.home=<jdk dir>), "
                + "or pass -Drasp.it.skipJdk25=true to skip the JDK 25 smoke tests");
        }
    }

    @Test
    void loadsTheAgentExplainsTheWarningAndBlocks() {
        try (AppProcess app = StarterApp.builder("starter-jdk25").java(ItConfig.jdk25Java()).start()
                .awaitReady(Duration.ofSeconds(180))) {
            assertEquals(1, StarterApp.agentStartLines(app).size(), app.logs());
            assertTrue(app.stderrText().contains("A Java agent has been loaded dynamically"), "no JVM warning:\n" + app.logs());
            assertTrue(app.stdoutText().contains("To silence them, start the JVM with -XX:+EnableDynamicAgentLoading")
                    && app.stdoutText().contains("--enable-native-access=ALL-UNNAMED (for the agent's native library, JEP 472)"),
                "the starter does not explain the warning:\n" + app.logs());
            Scenario s = new Scenario(app);
            s.assertBlocked("h2", Case.attack(Endpoint.BY_NAME, "' OR '1'='1"));
            s.assertBenign("h2", Case.names(Endpoint.BY_NAME, "alice", "alice"));
            SinkScenario sinks = new SinkScenario(app);
            sinks.assertBlocked(SinkCases.findAttack("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1; touch {M}"));
            sinks.assertBlocked(SinkCases.findAttack("spring", SinkEndpoint.READ, SinkCases.SECRET_UP));
            sinks.assertBenign(SinkCases.findBenign("spring", SinkEndpoint.READ, "report..v2.txt"));
            assertEquals("ATTACHED", StarterApp.endpoint(app).path("installation").path("state").asText());
            assertEquals("in-process", StarterApp.endpoint(app).path("installation").path("method").asText());
        }
    }

    @Test
    void theFlagsTheStarterNamesSilenceTheJvm() {
        // The test app's own libraries (Netty under WebClient, XStream) call sun.misc.Unsafe, which JDK 25 warns
        // about at their first use; that warning is theirs, not the agent's, and is silenced the JDK's way.
        // and through the helper JVM, the way a JVM without the DiagnosticCommand MBean loads the agent
        try (AppProcess app = StarterApp.builder("starter-jdk25-quiet").java(ItConfig.jdk25Java())
                .jvmArg("-XX:+EnableDynamicAgentLoading").jvmArg("--enable-native-access=ALL-UNNAMED")
                .jvmArg("--sun-misc-unsafe-memory-access=allow").jvmArg("-Drasp.debug.attach=helper-jvm")
                .start().awaitReady(Duration.ofSeconds(180))) {
            assertEquals(1, StarterApp.agentStartLines(app).size(), app.logs());
            assertTrue(app.stdoutText().contains("ms (helper-jvm; loaded at the application's start in "), app.logs());
            assertTrue(!app.stderrText().contains("WARNING:"), "JVM warnings despite the flags:\n" + app.stderrText());
            assertTrue(!app.stdoutText().contains("To silence them"), app.logs());
            Http.Resp r = Endpoint.BY_NAME.send(new Http(app.baseUrl()), "h2", "' OR '1'='1");
            assertEquals(403, r.status(), r.toString());
        }
    }

    @Test
    void dynamicAgentsForbiddenLeavesItUnprotectedAndSaysSo() {
        try (AppProcess app = StarterApp.builder("starter-jdk25-nodyn").java(ItConfig.jdk25Java())
                .jvmArg("-XX:-EnableDynamicAgentLoading").start().awaitReady(Duration.ofSeconds(180))) {
            assertEquals(List.of(), StarterApp.agentStartLines(app), app.logs());
            assertTrue(app.stdoutText().contains("the JVM runs with -XX:-EnableDynamicAgentLoading: use -XX:+EnableDynamicAgentLoading, "
                + "or start the JVM with -javaagent:rasp.jar"), app.logs());
            StarterUnprotectedIT.attackTakesEffect(app);
        }
    }
}
