package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When the starter does not load the agent (switched off, or the JVM forbids it) the application starts, the
 * attacks work, and the log and the actuator endpoint say that it is unprotected and why.
 */
@ExtendWith(AppLogsOnFailure.class)
class StarterUnprotectedIT {

    static void attackTakesEffect(AppProcess app) {
        Http.Resp r = Endpoint.BY_NAME.send(new Http(app.baseUrl()), "h2", "' OR '1'='1");
        assertEquals(200, r.status(), r.toString());
        assertEquals(Case.ALL, Endpoint.BY_NAME.names(Scenario.json(r.body())), "the tautology should return every row: " + r);
        SinkScenario.assertTakesEffect(app, SinkCases.findAttack("spring", SinkEndpoint.READ, SinkCases.SECRET_UP));
    }

    @Test
    void attachDisabled() {
        try (AppProcess app = StarterApp.builder("starter-disabled").appArg("--rasp.attach.enabled=false").start()
                .awaitReady(Duration.ofSeconds(180))) {
            attackTakesEffect(app);
            assertEquals(List.of(), StarterApp.agentStartLines(app), app.logs());
            assertTrue(app.stdoutText().contains("rasp.attach.enabled=false: the RASP agent is not loaded and this application is UNPROTECTED"),
                app.logs());
            assertFalse(app.stdoutText().contains("stays idle"), "the command line kept the early load out:\n" + app.logs());
            JsonNode e = StarterApp.endpoint(app);
            assertFalse(e.path("protected").asBoolean(true), e.toString());
            assertEquals("DISABLED", e.path("installation").path("state").asText(), e.toString());
            assertEquals(404, new Http(app.baseUrl()).get("/actuator/metrics/rasp.checks").status(), "meters without an agent");
        }
    }

    /**
     * rasp.mode=off from a source the early load cannot read (SPRING_APPLICATION_JSON, as application.properties
     * would be): rasp.jar was loaded at the start and stays idle, nothing is hooked, and the log says how to keep
     * it out.
     */
    @Test
    void modeOffFromAPropertySourceLeavesTheEarlyLoadIdle() {
        try (AppProcess app = StarterApp.builder("starter-off-json").env("SPRING_APPLICATION_JSON", "{\"rasp\":{\"mode\":\"off\"}}")
                .start().awaitReady(Duration.ofSeconds(180))) {
            attackTakesEffect(app);
            assertEquals(List.of(), StarterApp.agentStartLines(app), app.logs());
            String log = app.stdoutText();
            assertTrue(log.contains("rasp.mode=off: the RASP agent is not started (rasp.jar was loaded at the application's start, "
                + "before this rasp.mode was read, and stays idle"), app.logs());
            assertTrue(log.contains("give rasp.mode on the command line, as -D or in the environment"), app.logs());
            assertEquals("MODE_OFF", StarterApp.endpoint(app).path("installation").path("state").asText(), app.logs());
        }
    }

    @Test
    void attachForbiddenByTheJvm() {
        try (AppProcess app = StarterApp.builder("starter-noattach").jvmArg("-XX:+DisableAttachMechanism").start()
                .awaitReady(Duration.ofSeconds(180))) {
            attackTakesEffect(app);
            assertEquals(List.of(), StarterApp.agentStartLines(app), app.logs());
            String log = app.stdoutText();
            assertTrue(log.contains("ERROR") && log.contains("the RASP agent could not be loaded: the JVM runs with -XX:+DisableAttachMechanism")
                && log.contains("UNPROTECTED") && log.contains("-javaagent:rasp.jar"), "no clear error line:\n" + app.logs());
            JsonNode e = StarterApp.endpoint(app);
            assertFalse(e.path("protected").asBoolean(true), e.toString());
            assertEquals("FAILED", e.path("installation").path("state").asText(), e.toString());
        }
    }
}
