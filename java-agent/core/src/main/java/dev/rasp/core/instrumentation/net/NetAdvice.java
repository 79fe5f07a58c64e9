package dev.rasp.core.instrumentation.net;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Connections about to be made. Each advice only hands its arguments to the bridge; not
 * suppressing: RaspBlockedException must stop the call before it connects.
 */
public final class NetAdvice {

    private NetAdvice() {
    }

    /** URL.openConnection() and openConnection(Proxy): every protocol handler is reached here. */
    public static final class OpenConnection {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Object url) {
            RaspBridge.onConnection(UrlApi.URL_OPEN_CONNECTION, url, null);
        }
    }

    /** sun.net.www.protocol.http.HttpURLConnection.followRedirect0(String, int, URL): the next hop. */
    public static final class Redirect {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Object connection, @Advice.Argument(2) Object next) {
            RaspBridge.onConnection(UrlApi.HTTP_URL_CONNECTION_REDIRECT, connection, next);
        }
    }

    /**
     * Apache HttpClient 5's DefaultRedirectStrategy.getLocationURI(HttpRequest, HttpResponse,
     * HttpContext) returned the next hop (RedirectExec asks it before following): judged on exit,
     * before the hop is connected.
     */
    public static final class ApacheRedirect {
        @Advice.OnMethodExit
        public static void exit(@Advice.Argument(0) Object request, @Advice.Return Object next) {
            RaspBridge.onConnection(UrlApi.APACHE_REDIRECT, request, next);
        }
    }

    /** OkHttp 4's RealCall.execute() and enqueue(Callback): the call's request URL, before any connection. */
    public static final class OkHttpCall {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Object call) {
            RaspBridge.onConnection(UrlApi.OKHTTP_CALL, call, null);
        }
    }

    /** Apache HttpClient 4's InternalHttpClient.doExecute(HttpHost, HttpRequest, HttpContext). */
    public static final class Apache4Call {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object host, @Advice.Argument(1) Object request) {
            RaspBridge.onConnection(UrlApi.APACHE4_CALL, request, host);
        }
    }

    /** Apache HttpClient 5's classic InternalHttpClient.doExecute(HttpHost, ClassicHttpRequest, HttpContext). */
    public static final class Apache5Call {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object host, @Advice.Argument(1) Object request) {
            RaspBridge.onConnection(UrlApi.APACHE5_CALL, request, host);
        }
    }

    /**
     * jdk.internal.net.http.RedirectFilter.response(Response) returned the next hop's request
     * (null when the response is no redirect to follow); its field {@code request} is the current one.
     */
    public static final class JdkRedirect {
        @Advice.OnMethodExit
        public static void exit(@Advice.FieldValue("request") Object current, @Advice.Return Object next) {
            if (next != null) {
                RaspBridge.onConnection(UrlApi.JDK_HTTP_CLIENT_REDIRECT, current, next);
            }
        }
    }

    /**
     * OkHttp's RetryAndFollowUpInterceptor.followUpRequest(Response, Exchange) returned the request
     * it follows up with (a redirect's next hop; null when there is none).
     */
    public static final class OkHttpRedirect {
        @Advice.OnMethodExit
        public static void exit(@Advice.Argument(0) Object response, @Advice.Return Object next) {
            if (next != null) {
                RaspBridge.onConnection(UrlApi.OKHTTP_REDIRECT, response, next);
            }
        }
    }

    /** Apache HttpClient 4's DefaultRedirectStrategy.getLocationURI(HttpRequest, HttpResponse, HttpContext): the next hop. */
    public static final class Apache4Redirect {
        @Advice.OnMethodExit
        public static void exit(@Advice.Argument(0) Object request, @Advice.Return Object next) {
            RaspBridge.onConnection(UrlApi.APACHE4_REDIRECT, request, next);
        }
    }

    /**
     * Spring's ReactorClientHttpConnector.connect(HttpMethod, URI, Function): a WebClient exchange
     * over Reactor Netty, on the thread that subscribes to it, before Netty resolves or connects.
     */
    public static final class WebClientCall {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(1) Object uri) {
            RaspBridge.onConnection(UrlApi.WEBCLIENT_CALL, uri, null);
        }
    }

    /**
     * Reactor Netty's HttpClientConnect.HttpClientHandler(HttpClientConfig): one per WebClient
     * exchange, made on the subscribing thread; it remembers the request served there, since the
     * redirects it follows run on a Netty event loop.
     */
    public static final class WebClientHandlerCreated {
        @Advice.OnMethodExit
        public static void exit(@Advice.This Object handler) {
            RaspBridge.attachRequest(handler);
        }
    }

    /**
     * HttpClientHandler.redirect(String): Reactor Netty moved the exchange to the next hop
     * ({@code resourceUrl} before and after); judged before the hop is connected, for the request
     * the handler was made in. A block thrown here fails the exchange's retry, so the WebClient call.
     */
    public static final class WebClientRedirect {
        @Advice.OnMethodEnter
        public static String enter(@Advice.FieldValue("resourceUrl") String current) {
            return current;
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.This Object handler, @Advice.Enter String current,
                @Advice.FieldValue("resourceUrl") String next) {
            RaspBridge.onAttachedConnection(handler, UrlApi.WEBCLIENT_REDIRECT, current, next);
        }
    }

    /** java.net.http.HttpClient implementations' send and sendAsync: the request's URI. */
    public static final class HttpClientSend {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object request) {
            RaspBridge.onConnection(UrlApi.HTTP_CLIENT_SEND, request, null);
        }
    }

    /** java.net.Socket.connect(SocketAddress, int), which connect(SocketAddress) and the constructors call. */
    public static final class SocketConnect {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object address) {
            RaspBridge.onConnection(UrlApi.SOCKET_CONNECT, address, null);
        }
    }

    /** sun.nio.ch.SocketChannelImpl.connect(SocketAddress): NIO clients (Netty, the JDK's HTTP client). */
    public static final class ChannelConnect {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object address) {
            RaspBridge.onConnection(UrlApi.SOCKET_CHANNEL_CONNECT, address, null);
        }
    }
}
