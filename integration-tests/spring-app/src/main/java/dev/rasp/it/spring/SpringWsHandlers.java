package dev.rasp.it.spring;

import java.nio.charset.StandardCharsets;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * The Spring {@code WebSocketHandler}s (registered by {@link WebSocketConfig}; Spring wraps each in its
 * ExceptionWebSocketHandlerDecorator, which closes the session with 1011 SERVER_ERROR when the handler throws).
 * Replies are text messages: the rows as JSON, or {@code {"error": "<class>", "message"}} on an exception, after which
 * the exception is rethrown, unless the handshake asked for {@code ?errors=keep-open}.
 */
public final class SpringWsHandlers {
    private SpringWsHandlers() {}

    /** What one message makes the handler do: a lookup of some kind, as JSON. */
    @FunctionalInterface
    interface Work {
        String run() throws Exception;
    }

    /** Runs the work and replies; on an exception replies the error, then rethrows unless kept open. */
    static void answer(WebSocketSession session, Work work) throws Exception {
        String reply;
        try {
            reply = work.run();
        } catch (Exception e) {
            if (session.isOpen()) {
                session.sendMessage(new TextMessage(WebSocketConfig.error(e)));
            }
            if (WebSocketConfig.keepOpen(session.getUri())) {
                return;
            }
            throw e;
        }
        session.sendMessage(new TextMessage(reply));
    }

    /**
     * {@code /ws/spring/lookup}: a text message ({@code handleTextMessage}) is the name, a binary message
     * ({@code handleBinaryMessage}) its UTF-8 bytes; the reply is the rows as JSON.
     */
    public static final class Lookup extends AbstractWebSocketHandler {
        @Override
        protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
            String name = message.getPayload();
            answer(session, () -> WebSocketConfig.lookup(name));
        }

        @Override
        protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) throws Exception {
            // decoded from a read-only view: the message's own buffer is left as it was
            String name = StandardCharsets.UTF_8.decode(message.getPayload().asReadOnlyBuffer()).toString();
            answer(session, () -> WebSocketConfig.lookup(name));
        }
    }

    /**
     * {@code /ws/spring/lookup-param?name=}: on each text message (any content) the lookup of the handshake's query
     * parameter {@code name}, read from {@code session.getUri()}.
     */
    public static final class LookupParam extends AbstractWebSocketHandler {
        @Override
        protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
            answer(session, () -> {
                String name = WebSocketConfig.queryParam(session.getUri(), "name");
                if (name == null) {
                    throw new IllegalArgumentException("the handshake has no query parameter name");
                }
                return WebSocketConfig.lookup(name);
            });
        }
    }

    /**
     * {@code /ws/spring/lookup-sh}: a text message is a host: {@code sh -c "getent hosts " + host} (like
     * {@code /cmd/lookup-sh}); the reply is {"exit", "output"}.
     */
    public static final class LookupSh extends AbstractWebSocketHandler {
        @Override
        protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
            String host = message.getPayload();
            answer(session, () -> WebSocketConfig.lookupShell(host));
        }
    }
}
