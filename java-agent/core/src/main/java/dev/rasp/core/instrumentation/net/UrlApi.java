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

    private UrlApi() {
    }

    /** Whether the api is a redirect hop: the URL sent is the detail's, the target the hop it follows. */
    public static boolean isRedirect(int api) {
        return api == HTTP_URL_CONNECTION_REDIRECT || api == APACHE_REDIRECT;
    }

    /** Whether the api's target is a socket address (written tcp://host:port for the engine). */
    public static boolean isSocket(int api) {
        return api == SOCKET_CONNECT || api == SOCKET_CHANNEL_CONNECT;
    }
}
