package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring Boot 3 / Tomcat 10 with rasp.jar in block mode: the request's context follows the work to every hand-off of
 * {@link HandOff} (executors, the fork-join pool, CompletableFuture, threads, AsyncContext.start, Spring MVC's async
 * return values, {@code @Async}), so the injection reached from another thread is blocked like one on the serving
 * thread: 403 with the contract body, one blocked event naming the input and the request, with a {@code handoff}
 * (via, thread) and {@code block_response}; the benign twin passes without an event. Also the command and the file
 * sink through the pool, a task that reaches its sink after the response is complete (blocked, block_response
 * "none"), tasks that never run (their contexts are released once collected), and no context left at shutdown.
 *
 * <p>{@link HandOffVulnerableWithoutAgentIT} proves every attack here works without the agent.
 */
@ExtendWith(AppLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HandOffBlockModeIT {
    static AppProcess app;
    static HandOffScenario h;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-handoff-block").mode("block").start().awaitReady(Duration.ofSeconds(180));
        h = new HandOffScenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
    }

    static Stream<HandOff> handOffs() {
        return HandOff.springJdk17();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handOffs")
    @Order(10)
    void attackIsBlocked(HandOff ho) {
        h.assertBlocked(ho);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handOffs")
    @Order(20)
    void benignTwinPasses(HandOff ho) {
        h.assertBenign(ho);
    }

    @Test
    @Order(30)
    void commandThroughThePoolIsBlocked() {
        h.assertSinkBlockedThroughPool(HandOffScenario.CMD_ATTACK);
        new SinkScenario(app).assertBenign(HandOffScenario.CMD_BENIGN);
    }

    @Test
    @Order(31)
    void fileReadThroughThePoolIsBlocked() {
        h.assertSinkBlockedThroughPool(HandOffScenario.FILE_ATTACK);
        new SinkScenario(app).assertBenign(HandOffScenario.FILE_BENIGN);
    }

    /**
     * The response is complete ("accepted") before the pool task reaches its sink: the command is still blocked (the
     * task gets RaspBlockedException, the marker never appears), and the event says no 403 could be sent.
     */
    @Test
    @Order(40)
    void taskAfterTheResponseIsBlockedWithoutAnAnswer() {
        int mark = h.s.events.mark();
        long sent = System.nanoTime();
        HandOffScenario.Late l = h.sendLate();
        List<String> problems = new ArrayList<>();
        if (l.answer().status() != 200 || !"accepted".equals(l.answer().body())) {
            problems.add("answer " + l.answer() + ", expected 200 accepted");
        }
        JsonNode result = h.awaitLateResult(l, Duration.ofSeconds(10));
        // the scenario is about time: the marker is watched for 2 s after the request
        if (HandOffScenario.markerAppearsWithin(l.marker(), sent, Duration.ofSeconds(2))) {
            problems.add("the injected touch ran: " + l.marker() + " exists");
        }
        Scenario.expectEq(problems, "late-result exception", HandOffScenario.BLOCKED_EXCEPTION,
            result.path("exception").asText(null));
        if (!result.path("committed").asBoolean(false)) {
            problems.add("the response was not committed before the task ran: " + result);
        }
        List<String> evs = h.s.eventsSince(mark);
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        if (!evs.isEmpty()) {
            JsonNode ev = EventLog.parse(evs.get(0));
            String p = "event: ";
            Scenario.expectEq(problems, p + "action", "blocked", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, p + "category", "cmdi", EventLog.text(ev, "category"));
            Scenario.expectEq(problems, p + "rule_id", "cmdi.shell", EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, p + "input.source", "query", EventLog.text(ev, "input.source"));
            Scenario.expectEq(problems, p + "input.name", "name", EventLog.text(ev, "input.name"));
            Scenario.expectEq(problems, p + "input.value", l.input(), EventLog.text(ev, "input.value"));
            String sinkValue = EventLog.text(ev, "sink.value");
            if (sinkValue == null || !sinkValue.contains(l.input())) {
                problems.add(p + "sink.value does not contain the input: " + sinkValue);
            }
            Scenario.expectEq(problems, p + "request.path", "/handoff/late", EventLog.text(ev, "request.path"));
            HandOffScenario.checkHandOff(ev, "executor", "handoff-pool-", true, false, problems);
            Scenario.expectEq(problems, p + "block_response", "none", EventLog.text(ev, "block_response"));
        }
        if (!problems.isEmpty()) {
            fail("/handoff/late <- " + l.input() + ":\n  - " + String.join("\n  - ", problems) + "\n  late-result: "
                + result + "\n  events : " + (evs.isEmpty() ? "none" : String.join("\n           ", evs)));
        }
    }

    /**
     * Tasks discarded by a saturated pool, returned by shutdownNow, cancelled before they ran or rejected never run:
     * nothing is checked (no event), and their contexts are released (contexts_live back to 0): at once for the
     * rejected ones, once they are garbage for the others. Each never-run request also runs a constant count on its
     * serving thread, so it opens a context of its own.
     */
    @Test
    @Order(90)
    void contextsOfTasksThatNeverRunAreReleased() {
        JsonNode before = h.awaitNoLiveContext(Duration.ofSeconds(10),
            "before the never-run requests (contexts the earlier cases left open)");
        int mark = h.s.events.mark();
        int requests = 0;
        for (int i = 0; i < 3; i++) {
            for (String name : List.of(HandOffScenario.ATTACK, HandOffScenario.BENIGN)) {
                Http.Resp r = h.s.http.get("/handoff/h2/never-run?name=" + Http.enc(name));
                assertEquals(200, r.status(), r.toString());
                JsonNode b = Scenario.json(r.body());
                assertEquals(0, b.path("ran").asInt(-1), "a task ran: " + b);
                assertEquals(2, b.path("discarded").asInt(), "discarded: " + b);
                assertEquals(2, b.path("returned").asInt(), "returned by shutdownNow: " + b);
                assertEquals(2, b.path("cancelled").asInt(), "cancelled before they ran: " + b);
                assertEquals(2, b.path("rejected").asInt(), "rejected by a shut-down executor: " + b);
                requests++;
            }
        }
        // for the log: an agent that opens a context per captured task holds them here, until they are collected
        System.out.println("engine stats after " + requests + " never-run requests, before a gc: " + h.stats());
        List<String> evs = h.s.eventsSince(mark);
        assertTrue(evs.isEmpty(), "the tasks never ran, so nothing was checked; events: " + evs);
        JsonNode after = h.awaitNoLiveContext(Duration.ofSeconds(10), "after " + requests + " never-run requests");
        if (before.has("contexts_opened") && after.has("contexts_opened")) {
            assertTrue(after.path("contexts_opened").asLong() >= before.path("contexts_opened").asLong() + requests,
                "each never-run request reached a sink (SELECT COUNT(*)) and opened a context: before " + before
                    + ", after " + after);
        }
    }

    /** At shutdown the agent's stats line: no context left open, no engine error. */
    @Test
    @Order(100)
    void noContextLeftAtShutdown() {
        app.stop();
        assertTrue(app.awaitExit(Duration.ofSeconds(30)) >= 0);
        List<String> statsLines = app.stderrText().lines()
            .filter(l -> l.contains("[rasp] engine stats "))
            .collect(Collectors.toList());
        assertEquals(1, statsLines.size(), "one stats line at shutdown:\n" + app.stderrText());
        String line = statsLines.get(0);
        JsonNode stats = EventLog.parse(line.substring(line.indexOf('{')));
        assertEquals(0, stats.path("contexts_live").asInt(-1), "no context left open: " + stats);
        assertEquals(0, stats.path("errors").asInt(-1), "no engine error: " + stats);
        // the agent's own Java side too: answering and ending blocked async requests (a complete()
        // the container refuses, a recycled request read for telemetry) counted none
        List<String> contained = app.stderrText().lines()
            .filter(l -> l.contains("[rasp] internal error") || l.contains("internal error(s) were contained"))
            .collect(Collectors.toList());
        assertEquals(List.of(), contained, "no internal error contained by the agent");
        // A block the AsyncContext.start task answered ends that runnable normally: Tomcat's wrapper
        // would otherwise log it and set 500 and the error state on response objects that, once the
        // request is completed, may already serve the connection's next request (an error page).
        List<String> escaped = app.stdoutText().lines()
            .filter(l -> l.contains("Error during processing of asynchronous Runnable"))
            .collect(Collectors.toList());
        assertEquals(List.of(), escaped, "no block exception left an AsyncContext.start runnable after its 403");
        assertTrue(stats.path("blocks").asInt() >= HandOff.springJdk17().count() + 3,
            "a block per hand-off attack, the command, the file and the late task: " + stats);
    }
}
