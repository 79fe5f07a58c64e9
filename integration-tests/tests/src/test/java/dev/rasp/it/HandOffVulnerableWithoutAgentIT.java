package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent the hand-off endpoints ({@link HandOff}) really are injectable: through every executor, thread,
 * AsyncContext.start, async dispatch and Spring MVC async return value the tautology returns every row and the benign
 * name exactly alice, on the thread the endpoint says (X-Worker-Thread); the command sink through the pool runs the
 * injected {@code touch}, the file sink through the pool serves the secret outside the base, the late task (after
 * the response) runs its injected {@code touch}, and the never-run tasks never run. The virtual-thread endpoints are
 * proven on JDK 25 (501 on JDK 17). This is what makes {@link HandOffBlockModeIT} and its siblings meaningful.
 */
@ExtendWith(AppLogsOnFailure.class)
class HandOffVulnerableWithoutAgentIT {
    static AppProcess spring;
    static AppProcess javax;

    @BeforeAll
    static void start() {
        spring = SpringBlockModeIT.springApp("spring-handoff-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-handoff-noagent", ItConfig.javaxJar()).withoutAgent().startShared(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (spring != null) {
            spring.release();
        }
        if (javax != null) {
            javax.release();
        }
    }

    static Stream<HandOff> springHandOffs() {
        return HandOff.springJdk17();
    }

    static Stream<HandOff> javaxHandOffs() {
        return HandOff.javax();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("springHandOffs")
    void springTautologyReturnsEveryRow(HandOff h) {
        new HandOffScenario(spring).assertVulnerable(h);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("springHandOffs")
    void springTwinAnswersAlice(HandOff h) {
        HandOffScenario hs = new HandOffScenario(spring);
        Http.Resp r = hs.send(h, HandOffScenario.BENIGN);
        List<String> problems = new ArrayList<>();
        HandOffScenario.checkBenignAnswer(h, r, problems);
        assertTrue(problems.isEmpty(), h + ": " + problems + "\n  answer: " + r);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaxHandOffs")
    void javaxTautologyReturnsEveryRow(HandOff h) {
        new HandOffScenario(javax).assertVulnerable(h);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaxHandOffs")
    void javaxTwinAnswersAlice(HandOff h) {
        Http.Resp r = new HandOffScenario(javax).send(h, HandOffScenario.BENIGN);
        List<String> problems = new ArrayList<>();
        HandOffScenario.checkBenignAnswer(h, r, problems);
        assertTrue(problems.isEmpty(), h + ": " + problems + "\n  answer: " + r);
    }

    @Test
    void virtualThreadEndpointsAnswer501OnJdk17() {
        HandOffScenario hs = new HandOffScenario(spring);
        for (HandOff h : List.of(HandOff.VIRTUAL, HandOff.VIRTUAL_EXECUTOR)) {
            Http.Resp r = hs.send(h, HandOffScenario.ATTACK);
            assertEquals(501, r.status(), h + " on JDK 17: " + r);
        }
    }

    /** The virtual-thread hand-offs on JDK 25: the tautology returns every row on a virtual thread, alice only alice. */
    @Test
    void virtualThreadHandOffsOnJdk25() {
        if (!Files.isExecutable(ItConfig.jdk25Java())) {
            Assumptions.assumeFalse(ItConfig.skipJdk25(), "JDK 25 skipped (-Drasp.it.skipJdk25=true)");
            fail("JDK 25 not found at " + ItConfig.jdk25Java() + " (set -Drasp.it.jdk25.home=<jdk dir>), "
                + "or pass -Drasp.it.skipJdk25=true to skip the JDK 25 tests");
        }
        AppProcess app = AppProcess.builder("spring-handoff-jdk25-noagent", ItConfig.springJar())
            .java(ItConfig.jdk25Java()).withoutAgent().start();
        try {
            app.awaitReady(Duration.ofSeconds(180));
            HandOffScenario hs = new HandOffScenario(app);
            for (HandOff h : List.of(HandOff.VIRTUAL, HandOff.VIRTUAL_EXECUTOR)) {
                hs.assertVulnerable(h);
                Http.Resp r = hs.send(h, HandOffScenario.BENIGN);
                List<String> problems = new ArrayList<>();
                HandOffScenario.checkBenignAnswer(h, r, problems);
                assertTrue(problems.isEmpty(), h + " on JDK 25: " + problems + "\n  answer: " + r);
            }
        } finally {
            app.stop();
        }
    }

    @Test
    void commandThroughThePoolRunsTheInjectedCommand() {
        SinkScenario.assertTakesEffect(spring, HandOffScenario.CMD_ATTACK);
        checkTwin(HandOffScenario.CMD_BENIGN);
    }

    @Test
    void fileReadThroughThePoolServesTheSecret() {
        SinkScenario.assertTakesEffect(spring, HandOffScenario.FILE_ATTACK);
        checkTwin(HandOffScenario.FILE_BENIGN);
    }

    private static void checkTwin(SinkCase c) {
        SinkCase.Run run = new SinkCase.Run(c, spring);
        run.prepare();
        Http.Resp r = run.send(new Http(spring.baseUrl()));
        List<String> problems = new ArrayList<>();
        SinkScenario.checkBenignAnswer(run, r, problems);
        assertTrue(problems.isEmpty(), c + ": " + problems + "\n  answer: " + r);
    }

    /** The late task runs after the response was committed, and its injected touch creates the marker. */
    @Test
    void lateTaskRunsTheInjectedCommandAfterTheResponse() {
        HandOffScenario hs = new HandOffScenario(spring);
        long sent = System.nanoTime();
        HandOffScenario.Late l = hs.sendLate();
        assertEquals(200, l.answer().status(), l.answer().toString());
        assertEquals("accepted", l.answer().body());
        JsonNode result = hs.awaitLateResult(l, Duration.ofSeconds(10));
        assertTrue(result.path("committed").asBoolean(false), "the response was committed before the task: " + result);
        assertNull(result.get("exception"), "the task failed: " + result);
        assertEquals(0, result.path("exit").asInt(-1), "the shell's status: " + result);
        assertTrue(HandOffScenario.markerAppearsWithin(l.marker(), sent, Duration.ofSeconds(2)),
            "the injected touch did not create " + l.marker() + ": " + result);
    }

    /** The tasks handed to a saturated pool and to a shut-down executor never run. */
    @Test
    void neverRunTasksNeverRun() {
        HandOffScenario hs = new HandOffScenario(spring);
        for (String name : List.of(HandOffScenario.ATTACK, HandOffScenario.BENIGN)) {
            Http.Resp r = hs.s.http.get("/handoff/h2/never-run?name=" + Http.enc(name));
            assertEquals(200, r.status(), r.toString());
            JsonNode b = Scenario.json(r.body());
            assertEquals(5, b.path("users").asInt(), "the count on the serving thread: " + b);
            assertEquals(2, b.path("discarded").asInt(), "discarded by the saturated pool: " + b);
            assertEquals(2, b.path("returned").asInt(), "returned by shutdownNow: " + b);
            assertEquals(2, b.path("cancelled").asInt(), "cancelled before they ran: " + b);
            assertEquals(2, b.path("rejected").asInt(), "rejected by a shut-down executor: " + b);
            assertEquals(0, b.path("ran").asInt(-1), "no task ran: " + b);
        }
    }

    /** Without the agent there are no engine stats (404); the gc endpoint answers. */
    @Test
    void debugEndpoints() {
        Http http = new Http(spring.baseUrl());
        assertEquals(200, http.post("/debug/gc").status());
        Http.Resp stats = http.get("/debug/rasp-stats");
        assertEquals(404, stats.status(), stats.toString());
        assertFalse(Files.exists(spring.eventsFile()), "no events file without the agent");
    }
}
