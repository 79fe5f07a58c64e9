package dev.rasp.it.spring;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The JSR 356 (jakarta.websocket) endpoints of the Spring application, served by Tomcat's WebSocket container
 * (registered by {@link WebSocketConfig}). Each runs the vulnerable by-name lookup on h2 and replies with the rows as
 * JSON; on an exception it replies {@code {"error": "<class>", "message"}} first, then rethrows (Tomcat calls the
 * {@code @OnError} method, which does nothing, and closes the session with 1002 "An unrecoverable IOException occurred
 * so the connection was closed") unless the handshake asked for
 * {@code ?errors=keep-open}, in which case the exception is swallowed and the session stays open.
 */
public final class JsrEndpoints {
    private JsrEndpoints() {}

    /** Replies the error, then rethrows it unless the session should stay open; null (no reply) when kept open. */
    static String fail(Session s, Exception e) throws Exception {
        if (s.isOpen()) {
            s.getBasicRemote().sendText(WebSocketConfig.error(e));
        }
        if (WebSocketConfig.keepOpen(s.getRequestParameterMap())) {
            return null;
        }
        throw e;
    }

    /**
     * {@code /ws/jsr/lookup}: a text message is the name ({@code @OnMessage String onMessage(String name, Session)}),
     * a binary message its UTF-8 bytes ({@code @OnMessage String onBinary(byte[], Session)}); the reply (a text
     * message) is the rows as JSON.
     */
    @ServerEndpoint("/ws/jsr/lookup")
    public static final class Lookup {
        @OnMessage
        public String onMessage(String name, Session s) throws Exception {
            try {
                return WebSocketConfig.lookup(name);
            } catch (Exception e) {
                return fail(s, e);
            }
        }

        @OnMessage
        public String onBinary(byte[] bytes, Session s) throws Exception {
            try {
                return WebSocketConfig.lookup(new String(bytes, StandardCharsets.UTF_8));
            } catch (Exception e) {
                return fail(s, e);
            }
        }

        @OnError
        public void onError(Session s, Throwable t) {
            // the reply was sent by the @OnMessage method; the container closes the session
        }
    }

    /**
     * {@code /ws/jsr/lookup-param?name=}: on each message (any content) the lookup of the handshake's query parameter
     * {@code name} ({@code Session.getRequestParameterMap()}).
     */
    @ServerEndpoint("/ws/jsr/lookup-param")
    public static final class LookupParam {
        @OnMessage
        public String onMessage(String message, Session s) throws Exception {
            try {
                List<String> names = s.getRequestParameterMap().get("name");
                if (names == null || names.isEmpty()) {
                    throw new IllegalArgumentException("the handshake has no query parameter name");
                }
                return WebSocketConfig.lookup(names.get(0));
            } catch (Exception e) {
                return fail(s, e);
            }
        }

        @OnError
        public void onError(Session s, Throwable t) {
            // the reply was sent by the @OnMessage method; the container closes the session
        }
    }

    /** The user property the configurator stores the handshake's user under. */
    static final String USER = "rasp.it.user";

    /**
     * A {@code ServerEndpointConfig.Configurator} whose {@code modifyHandshake} copies the handshake's header
     * {@code X-User} into the session's user properties ({@link #USER}); the endpoint's messages then use it.
     */
    public static final class HeaderUser extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            String user = header(request.getHeaders(), "X-User");
            if (user != null) {
                sec.getUserProperties().put(USER, user);
            } else {
                sec.getUserProperties().remove(USER);
            }
        }
    }

    /** The same with the cookie {@code user}, parsed from the handshake's {@code Cookie} header by the application. */
    public static final class CookieUser extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            String user = cookie(header(request.getHeaders(), "Cookie"), "user");
            if (user != null) {
                sec.getUserProperties().put(USER, user);
            } else {
                sec.getUserProperties().remove(USER);
            }
        }
    }

    /** The first value of a handshake header, its name compared case-insensitively. */
    static String header(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** The value of cookie name in a Cookie header (split on ';' and the first '=', trimmed; no unquoting, no decoding). */
    static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String pair : header.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                return pair.substring(eq + 1).trim();
            }
        }
        return null;
    }

    /** On each message (any content) the lookup of the user the configurator stored at the handshake. */
    static String lookupStoredUser(Session s) throws Exception {
        try {
            Object user = s.getUserProperties().get(USER);
            if (!(user instanceof String)) {
                throw new IllegalArgumentException("the handshake carried no user");
            }
            return WebSocketConfig.lookup((String) user);
        } catch (Exception e) {
            return fail(s, e);
        }
    }

    /**
     * {@code /ws/jsr/lookup-stream}: the payload read as a stream, a text message through a Reader and a binary one
     * through an InputStream (UTF-8), then looked up whole.
     */
    @ServerEndpoint("/ws/jsr/lookup-stream")
    public static final class LookupStream {
        @OnMessage
        public String onText(java.io.Reader reader, Session s) throws Exception {
            try (java.io.BufferedReader r = new java.io.BufferedReader(reader)) {
                return lookupOrFail(r.lines().collect(java.util.stream.Collectors.joining("\n")), s);
            }
        }

        @OnMessage
        public String onBinary(java.io.InputStream in, Session s) throws Exception {
            return lookupOrFail(new String(in.readAllBytes(), StandardCharsets.UTF_8), s);
        }

        private static String lookupOrFail(String name, Session s) throws Exception {
            try {
                return WebSocketConfig.lookup(name);
            } catch (Exception e) {
                return fail(s, e);
            }
        }

        @OnError
        public void onError(Session s, Throwable t) {
            // the reply was sent by the @OnMessage method; the container closes the session
        }
    }

    /** {@code /ws/jsr/lookup-header}: the handshake's header X-User ({@link HeaderUser}), looked up on each message. */
    @ServerEndpoint(value = "/ws/jsr/lookup-header", configurator = HeaderUser.class)
    public static final class LookupHeader {
        @OnMessage
        public String onMessage(String message, Session s) throws Exception {
            return lookupStoredUser(s);
        }

        @OnError
        public void onError(Session s, Throwable t) {
            // the reply was sent by the @OnMessage method; the container closes the session
        }
    }

    /** {@code /ws/jsr/lookup-cookie}: the handshake's cookie user ({@link CookieUser}), looked up on each message. */
    @ServerEndpoint(value = "/ws/jsr/lookup-cookie", configurator = CookieUser.class)
    public static final class LookupCookie {
        @OnMessage
        public String onMessage(String message, Session s) throws Exception {
            return lookupStoredUser(s);
        }

        @OnError
        public void onError(Session s, Throwable t) {
            // the reply was sent by the @OnMessage method; the container closes the session
        }
    }

    /**
     * {@code /ws/jsr-handler/lookup}: a programmatic endpoint whose onOpen adds a {@link LookupHandler}
     * ({@code MessageHandler.Whole<String>}, a named class); a text message is the name, the reply the rows as JSON.
     */
    public static final class HandlerEndpoint extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(new LookupHandler(session));
        }

        @Override
        public void onError(Session session, Throwable t) {
            // the reply was sent by the handler
        }
    }

    /** The MessageHandler.Whole of {@code /ws/jsr-handler/lookup}. */
    public static final class LookupHandler implements MessageHandler.Whole<String> {
        private final Session session;

        LookupHandler(Session session) {
            this.session = session;
        }

        @Override
        public void onMessage(String name) {
            String reply;
            try {
                reply = WebSocketConfig.lookup(name);
            } catch (Exception e) {
                try {
                    reply = fail(session, e);
                } catch (RuntimeException re) {
                    throw re;
                } catch (Exception checked) {
                    throw new IllegalStateException(checked);
                }
            }
            if (reply != null) {
                try {
                    session.getBasicRemote().sendText(reply);
                } catch (IOException io) {
                    closeQuietly(session, io);
                }
            }
        }
    }

    static void closeQuietly(Session s, Throwable why) {
        try {
            s.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "cannot reply"));
        } catch (IOException ignored) {
            // gone
        }
    }
}
