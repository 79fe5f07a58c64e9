package dev.rasp.it;

import java.util.stream.Stream;

/**
 * javax.websocket (JSR 356) on Jetty 10 with rasp.jar in block mode: {@code /ws/jsr/lookup} (text and binary
 * {@code @OnMessage}), {@code /ws/jsr/lookup-param?name=} (the handshake's parameter), {@code /ws/jsr-handler/lookup}
 * (a {@code MessageHandler.Whole}) and {@code /ws/jsr/lookup-sh} (sh -c): the checks of {@link WebSocketBlockMode}.
 * Proven injectable by {@link WebSocketVulnerableWithoutAgentIT}.
 */
class JavaxWebSocketBlockModeIT extends WebSocketBlockMode {
    @Override
    AppProcess startApp() {
        return AppProcess.builder("javax-ws-block", ItConfig.javaxJar()).mode("block").start();
    }

    @Override
    Stream<WsCase> cases() {
        return WsCase.javax();
    }
}
