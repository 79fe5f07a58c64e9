package dev.rasp.core.instrumentation.net;

/** The UrlApi codes of the native contract (docs/native-boundary.md). */
public final class UrlApi {
    /** java.net.URL.openConnection (and openStream, which calls it): target the URL. */
    public static final int URL_OPEN_CONNECTION = 0;
    /** HttpURLConnection following a redirect: target the connection, detail the next hop's URL. */
    public static final int HTTP_URL_CONNECTION_REDIRECT = 1;
    /** java.net.http.HttpClient.send/sendAsync: target the HttpRequest. */
    public static final int HTTP_CLIENT_SEND = 2;
    /** java.net.Socket.connect: target the SocketAddress. */
    public static final int SOCKET_CONNECT = 3;
    /** java.nio.channels.SocketChannel.connect: target the SocketAddress. */
    public static final int SOCKET_CHANNEL_CONNECT = 4;
    /** Apache HttpClient 5 following a redirect: target the current HttpRequest, detail the next hop's URI. */
    public static final int APACHE_REDIRECT = 5;
    /** OkHttp 4's RealCall.execute/enqueue: target the call (its request's URL). */
    public static final int OKHTTP_CALL = 6;
    /** Apache HttpClient 4's InternalHttpClient.doExecute: target the HttpRequest, detail the HttpHost (may be null). */
    public static final int APACHE4_CALL = 7;
    /** Apache HttpClient 5's classic InternalHttpClient.doExecute: target the ClassicHttpRequest, detail the HttpHost. */
    public static final int APACHE5_CALL = 8;
    /** The JDK HttpClient following a redirect: target the current HttpRequest, detail the next hop's HttpRequest. */
    public static final int JDK_HTTP_CLIENT_REDIRECT = 9;
    /** OkHttp following a redirect: target the okhttp3.Response redirecting, detail the next hop's okhttp3.Request. */
    public static final int OKHTTP_REDIRECT = 10;
    /** Apache HttpClient 4 following a redirect: target the current HttpRequest, detail the next hop's URI. */
    public static final int APACHE4_REDIRECT = 11;
    /** Spring WebClient over Reactor Netty (ReactorClientHttpConnector.connect): target the URI. */
    public static final int WEBCLIENT_CALL = 12;
    /**
     * Reactor Netty following a redirect for a WebClient (HttpClientConnect.HttpClientHandler.redirect):
     * target the current hop's URL text, detail the next hop's.
     */
    public static final int WEBCLIENT_REDIRECT = 13;

    private UrlApi() {
    }

    /** Whether the api is a redirect hop: the URL sent is the detail's, the target the hop it follows. */
    public static boolean isRedirect(int api) {
        return api == HTTP_URL_CONNECTION_REDIRECT || api == APACHE_REDIRECT || api == JDK_HTTP_CLIENT_REDIRECT
                || api == OKHTTP_REDIRECT || api == APACHE4_REDIRECT || api == WEBCLIENT_REDIRECT;
    }

    /** Whether the api is a client's call whose URL may need the detail (the target host) to be absolute. */
    public static boolean isApacheCall(int api) {
        return api == APACHE4_CALL || api == APACHE5_CALL;
    }

    /** Whether the api's target is a socket address (written tcp://host:port for the engine). */
    public static boolean isSocket(int api) {
        return api == SOCKET_CONNECT || api == SOCKET_CHANNEL_CONNECT;
    }
}
