package dev.rasp.it.spring;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
