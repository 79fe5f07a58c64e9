package dev.rasp.it.javax;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.websocket.CloseReason;
import javax.websocket.Endpoint;
import javax.websocket.HandshakeResponse;
import javax.websocket.EndpointConfig;
import javax.websocket.MessageHandler;
import javax.websocket.OnError;
import javax.websocket.OnMessage;
import javax.websocket.Session;
import javax.websocket.server.HandshakeRequest;
import javax.websocket.server.ServerEndpoint;
import javax.websocket.server.ServerEndpointConfig;

/**
 * The javax.websocket (JSR 356) endpoints on Jetty 10 (registered in JettyMain through
 * {@code JavaxWebSocketServletContainerInitializer.configure}). Each message is a request of its own whose payload is
 * the input. The lookup is the one of {@code /h2/users/by-name} ({@code ... WHERE name = '<name>' AND role <>
 * 'locked'}, {@code Statement.executeQuery}); the reply is a text message: the rows as JSON, or for lookup-sh
 * {"exit", "output"}.
 *
 * <p>On an exception the endpoint first replies {@code {"error": "<class>", "message"}}; then it rethrows (Jetty calls
 * {@code @OnError} and closes the session with 1003 "Endpoint notification error") unless the handshake asked for {@code ?errors=keep-open}, in which
 * case it swallows the exception and the session stays open.
 */
public final class WsEndpoints {
    private WsEndpoints() {}

    static final ObjectMapper JSON = new ObjectMapper();
    private static volatile Db h2;

    /** Set by JettyMain before the server starts. */
    static void init(Db db) {
        h2 = db;
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String error(Throwable t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", t.getClass().getName());
        m.put("message", String.valueOf(t.getMessage()));
        return json(m);
    }

    /** The vulnerable lookup on h2: the rows as JSON. */
    static String lookup(String name) throws SQLException {
        try (Connection c = h2.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(Servlets.SELECT + " WHERE name = '" + name + "' AND role <> 'locked'")) {
            return json(Servlets.JdbcServlet.rows(rs));
        }
    }

    /** {@code sh -c "getent hosts " + host} (like /cmd/lookup-sh): {"exit", "output"} as JSON. */
    static String lookupShell(String host) throws IOException, InterruptedException {
        return json(SinkServlets.run(new ProcessBuilder("sh", "-c", "getent hosts " + host)));
    }

    static boolean keepOpen(Session s) {
        List<String> v = s.getRequestParameterMap().get("errors");
        return v != null && v.contains("keep-open");
    }

    /** Replies the error, then rethrows unless the session should stay open; null (no reply) when kept open. */
    static String fail(Session s, Exception e) throws Exception {
        if (s.isOpen()) {
            s.getBasicRemote().sendText(error(e));
        }
        if (keepOpen(s)) {
            return null;
        }
        throw e;
    }

    /** {@code /ws/jsr/lookup}: a text message is the name, a binary message its UTF-8 bytes. */
    @ServerEndpoint("/ws/jsr/lookup")
    public static final class Lookup {
        @OnMessage
        public String onMessage(String name, Session s) throws Exception {
            try {
                return lookup(name);
            } catch (Exception e) {
                return fail(s, e);
            }
        }

        @OnMessage
        public String onBinary(byte[] bytes, Session s) throws Exception {
            try {
                return lookup(new String(bytes, StandardCharsets.UTF_8));
            } catch (Exception e) {
                return fail(s, e);
            }
        }

        @OnError
        public void onError(Session s, Throwable t) {
            // the reply was sent by the @OnMessage method; the container closes the session
        }
    }

    /** {@code /ws/jsr/lookup-param?name=}: on each message (any content) the lookup of the handshake's parameter name. */
    @ServerEndpoint("/ws/jsr/lookup-param")
    public static final class LookupParam {
        @OnMessage
        public String onMessage(String message, Session s) throws Exception {
            try {
                List<String> names = s.getRequestParameterMap().get("name");
                if (names == null || names.isEmpty()) {
                    throw new IllegalArgumentException("the handshake has no query parameter name");
                }
                return lookup(names.get(0));
            } catch (Exception e) {
                return fail(s, e);
            }
        }

        @OnError
        public void onError(Session s, Throwable t) {
            // the reply was sent by the @OnMessage method; the container closes the session
        }
    }

    /** The user property the configurators store the handshake's user under. */
    static final String USER = "rasp.it.user";

    /** {@code modifyHandshake} copies the handshake's header X-User into the session's user properties. */
    public static final class HeaderUser extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            store(sec, header(request.getHeaders(), "X-User"));
        }
    }

    /** {@code modifyHandshake} copies the cookie user (parsed from the handshake's Cookie header) into the user properties. */
    public static final class CookieUser extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            store(sec, cookie(header(request.getHeaders(), "Cookie"), "user"));
        }
    }

    static void store(ServerEndpointConfig sec, String user) {
        if (user != null) {
            sec.getUserProperties().put(USER, user);
        } else {
            sec.getUserProperties().remove(USER);
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

    /** The lookup of the user the configurator stored at the handshake. */
    static String lookupStoredUser(Session s) throws Exception {
        try {
            Object user = s.getUserProperties().get(USER);
            if (!(user instanceof String)) {
                throw new IllegalArgumentException("the handshake carried no user");
            }
            return lookup((String) user);
        } catch (Exception e) {
            return fail(s, e);
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

    /** {@code /ws/jsr/lookup-sh}: a text message is a host for {@code sh -c "getent hosts " + host}. */
    @ServerEndpoint("/ws/jsr/lookup-sh")
    public static final class LookupSh {
        @OnMessage
        public String onMessage(String host, Session s) throws Exception {
            try {
                return lookupShell(host);
            } catch (Exception e) {
                return fail(s, e);
            }
        }

        @OnError
        public void onError(Session s, Throwable t) {
            // the reply was sent by the @OnMessage method; the container closes the session
        }
    }

    /** {@code /ws/jsr-handler/lookup}: a programmatic endpoint adding a {@link LookupHandler} in onOpen. */
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

    /** The {@code MessageHandler.Whole<String>} of {@code /ws/jsr-handler/lookup}: a text message is the name. */
    public static final class LookupHandler implements MessageHandler.Whole<String> {
        private final Session session;

        LookupHandler(Session session) {
            this.session = session;
        }

        @Override
        public void onMessage(String name) {
            String reply;
            try {
                reply = lookup(name);
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
                    try {
                        session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "cannot reply"));
                    } catch (IOException gone) {
                        // gone
                    }
                }
            }
        }
    }
}
