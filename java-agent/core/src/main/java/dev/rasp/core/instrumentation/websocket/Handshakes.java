package dev.rasp.core.instrumentation.websocket;

import dev.rasp.core.instrumentation.ApiMethods;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a JSR 356 message handler cannot see but its message's request needs: the handshake of
 * its session (the endpoint's URI with the query string, and the handshake's headers, cookies
 * among them). Learnt in three steps on the container's side:
 *
 * <ol>
 *   <li>{@code Configurator.modifyHandshake(config, HandshakeRequest, response)}: the headers, kept
 *       for the thread that upgrades the connection (the containers create and open the session on
 *       it);</li>
 *   <li>the Session's constructor, else {@code Endpoint.onOpen(Session, ...)}, an {@code @OnOpen}
 *       method or Jetty's frame handler's onOpen: the session takes the thread's pending handshake,
 *       when its path is the session's. The constructor matters on Jetty 10: its frame handler's
 *       onOpen creates the session, then demands frames, which another thread of the pool reads and
 *       hands to the message handler, possibly before that onOpen has returned;</li>
 *   <li>{@code Session.addMessageHandler(handler)}: the handler takes its session's.</li>
 * </ol>
 *
 * Sessions, handlers and the per-handshake user-properties maps are keyed weakly by identity; a
 * handshake the thread never opened is replaced by the next one. (The user-properties key only
 * helps containers whose Session returns the configuration's own map: Jetty 10 gives the session a
 * wrapper of it, Tomcat a copy.)
 */
final class Handshakes {

    private Handshakes() {
    }

    /** One handshake: the endpoint's URI and the request's headers (name, value pairs). */
    static final class Handshake {
        final URI uri;
        final List<String[]> headers;

        Handshake(URI uri, List<String[]> headers) {
            this.uri = uri;
            this.headers = headers;
        }
    }

