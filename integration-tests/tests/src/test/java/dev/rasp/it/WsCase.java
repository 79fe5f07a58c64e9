package dev.rasp.it;

import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The WebSocket endpoints and how the input reaches them (Spring app: JsrEndpoints, SpringWsHandlers; javax app:
 * WsEndpoints). SQL ones run the by-name lookup on h2 ({@code ... WHERE name = '<in>' AND role <> 'locked'}) and reply
 * with the rows as JSON; command ones run {@code sh -c "getent hosts " + in} and reply {"exit", "output"}.
 */
public enum WsCase {
    SPRING_JSR_TEXT("spring", "/ws/jsr/lookup", Via.TEXT, Sink.SQL, "JSR 356 @OnMessage(String, Session) on Tomcat"),
    SPRING_JSR_BINARY("spring", "/ws/jsr/lookup", Via.BINARY, Sink.SQL, "JSR 356 @OnMessage(byte[], Session) on Tomcat"),
    SPRING_JSR_PARAM("spring", "/ws/jsr/lookup-param", Via.HANDSHAKE, Sink.SQL,
        "JSR 356 @OnMessage(String, Session), the handshake's parameter (Session.getRequestParameterMap)"),
    SPRING_JSR_HANDLER("spring", "/ws/jsr-handler/lookup", Via.TEXT, Sink.SQL, "JSR 356 MessageHandler.Whole<String> on Tomcat"),
    SPRING_TEXT("spring", "/ws/spring/lookup", Via.TEXT, Sink.SQL, "Spring handleTextMessage"),
    SPRING_BINARY("spring", "/ws/spring/lookup", Via.BINARY, Sink.SQL, "Spring handleBinaryMessage"),
    SPRING_PARAM("spring", "/ws/spring/lookup-param", Via.HANDSHAKE, Sink.SQL,
        "Spring handleTextMessage, the handshake's parameter (session.getUri())"),
    SPRING_SH("spring", "/ws/spring/lookup-sh", Via.TEXT, Sink.CMD, "Spring handleTextMessage, sh -c"),

    JAVAX_JSR_TEXT("javax", "/ws/jsr/lookup", Via.TEXT, Sink.SQL, "javax.websocket @OnMessage(String, Session) on Jetty"),
    JAVAX_JSR_BINARY("javax", "/ws/jsr/lookup", Via.BINARY, Sink.SQL, "javax.websocket @OnMessage(byte[], Session) on Jetty"),
    JAVAX_JSR_PARAM("javax", "/ws/jsr/lookup-param", Via.HANDSHAKE, Sink.SQL,
        "javax.websocket @OnMessage(String, Session), the handshake's parameter"),
    JAVAX_JSR_HANDLER("javax", "/ws/jsr-handler/lookup", Via.TEXT, Sink.SQL, "javax.websocket MessageHandler.Whole<String> on Jetty"),
    JAVAX_JSR_SH("javax", "/ws/jsr/lookup-sh", Via.TEXT, Sink.CMD, "javax.websocket @OnMessage, sh -c");

    /** How the input travels. */
    enum Via {
        /** A text message is the input. */
        TEXT,
        /** A binary message's bytes are the input's UTF-8. */
        BINARY,
        /** The handshake's query parameter {@code name}; each message (the text "go") triggers the lookup. */
        HANDSHAKE
    }

    enum Sink { SQL, CMD }

    /** The message sent to the handshake endpoints (its content does not matter). */
    static final String TRIGGER = "go";

    final String app;
    final String path;
    final Via via;
    final Sink sink;
    final String what;
    /**
     * The close code the framework sends when the handler throws (seen with Spring Boot 3.3 / Tomcat 10.1 and Jetty
     * 10.0, pinned by {@link WebSocketVulnerableWithoutAgentIT}): Spring's ExceptionWebSocketHandlerDecorator 1011
     * (server error); Tomcat's JSR 356 container 1002 ("An unrecoverable IOException occurred so the connection was
     * closed"), not 1011; Jetty's javax.websocket 1003 ("Endpoint notification error").
     */
    final int errorClose;

    WsCase(String app, String path, Via via, Sink sink, String what) {
        this.app = app;
        this.path = path;
        this.via = via;
        this.sink = sink;
        this.what = what;
        this.errorClose = app.equals("javax") ? 1003 : path.startsWith("/ws/spring/") ? 1011 : 1002;
    }

    static Stream<WsCase> spring() {
        return Arrays.stream(values()).filter(c -> c.app.equals("spring"));
    }

    static Stream<WsCase> javax() {
        return Arrays.stream(values()).filter(c -> c.app.equals("javax"));
    }

    /** The event's expected input: websocket/message, or query/name for the handshake's parameter. */
    String inputSource() {
        return via == Via.HANDSHAKE ? "query" : "websocket";
    }

    String inputName() {
        return via == Via.HANDSHAKE ? "name" : "message";
    }

    @Override
    public String toString() {
        return app + " " + path + " " + via.name().toLowerCase(java.util.Locale.ROOT) + " (" + what + ")";
    }
}
