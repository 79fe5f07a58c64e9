package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The starter-app started with -javaagent:rasp.jar as well: the starter finds the agent and does nothing twice
 * (one agent start line), says that Spring properties do not reach an agent configured at JVM start, and still
 * reports the agent's work.
 */
@ExtendWith(AppLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StarterWithJavaagentIT {
    AppProcess app;

    @BeforeAll
    void start() {
        // -javaagent with -Drasp.mode=block, and a Spring property that asks for monitor
        app = AppProcess.builder("starter-javaagent", StarterApp.jar()).mode("block").appArg("--rasp.mode=monitor")
            .start().awaitReady(Duration.ofSeconds(180));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void theAgentStartsOnce() {
        List<String> starts = StarterApp.agentStartLines(app);
        assertEquals(1, starts.size(), "agent start lines: " + app.agentLogLines());
        assertFalse(starts.get(0).contains("(attached)"), starts.get(0));
        assertFalse(app.agentLogLines().stream().anyMatch(l -> l.contains("already started")), app.agentLogLines().toString());
        String log = app.stdoutText();
        assertTrue(log.contains("the JVM was started with -javaagent:rasp.jar; the starter did not load it again"), app.logs());
        assertTrue(log.contains("these rasp.* Spring properties did not reach it: [rasp.mode]"), app.logs());
    }

    @Test
    void theJavaagentsConfigurationRulesAndTheEndpointReportsIt() {
        Http.Resp r = Endpoint.BY_NAME.send(new Http(app.baseUrl()), "h2", "' OR '1'='1");
        assertEquals(403, r.status(), "-Drasp.mode=block must win over the Spring rasp.mode=monitor: " + r);
        JsonNode e = StarterApp.endpoint(app);
        assertTrue(e.path("protected").asBoolean(), e.toString());
        assertEquals("ALREADY_PRESENT", e.path("installation").path("state").asText(), e.toString());
        assertEquals("-javaagent", e.path("agent").path("loadedBy").asText(), e.toString());
        assertTrue(e.path("verdicts").path("blocked").path("sqli.tautology").asLong() >= 1, e.toString());
        assertTrue(StarterApp.metric(app, "rasp.verdicts", "COUNT", "rule:sqli.tautology", "action:blocked") >= 1);
    }
}
