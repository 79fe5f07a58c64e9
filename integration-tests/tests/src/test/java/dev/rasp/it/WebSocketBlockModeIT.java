package dev.rasp.it;

import java.time.Duration;
import java.util.stream.Stream;

/**
 * Spring Boot 3 / Tomcat 10 with rasp.jar in block mode: each WebSocket message is a request of its own whose payload
 * is the input (JSR 356 {@code @OnMessage} text and binary, a {@code MessageHandler.Whole}, Spring's
 * {@code handleTextMessage} / {@code handleBinaryMessage}), and the handshake's query parameters are inputs of the
 * JSR 356 {@code @OnMessage(.., Session)} method and of Spring handlers: the injected SQL and the injected shell
 * command are blocked (RaspBlockedException into the handler, block_response none, request method WEBSOCKET), the
 * benign twins pass, on the same session too ({@link WebSocketBlockMode}). After every session is closed no context
 * is live (gc, polled 10 s), nor at shutdown. Proven injectable by {@link WebSocketVulnerableWithoutAgentIT}.
 */
class WebSocketBlockModeIT extends WebSocketBlockMode {
    @Override
    AppProcess startApp() {
        return SpringBlockModeIT.springApp("spring-ws-block").mode("block").start();
    }

    @Override
    Stream<WsCase> cases() {
        return WsCase.spring();
    }

    /** Every session is closed: the messages' contexts are all released (contexts_live back to 0). */
    @Override
    void afterSessions() {
        new HandOffScenario(app).awaitNoLiveContext(Duration.ofSeconds(10), "after every WebSocket session was closed");
    }
}
