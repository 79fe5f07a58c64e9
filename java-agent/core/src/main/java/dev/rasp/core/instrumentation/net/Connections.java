package dev.rasp.core.instrumentation.net;

import dev.rasp.core.instrumentation.ApiMethods;

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

    /**
     * The URL a client call sends: {@link #text(int, Object)} of the request, made absolute with
     * {@code host} (Apache HttpClient's HttpHost, null when the request's own URI names it).
     */
    public static String text(int api, Object target, Object host) throws Exception {
        String url = text(api, target);
        if (url == null || host == null || !UrlApi.isApacheCall(api) || url.indexOf("://") > 0) {
            return url;
        }
        // HttpHost.toURI() (both majors): scheme://host:port, the origin the relative request goes to.
        return call(host, "toURI") + (url.startsWith("/") ? "" : "/") + url;
    }

    /** The connection's target as text: the URL, the request URI, or tcp://host:port; null when not one. */
    public static String text(int api, Object target) throws Exception {
        if (target == null) {
            return null;
        }
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
        if (api == UrlApi.WEBCLIENT_REDIRECT && target instanceof String) {
            // Reactor Netty's handler keeps each hop's absolute URL as text (resourceUrl).
            return (String) target;
        }
        if (api == UrlApi.HTTP_CLIENT_SEND || api == UrlApi.JDK_HTTP_CLIENT_REDIRECT) {
            // The JDK's HttpRequestImpl is not exported: java.net.http.HttpRequest.uri() is.
            Object u = requestUri().invoke(target);
            return u == null ? null : u.toString();
        }
        if (api == UrlApi.OKHTTP_CALL || api == UrlApi.OKHTTP_REDIRECT) {
            // A RealCall or an okhttp3.Response has request(); an okhttp3.Request has url() (HttpUrl).
            Object request = hasMethod(target, "url") ? target : call(target, "request");
            Object u = request == null ? null : call(request, "url");
            return u == null ? null : u.toString();
        }
        if (api == UrlApi.APACHE4_CALL || api == UrlApi.APACHE4_REDIRECT) {
            // HttpUriRequest.getURI() (absolute when built from a URL); else the request line's URI.
            Object u = hasMethod(target, "getURI") ? call(target, "getURI") : null;
            if (u == null) {
                Object line = call(target, "getRequestLine");
                u = line == null ? null : call(line, "getUri");
            }
            return u == null ? null : u.toString();
        }
        if (api == UrlApi.APACHE_REDIRECT || api == UrlApi.APACHE5_CALL) {
            // org.apache.hc.core5.http.HttpRequest.getUri(): the absolute URI of the hop.
            Object u = call(target, "getUri");
            return u == null ? null : u.toString();
        }
        return null;
    }

    /** The host of a URL's text, lower-case without brackets, or null. */
    public static String host(String url) {
        return url == null ? null : host(UrlApi.URL_OPEN_CONNECTION, url);
    }

    private static boolean hasMethod(Object o, String name) {
        return ApiMethods.publicMethod(o.getClass(), name) != null;
    }

    /**
     * A public no-argument method of the object, called through the public class or interface
     * that declares it (a library's implementation class may be package-private), found once per
     * class (ApiMethods).
     */
    private static Object call(Object o, String name) throws Exception {
        Method m = ApiMethods.publicMethod(o.getClass(), name);
        if (m == null) {
            throw new NoSuchMethodException(o.getClass().getName() + "." + name);
        }
        return m.invoke(o);
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
            } else if (target != null) {
                // A client's request object: the host of the URL it sends.
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