    private static final ThreadLocal<Handshake> PENDING = new ThreadLocal<Handshake>();
    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<Object>();
    private static final ConcurrentHashMap<Object, Handshake> BY_OWNER = new ConcurrentHashMap<Object, Handshake>();

    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object owner) {
            super(owner, QUEUE);
            hash = System.identityHashCode(owner);
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
            return o instanceof Lookup && mine != null && mine == ((Lookup) o).owner;
        }
    }

    private static final class Lookup {
        final Object owner;

        Lookup(Object owner) {
            this.owner = owner;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(owner);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).get() == owner;
        }
    }

    private static void expunge() {
        for (Reference<?> gone; (gone = QUEUE.poll()) != null; ) {
            BY_OWNER.remove(gone);
        }
    }

    /**
     * modifyHandshake's arguments: the HandshakeRequest among them. The handshake is kept for this
     * thread (Tomcat and Jetty create and open the session on it) and under the identity of the
     * per-handshake configuration's user properties (for a container whose session returns that
     * very map).
     */
    static void handshake(Object[] args) {
        if (args == null) {
            return;
        }
        expunge();
        Handshake found = null;
        for (Object arg : args) {
            if (arg == null) {
                continue;
            }
            Class<?> type = arg.getClass();
            Method headers = method(type, "server.HandshakeRequest", "getHeaders");
            Method uri = method(type, "server.HandshakeRequest", "getRequestURI");
            if (headers == null || uri == null) {
                continue;
            }
            Object h = ApiMethods.call(headers, arg);
            Object u = ApiMethods.call(uri, arg);
            List<String[]> pairs = new ArrayList<String[]>();
            if (h instanceof Map) {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) h).entrySet()) {
                    if (e.getValue() instanceof List) {
                        for (Object value : (List<?>) e.getValue()) {
                            pairs.add(new String[] {String.valueOf(e.getKey()), String.valueOf(value)});
                        }
                    }
                }
            }
            found = new Handshake(u instanceof URI ? (URI) u : null, Collections.unmodifiableList(pairs));
            PENDING.set(found);
            break;
        }
        if (found == null) {
            return;
        }
        for (Object arg : args) {
            Object properties = arg == null ? null : userProperties(arg, "EndpointConfig");
            if (properties != null) {
                BY_OWNER.put(new Key(properties), found);
            }
        }
    }

    /** getUserProperties() of a JSR 356 {@code api} ("Session", "EndpointConfig") object, or null. */
    private static Object userProperties(Object o, String api) {
        Method m = method(o.getClass(), api, "getUserProperties");
        return m == null ? null : ApiMethods.call(m, o);
    }

    /** A session's handshake: bound to it at onOpen, else kept under its user properties. */
    static Handshake forSession(Object session) {
        Handshake h = of(session);
        if (h != null && !h.headers.isEmpty()) {
            return h;
        }
        Object properties = userProperties(session, "Session");
        Handshake byProperties = properties == null ? null : of(properties);
        return byProperties != null ? byProperties : h;
    }

    /**
     * A Session's constructor has returned: the session takes this thread's pending handshake when
     * its path is the session's (a session the thread did not upgrade, a client's, takes nothing
     * here; onOpen still binds it).
     */
    static void created(Object session) {
        if (session == null) {
            return;
        }
        expunge();
        Handshake pending = PENDING.get();
        if (pending == null || pending.uri == null || of(session) != null) {
            return;
        }
        URI uri = uri(session);
        if (uri == null || !samePath(pending.uri, uri)) {
            return;
        }
        PENDING.remove();
        BY_OWNER.put(new Key(session), pending);
    }

    /** onOpen's arguments: the Session among them takes this thread's pending handshake. */
    static void opened(Object[] args) {
        expunge();
        Handshake pending = PENDING.get();
        if (args == null) {
            return;
        }
        for (Object arg : args) {
            URI uri = arg == null ? null : uri(arg);
            if (uri == null) {
                continue;
            }
            if (of(arg) != null) {
                return; // a container's onOpen, then the application's @OnOpen: the first one placed it
            }
            Handshake kept = forSession(arg);
            boolean ours = kept == null && pending != null && pending.uri != null && samePath(pending.uri, uri);
            if (ours || (kept != null && kept == pending)) {
                PENDING.remove();
            }
            BY_OWNER.put(new Key(arg), kept != null ? kept : ours ? pending : new Handshake(uri, Collections.<String[]>emptyList()));
            return;
        }
    }

    /** Session.addMessageHandler(..., handler): the handler takes its session's handshake. */
    static void handlerAdded(Object session, Object[] args) {
        expunge();
        if (session == null || args == null || args.length == 0 || args[args.length - 1] == null) {
            return;
        }
        Handshake h = forSession(session);
        if (h == null) {
            URI uri = uri(session);
            if (uri == null) {
                return;
            }
            h = new Handshake(uri, Collections.<String[]>emptyList());
        }
        BY_OWNER.put(new Key(args[args.length - 1]), h);
    }

    /** The handshake of a session or handler, or null. */
    static Handshake of(Object owner) {
        return owner == null || BY_OWNER.isEmpty() ? null : BY_OWNER.get(new Lookup(owner));
    }

    private static boolean samePath(URI a, URI b) {
        String pa = a.getRawPath();
        String pb = b.getRawPath();
        return pa != null && pa.equals(pb);
    }

    private static Method method(Class<?> type, String api, String name) {
        Method m = ApiMethods.ofInterface(type, "javax.websocket." + api, name);
        return m != null ? m : ApiMethods.ofInterface(type, "jakarta.websocket." + api, name);
    }

    /** The URI of a JSR 356 Session or a Spring WebSocketSession, else null. */
    static URI uri(Object session) {
        Class<?> type = session.getClass();
        Method m = method(type, "Session", "getRequestURI");
        if (m == null) {
            m = ApiMethods.ofInterface(type, "org.springframework.web.socket.WebSocketSession", "getUri");
        }
        Object u = m == null ? null : ApiMethods.call(m, session);
        return u instanceof URI ? (URI) u : null;
    }
}
