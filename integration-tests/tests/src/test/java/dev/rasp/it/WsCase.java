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
    SPRING_JSR_HEADER("spring", "/ws/jsr/lookup-header", Via.HEADER, Sink.SQL,
        "JSR 356 Configurator.modifyHandshake copies the header X-User into the user properties; @OnMessage looks it up"),
    SPRING_JSR_COOKIE("spring", "/ws/jsr/lookup-cookie", Via.COOKIE, Sink.SQL,
        "JSR 356 Configurator.modifyHandshake copies the cookie user (Cookie header) into the user properties"),
    SPRING_JSR_HANDLER("spring", "/ws/jsr-handler/lookup", Via.TEXT, Sink.SQL, "JSR 356 MessageHandler.Whole<String> on Tomcat"),
    SPRING_JSR_STREAM_TEXT("spring", "/ws/jsr/lookup-stream", Via.TEXT, Sink.SQL,
        "JSR 356 @OnMessage(Reader, Session): a text message read as a stream"),
    SPRING_JSR_STREAM_BINARY("spring", "/ws/jsr/lookup-stream", Via.BINARY, Sink.SQL,
        "JSR 356 @OnMessage(InputStream, Session): a binary message read as a stream"),
    SPRING_JSR_BINARY_MALFORMED("spring", "/ws/jsr/lookup", Via.BINARY_MALFORMED, Sink.SQL,
        "JSR 356 @OnMessage(byte[], Session), bytes that are not UTF-8 (new String(bytes, UTF_8) replaces them)"),
    SPRING_JSR_STREAM_BINARY_MALFORMED("spring", "/ws/jsr/lookup-stream", Via.BINARY_MALFORMED, Sink.SQL,
        "JSR 356 @OnMessage(InputStream, Session), bytes that are not UTF-8"),
    SPRING_TEXT("spring", "/ws/spring/lookup", Via.TEXT, Sink.SQL, "Spring handleTextMessage"),
    SPRING_BINARY("spring", "/ws/spring/lookup", Via.BINARY, Sink.SQL, "Spring handleBinaryMessage"),
    SPRING_BINARY_MALFORMED("spring", "/ws/spring/lookup", Via.BINARY_MALFORMED, Sink.SQL,
        "Spring handleBinaryMessage, bytes that are not UTF-8 (Charset.decode replaces them)"),
    SPRING_PARAM("spring", "/ws/spring/lookup-param", Via.HANDSHAKE, Sink.SQL,
        "Spring handleTextMessage, the handshake's parameter (session.getUri())"),
    SPRING_SH("spring", "/ws/spring/lookup-sh", Via.TEXT, Sink.CMD, "Spring handleTextMessage, sh -c"),

    JAVAX_JSR_TEXT("javax", "/ws/jsr/lookup", Via.TEXT, Sink.SQL, "javax.websocket @OnMessage(String, Session) on Jetty"),
    JAVAX_JSR_BINARY("javax", "/ws/jsr/lookup", Via.BINARY, Sink.SQL, "javax.websocket @OnMessage(byte[], Session) on Jetty"),
    JAVAX_JSR_PARAM("javax", "/ws/jsr/lookup-param", Via.HANDSHAKE, Sink.SQL,
        "javax.websocket @OnMessage(String, Session), the handshake's parameter"),
    JAVAX_JSR_HEADER("javax", "/ws/jsr/lookup-header", Via.HEADER, Sink.SQL,
        "javax.websocket Configurator.modifyHandshake copies the header X-User into the user properties"),
    JAVAX_JSR_COOKIE("javax", "/ws/jsr/lookup-cookie", Via.COOKIE, Sink.SQL,
        "javax.websocket Configurator.modifyHandshake copies the cookie user (Cookie header) into the user properties"),
    JAVAX_JSR_HANDLER("javax", "/ws/jsr-handler/lookup", Via.TEXT, Sink.SQL, "javax.websocket MessageHandler.Whole<String> on Jetty"),
    JAVAX_JSR_SH("javax", "/ws/jsr/lookup-sh", Via.TEXT, Sink.CMD, "javax.websocket @OnMessage, sh -c");

    /** How the input travels. */
    enum Via {
        /** A text message is the input. */
        TEXT,
        /** A binary message's bytes are the input's UTF-8. */
        BINARY,
        /**
         * A binary message that is not UTF-8: the input's UTF-8 with a byte 0xFF for each U+FFFD in it, which the
         * endpoint's decoding (and the agent's) turns back into U+FFFD.
         */
        BINARY_MALFORMED,
        /** The handshake's query parameter {@code name}; each message (the text "go") triggers the lookup. */
        HANDSHAKE,
        /** The handshake's header {@code X-User} (stored by the endpoint's Configurator); each message triggers the lookup. */
        HEADER,
        /** The handshake's cookie {@code user} (the Cookie header, stored by the Configurator); each message triggers it. */
        COOKIE;

        /** The input travels in the handshake, not in the messages. */
        boolean handshake() {
            return this != TEXT && this != BINARY && this != BINARY_MALFORMED;
        }
    }

    /** The handshake header of {@link Via#HEADER}, the cookie of {@link Via#COOKIE}. */
    static final String HEADER_NAME = "X-User";
    static final String COOKIE_NAME = "user";

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

    /**
     * The event's expected input: websocket/message, query/name for the handshake's parameter, header/x-user (the name
     * compared case-insensitively) or cookie/user for what the Configurator read from the handshake.
     */
    String inputSource() {
        switch (via) {
            case HANDSHAKE: return "query";
            case HEADER: return "header";
            case COOKIE: return "cookie";
            default: return "websocket";
        }
    }

    String inputName() {
        switch (via) {
            case HANDSHAKE: return "name";
            case HEADER: return HEADER_NAME;
            case COOKIE: return COOKIE_NAME;
            default: return "message";
        }
    }

    /** Header names are case-insensitive: the event may say x-user or X-User. */
    boolean inputNameMatches(String name) {
        return via == Via.HEADER ? inputName().equalsIgnoreCase(name) : inputName().equals(name);
    }

    @Override
    public String toString() {
        return app + " " + path + " " + via.name().toLowerCase(java.util.Locale.ROOT) + " (" + what + ")";
    }
}
