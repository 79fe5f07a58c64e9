package dev.rasp.core.instrumentation.websocket;

import org.junit.jupiter.api.Test;

import javax.websocket.Session;
import javax.websocket.server.HandshakeRequest;
import javax.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The handshake a JSR 356 session's messages carry, in the containers' orders of calls and
 * threads. Jetty 10: modifyHandshake and the session's construction on the upgrading thread, the
 * session's user properties a wrapper of the configuration's map (not the map), and the first
 * message read on another thread while the frame handler's onOpen has not returned.
 */
class HandshakesTest {

    private static final ExecutorService READER = Executors.newSingleThreadExecutor();

    private static Object proxy(Class<?> api, Map<String, Object> answers) {
        return Proxy.newProxyInstance(HandshakesTest.class.getClassLoader(), new Class<?>[] {api}, (p, m, args) -> {
            switch (m.getName()) {
                case "hashCode":
                    return System.identityHashCode(p);
                case "equals":
                    return p == args[0];
                case "toString":
                    return api.getSimpleName();
                default:
                    return answers.get(m.getName());
            }
        });
    }

    private static Object[] handshake(String path, String cookie, Map<String, Object> userProperties) {
        Map<String, Object> request = new HashMap<>();
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("Cookie", Collections.singletonList(cookie));
        headers.put("Host", Collections.singletonList("localhost"));
        request.put("getHeaders", headers);
        request.put("getRequestURI", URI.create("ws://localhost" + path));
        Map<String, Object> config = new HashMap<>();
        config.put("getUserProperties", userProperties);
        return new Object[] {proxy(ServerEndpointConfig.class, config), proxy(HandshakeRequest.class, request), null};
    }

    /** A Jetty 10 session: its user properties are not the configuration's map (a PutListenerMap over it). */
    private static Object session(String path) {
        Map<String, Object> answers = new HashMap<>();
        answers.put("getRequestURI", URI.create(path));
        answers.put("getUserProperties", new HashMap<String, Object>());
        return proxy(Session.class, answers);
    }

    private static String cookie(Handshakes.Handshake h) {
        if (h == null) {
            return null;
        }
        for (String[] header : h.headers) {
            if (header[0].equals("Cookie")) {
                return header[1];
            }
        }
        return null;
    }

    /** What the message thread knows of the session's handshake. */
    private static String cookieOnTheReader(Object session) throws Exception {
        return READER.submit(() -> cookie(Handshakes.forSession(session))).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aJettySessionKnowsItsHandshakeBeforeItsFrameHandlersOnOpenReturns() throws Exception {
        Object[] args = handshake("/ws/jsr/lookup-cookie", "user=' OR '1'='1", new HashMap<>());
        Handshakes.handshake(args);
        Object session = session("/ws/jsr/lookup-cookie");
        Handshakes.created(session);

        // the first message, on another thread, before WS_JETTY_OPENED
        assertEquals("user=' OR '1'='1", cookieOnTheReader(session));

        // then the frame handler's onOpen returns: the session keeps what it has
        Handshakes.Handshake bound = Handshakes.of(session);
        Handshakes.opened(new Object[] {session});
        assertSame(bound, Handshakes.of(session));
        assertEquals("user=' OR '1'='1", cookieOnTheReader(session));
    }

    @Test
    void withoutTheConstructorTheMessageThreadMayKnowNothingYet() throws Exception {
        // the user-properties key does not reach a session whose map is a wrapper: onOpen is what binds it
        Handshakes.handshake(handshake("/ws/jsr/lookup-cookie", "user=late", new HashMap<>()));
        Object session = session("/ws/jsr/lookup-cookie");
        assertNull(cookieOnTheReader(session));
        Handshakes.opened(new Object[] {session});
        assertEquals("user=late", cookieOnTheReader(session));
    }

    @Test
    void sessionsCreatedOnTwoThreadsTakeTheirOwnHandshakes() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Handshakes.handshake(handshake("/ws/jsr/lookup-cookie", "user=alice", new HashMap<>()));
            Object bob = other.submit(() -> {
                Handshakes.handshake(handshake("/ws/jsr/lookup-cookie", "user=bob", new HashMap<>()));
                Object s = session("/ws/jsr/lookup-cookie");
                Handshakes.created(s);
                return s;
            }).get(10, TimeUnit.SECONDS);
            Object alice = session("/ws/jsr/lookup-cookie");
            Handshakes.created(alice);
            assertEquals("user=alice", cookieOnTheReader(alice));
            assertEquals("user=bob", cookieOnTheReader(bob));
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void aSessionOfAnotherPathOrThreadTakesNothingAtConstruction() throws Exception {
        Handshakes.handshake(handshake("/ws/jsr/lookup-cookie", "user=carol", new HashMap<>()));
        Object elsewhere = session("/ws/jsr/lookup");
        Handshakes.created(elsewhere);
        assertNull(Handshakes.of(elsewhere));

        Object client = READER.submit(() -> {
            Object s = session("/ws/jsr/lookup-cookie");
            Handshakes.created(s); // no handshake pending on that thread
            return s;
        }).get(10, TimeUnit.SECONDS);
        assertNull(Handshakes.of(client));

        // the pending handshake is still this thread's, for the session it does open
        Object mine = session("/ws/jsr/lookup-cookie");
        Handshakes.created(mine);
        assertEquals("user=carol", cookieOnTheReader(mine));
        assertEquals(2, Handshakes.of(mine).headers.size());
    }
}
