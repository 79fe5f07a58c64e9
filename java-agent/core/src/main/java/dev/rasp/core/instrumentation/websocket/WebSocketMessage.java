package dev.rasp.core.instrumentation.websocket;

import dev.rasp.bootstrap.InputSources;
import dev.rasp.bootstrap.RequestContext;
import dev.rasp.core.engine.RequestEncoder;
import dev.rasp.core.instrumentation.ApiMethods;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One WebSocket message as a request: the endpoint's path and the handshake's query string and
 * headers (as far as the handler's arguments tell them: a JSR 356 {@code Session}, a Spring
 * {@code WebSocketSession}), and the payload, text or binary decoded as UTF-8 (malformed bytes as U+FFFD). It stands
 * in a {@link RequestContext} where an HttpServletRequest stands for HTTP requests. Handler
 * layers (a container's adapter, then the annotated method; Spring's decorators) each add what
 * their arguments tell until the first sink check encodes it.
 */
public final class WebSocketMessage {

    public static final String METHOD = "WEBSOCKET";

    private String path = "";
    private String query = "";
    private final List<String[]> headers = new ArrayList<String[]>();
    private final List<String> payloads = new ArrayList<String>();

    /**
     * Adds what the handler ({@code self}: the endpoint or MessageHandler, or null) and its
     * arguments tell; payloads go to {@code context} once it exists.
     */
    public synchronized void add(Object self, Object[] args, RequestContext context) {
        handshake(Handshakes.of(self));
        if (args == null) {
            return;
        }
        for (Object arg : args) {
            if (arg == null || arg instanceof Boolean) {
                continue;
            }
            String text = payload(arg);
            if (text != null) {
                payloads.add(text);
                if (context != null) {
                    context.capture(InputSources.WEBSOCKET, "message", text);
                }
                continue;
            }
            session(arg);
        }
    }

    /** Whether the handler reads its payload as a stream (a Reader or InputStream argument). */
    public static boolean streams(Object[] args) {
        for (Object a : args == null ? new Object[0] : args) {
            if (a instanceof java.io.Reader || a instanceof java.io.InputStream) {
                return true;
            }
        }
        return false;
    }

    /** The request record for openContext. */
    public synchronized RequestEncoder encode() {
        RequestEncoder out = new RequestEncoder().start(METHOD, path, query, "", "");
        for (String[] h : headers) {
            out.header(h[0], h[1]);
        }
        return out;
    }

    public synchronized List<String> payloads() {
        return new ArrayList<String>(payloads);
    }

    /** Text of a payload argument: a String, UTF-8 bytes, or a Spring WebSocketMessage's payload. */
    private static String payload(Object arg) {
        if (arg instanceof String) {
            return (String) arg;
        }
        if (arg instanceof CharSequence) {
            return arg.toString();
        }
        if (arg instanceof byte[]) {
            return utf8(ByteBuffer.wrap((byte[]) arg));
        }
        if (arg instanceof ByteBuffer) {
            return utf8(((ByteBuffer) arg).duplicate());
        }
        Method getPayload = ApiMethods.ofInterface(arg.getClass(), "org.springframework.web.socket.WebSocketMessage", "getPayload");
        if (getPayload != null) {
            Object p = ApiMethods.call(getPayload, arg);
            return p instanceof String || p instanceof ByteBuffer ? payload(p) : null;
        }
        return null;
    }

    /**
     * A binary payload as text, the way applications make one of it ({@code new String(bytes, UTF_8)},
     * {@code Charset.decode}): bytes that are not UTF-8 become U+FFFD, so a payload with one stray byte
     * is still the input it carries. Past {@link #MAX_DECODED_BYTES} only the start is decoded: the
     * request's input budget, far smaller, marks the message overflowed when it takes it.
     */
    private static String utf8(ByteBuffer bytes) {
        if (bytes.remaining() > MAX_DECODED_BYTES) {
            bytes.limit(bytes.position() + MAX_DECODED_BYTES);
        }
        return StandardCharsets.UTF_8.decode(bytes).toString();
    }

    private static final int MAX_DECODED_BYTES = 16 << 20;

    private void uri(URI u) {
        if (u != null) {
            path = u.getRawPath() == null ? "" : u.getRawPath();
            query = u.getRawQuery() == null ? "" : u.getRawQuery();
        }
    }

    /** What a JSR 356 session's handshake said: the URI, and the headers unless some are known already. */
    private void handshake(Handshakes.Handshake h) {
        if (h == null) {
            return;
        }
        if (path.isEmpty()) {
            uri(h.uri);
        }
        if (headers.isEmpty()) {
            headers.addAll(h.headers);
        }
    }

    /** Session.addMessageHandler: the handler serves that session. */
    public static void handlerAdded(Object session, Object[] args) {
        Handshakes.handlerAdded(session, args);
    }

    /** Configurator.modifyHandshake: the handshake's headers, for the session this thread opens next. */
    public static void handshake(Object[] args) {
        Handshakes.handshake(args);
    }

    /**
     * Jetty runs annotated JSR 356 endpoints through its own frame handler, not an Endpoint: the
     * session it opened is taken from it.
     */
    public static void jettyOpened(Object frameHandler) {
        Method getSession = frameHandler == null ? null : ApiMethods.publicMethod(frameHandler.getClass(), "getSession");
        Object session = getSession == null ? null : ApiMethods.call(getSession, frameHandler);
        if (session != null) {
            Handshakes.opened(new Object[] {session});
        }
    }

    /** A JSR 356 Session's constructor: the session takes this thread's pending handshake. */
    public static void sessionCreated(Object session) {
        Handshakes.created(session);
    }

    /** Endpoint.onOpen, {@code @OnOpen}: the session opened. */
    public static void opened(Object[] args) {
        Handshakes.opened(args);
    }

    /** A JSR 356 Session or a Spring WebSocketSession: the endpoint's URI and the handshake's headers. */
    private void session(Object arg) {
        Class<?> type = arg.getClass();
        URI u = Handshakes.uri(arg);
        if (u == null) {
            return;
        }
        handshake(Handshakes.forSession(arg));
        if (path.isEmpty()) {
            uri(u);
        }
        Method handshakeHeaders = ApiMethods.ofInterface(type, "org.springframework.web.socket.WebSocketSession", "getHandshakeHeaders");
        Object h = handshakeHeaders == null ? null : ApiMethods.call(handshakeHeaders, arg);
        if (h instanceof Map && headers.isEmpty()) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) h).entrySet()) {
                if (e.getValue() instanceof List) {
                    for (Object value : (List<?>) e.getValue()) {
                        headers.add(new String[] {String.valueOf(e.getKey()), String.valueOf(value)});
                    }
                }
            }
        }
    }
}
