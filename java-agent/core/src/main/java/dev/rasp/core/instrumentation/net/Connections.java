package dev.rasp.core.instrumentation.net;

import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.util.Locale;

/**
 * What a hooked connection call is about to connect to, as the engine reads it: the URL's text,
 * or {@code tcp://host:port} for a socket, the address a socket resolved, and the host a URL or
 * socket names (for the request's memory of destinations input chose).
 */
public final class Connections {

    private Connections() {
    }

    /** The connection's target as text: the URL, the request URI, or tcp://host:port; null when not one. */
    public static String text(int api, Object target) throws Exception {
        if (UrlApi.isSocket(api)) {
            if (!(target instanceof InetSocketAddress)) {
                return null; // a Unix domain socket address: no network destination
            }
            InetSocketAddress a = (InetSocketAddress) target;
            String host = a.getHostString();
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            return "tcp://" + host + ":" + a.getPort();
        }
        if (target instanceof URL) {
            return ((URL) target).toExternalForm();
        }
        if (target instanceof URLConnection) {
            return ((URLConnection) target).getURL().toExternalForm();
        }
        if (target instanceof java.net.URI) {
            return target.toString();
        }
        if (api == UrlApi.HTTP_CLIENT_SEND) {
            Object u = requestUri().invoke(target);
            return u == null ? null : u.toString();
        }
        if (api == UrlApi.APACHE_REDIRECT) {
            // org.apache.hc.core5.http.HttpRequest.getUri(): the absolute URI of the hop.
            Object u = target.getClass().getMethod("getUri").invoke(target);
            return u == null ? null : u.toString();
        }
        return null;
    }

    private static volatile Method requestUri;

    /** java.net.http.HttpRequest.uri(): the agent is built for Java 8, so it is called reflectively. */
    private static Method requestUri() throws ReflectiveOperationException {
        Method m = requestUri;
        if (m == null) {
            m = Class.forName("java.net.http.HttpRequest").getMethod("uri");
            requestUri = m;
        }
        return m;
    }

    /** The address a socket connects to (4 or 16 bytes), or null when unresolved or not a socket. */
    public static byte[] address(int api, Object target) {
        if (!UrlApi.isSocket(api) || !(target instanceof InetSocketAddress)) {
            return null;
        }
        InetAddress a = ((InetSocketAddress) target).getAddress();
        return a == null ? null : a.getAddress();
    }

    /** The host of a URL or socket target, lower-case, or null. */
    public static String host(int api, Object target) {
        try {
            String h;
            if (UrlApi.isSocket(api)) {
                h = target instanceof InetSocketAddress ? ((InetSocketAddress) target).getHostString() : null;
            } else if (target instanceof URL) {
                h = ((URL) target).getHost();
            } else if (target instanceof URLConnection) {
                h = ((URLConnection) target).getURL().getHost();
            } else if (target instanceof String) {
                h = new URI((String) target).getHost();
            } else if (target instanceof URI) {
                h = ((URI) target).getHost();
            } else if (api == UrlApi.APACHE_REDIRECT && target != null) {
                String text = text(api, target);
                h = text == null ? null : new URI(text).getHost();
            } else {
                h = null;
            }
            if (h == null || h.isEmpty()) {
                return null;
            }
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            return h.toLowerCase(Locale.ROOT);
        } catch (Exception e) {
            return null;
        }
    }
}
