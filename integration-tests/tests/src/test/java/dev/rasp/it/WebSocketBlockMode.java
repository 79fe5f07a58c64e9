package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The WebSocket block-mode checks ({@link WebSocketScenario}) against one application with rasp.jar in block mode;
 * {@link WebSocketBlockModeIT} (Spring on Tomcat) and {@link JavaxWebSocketBlockModeIT} (Jetty) say which.
 *
 * <ol>
 *   <li>every attack of {@link WsCase} on a default session: the handler gets RaspBlockedException (its error reply
 *       names it, no rows), the framework closes the session with an error code, exactly one blocked event
 *       (websocket/message or query/name = the attack, sink value holds it, block_response none, request WEBSOCKET on
 *       the endpoint's path), the marker never created; the twin on a new session: exactly alice, no event;</li>
 *   <li>the same on a keep-open session ({@code ?errors=keep-open}: the endpoint swallows the exception), the twin on
 *       the same session (for the message cases);</li>
 *   <li>one session, five messages: each judged against its own payload;</li>
 *   <li>at shutdown the engine stats line: no context left open, no engine error, a block per attack.</li>
 * </ol>
 */
@ExtendWith(AppLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebSocketBlockMode {
    AppProcess app;
    WebSocketScenario ws;
    int attacks;

    /** Starts the application in block mode (not yet ready). */
    abstract AppProcess startApp();

    /** The cases of this application. */
    abstract Stream<WsCase> cases();

    /** Extra checks after every session is closed, before the shutdown (Spring: contexts_live via /debug/rasp-stats). */
    void afterSessions() {
    }

    @BeforeAll
    void start() {
        app = startApp().awaitReady(Duration.ofSeconds(180));
        ws = new WebSocketScenario(app);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    Stream<WsCase> sqlMessageCases() {
        return cases().filter(c -> !c.via.handshake() && c.sink == WsCase.Sink.SQL);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Order(10)
    void attackIsBlockedThenTheFrameworkClosesTheSession(WsCase c) {
        attacks++;
        ws.assertBlocked(c, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Order(20)
    void attackIsBlockedAndTheSessionServesTheTwin(WsCase c) {
        attacks++;
        ws.assertBlocked(c, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sqlMessageCases")
    @Order(30)
    void eachMessageIsJudgedAgainstItsOwnPayload(WsCase c) {
        attacks += 2;
        ws.assertEachMessageJudgedAlone(c);
    }

    @Test
    @Order(90)
    void afterTheSessions() {
        afterSessions();
    }

    /** At shutdown the agent's stats line: no context left open (no message's, no handshake's), no engine error. */
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
        assertTrue(stats.path("blocks").asInt() >= attacks, "a block per WebSocket attack (" + attacks + "): " + stats);
    }
}
