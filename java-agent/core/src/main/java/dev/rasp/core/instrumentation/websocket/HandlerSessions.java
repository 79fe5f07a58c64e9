package dev.rasp.core.instrumentation.websocket;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The endpoint URI of each JSR 356 MessageHandler, learnt when the application adds it to its
 * Session: a handler's onMessage gets only the payload, and the message's request needs its path
 * and the handshake's query string. Keyed weakly by the handler's identity.
 */
final class HandlerSessions {

    private HandlerSessions() {
    }

    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<Object>();
    private static final ConcurrentHashMap<Object, URI> BY_HANDLER = new ConcurrentHashMap<Object, URI>();

    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object handler) {
            super(handler, QUEUE);
            hash = System.identityHashCode(handler);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            Object mine = get();
            if (o == this) {
                return true;
            }
            if (o instanceof Key) {
                return mine != null && mine == ((Key) o).get();
            }
            return o instanceof Lookup && mine != null && mine == ((Lookup) o).handler;
        }
    }

    private static final class Lookup {
        final Object handler;

        Lookup(Object handler) {
            this.handler = handler;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(handler);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).get() == handler;
        }
    }

    /** Session.addMessageHandler(..., handler). */
    static void added(Object session, Object[] args) {
        for (Reference<?> gone; (gone = QUEUE.poll()) != null; ) {
            BY_HANDLER.remove(gone);
        }
        if (session == null || args == null || args.length == 0 || args[args.length - 1] == null) {
            return;
        }
        URI uri = uri(session);
        if (uri != null) {
            BY_HANDLER.put(new Key(args[args.length - 1]), uri);
        }
    }

    /** The URI of the session {@code handler} was added to, or null. */
    static URI of(Object handler) {
        return handler == null || BY_HANDLER.isEmpty() ? null : BY_HANDLER.get(new Lookup(handler));
    }

    static URI uri(Object session) {
        Class<?> type = session.getClass();
        Method m = Reflect.method(type, "javax.websocket.Session", "getRequestURI");
        if (m == null) {
            m = Reflect.method(type, "jakarta.websocket.Session", "getRequestURI");
        }
        if (m == null) {
            m = Reflect.method(type, "org.springframework.web.socket.WebSocketSession", "getUri");
        }
        Object u = m == null ? null : Reflect.call(m, session);
        return u instanceof URI ? (URI) u : null;
    }
}
