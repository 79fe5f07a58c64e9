package dev.rasp.it;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent the WebSocket endpoints ({@link WsCase}) really are injectable: the tautology sent as a text
 * message, as a binary message and as the handshake's query parameter returns every row, the command endpoint's
 * {@code 127.0.0.1; touch <marker>} creates the marker, and the benign twins answer alice (getent's localhost).
 * Also the endpoints' error path the block tests rely on: an SQL error is replied as {"error": "<class>"}, then the
 * framework closes the session with its own code (Spring 1011, Tomcat's JSR 356 1002, Jetty 1003), or with {@code ?errors=keep-open} the session stays open and serves the next
 * message. This is what makes {@link WebSocketBlockModeIT} and {@link JavaxWebSocketBlockModeIT} meaningful.
 */
@ExtendWith(AppLogsOnFailure.class)
class WebSocketVulnerableWithoutAgentIT {
    static AppProcess spring;
    static AppProcess javax;

    @BeforeAll
    static void start() {
        spring = SpringBlockModeIT.springApp("spring-ws-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-ws-noagent", ItConfig.javaxJar()).withoutAgent().startShared(Duration.ofSeconds(120));
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

    static Stream<WsCase> cases() {
        return Stream.of(WsCase.values());
    }

    static Stream<WsCase> sqlCases() {
        return Stream.of(WsCase.values()).filter(c -> c.sink == WsCase.Sink.SQL);
    }

    private static WebSocketScenario scenario(WsCase c) {
        return new WebSocketScenario(c.app.equals("spring") ? spring : javax);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void attackTakesEffectAndTwinAnswers(WsCase c) {
        scenario(c).assertVulnerable(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sqlCases")
    void errorIsRepliedThenTheFrameworkClosesTheSession(WsCase c) {
        scenario(c).assertErrorPath(c, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sqlCases")
    void errorIsRepliedAndTheSessionStaysOpenWhenAsked(WsCase c) {
        scenario(c).assertErrorPath(c, true);
    }

    /** Without the agent the benign twins answer on a keep-open session too (the block tests use both kinds). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void twinAnswersOnAKeepOpenSession(WsCase c) {
        scenario(c).assertBenignAnswers(c, true);
    }
}
