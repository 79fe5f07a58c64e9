package dev.rasp.it;

import java.util.List;

/**
 * SSRF attacks on the Spring app's {@code /ssrf/*} endpoints and their benign twins. Each attack, without the
 * agent, returns the internal service's secret (the file: one, the application's secret file); with it, it is
 * blocked before the connection (the service never sees the request). {@code port} is the internal service's.
 */
final class SsrfCases {
    private SsrfCases() {
    }

    /** An attack: the request target, the rule that blocks it and the API it is blocked at (and its category). */
    record Attack(String name, String target, String rule, String api, String category) {
        Attack(String name, String target, String rule, String api) {
            this(name, target, rule, api, "ssrf");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A benign twin: the request target and what the answer must contain. */
    record Twin(String name, String target, String expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String URL_OPEN = "java.net.URL.openConnection";
    static final String SOCKET = "java.net.Socket.connect";
    static final String OKHTTP_CALL = "okhttp3.Call.execute";
    static final String APACHE4_CALL = "org.apache.http.impl.client.InternalHttpClient.doExecute";
    static final String APACHE5_CALL = "org.apache.hc.client5.http.impl.classic.InternalHttpClient.doExecute";

    /** {@code secretFile}: a file whose content the application must never serve (AppProcess's secret). */
    static List<Attack> attacks(int port, java.nio.file.Path secretFile) {
        String secret = "http://127.0.0.1:" + port + "/secret";
        String partnerToSecret = "http://partner.test:" + port + "/to-secret";
        return List.of(
            new Attack("URL to loopback", "/ssrf/fetch?url=" + Http.enc(secret), "ssrf.internal", URL_OPEN),
            new Attack("URL to loopback as one decimal number",
                "/ssrf/fetch?url=" + Http.enc("http://2130706433:" + port + "/secret"), "ssrf.internal", URL_OPEN),
            new Attack("URL to loopback with a zero-padded octet",
                "/ssrf/fetch?url=" + Http.enc("http://0127.0.0.1:" + port + "/secret"), "ssrf.internal", URL_OPEN),
            new Attack("URL to IPv4-mapped IPv6 loopback",
                "/ssrf/fetch?url=" + Http.enc("http://[::ffff:127.0.0.1]:" + port + "/secret"), "ssrf.internal", URL_OPEN),
            // A file: URL is the file hooks' to judge, as the path its handler opens.
            new Attack("file: URL", "/ssrf/fetch?url=" + Http.enc(secretFile.toUri().toString()), "path.absolute",
                "sun.net.www.protocol.file.FileURLConnection.connect", "path"),
            new Attack("a name that resolves to loopback, judged at the socket",
                "/ssrf/fetch?url=" + Http.enc("http://metadata.rebind.test:" + port + "/secret"), "ssrf.internal", SOCKET),
            new Attack("an allowed partner redirecting into the network",
                "/ssrf/fetch?url=" + Http.enc("http://partner.test:" + port + "/to-secret"), "ssrf.internal",
                "java.net.HttpURLConnection.followRedirect"),
            new Attack("JDK HttpClient to loopback", "/ssrf/client?url=" + Http.enc(secret), "ssrf.internal",
                "java.net.http.HttpClient.send"),
            new Attack("RestTemplate to localhost",
                "/ssrf/rest?url=" + Http.enc("http://localhost:" + port + "/secret"), "ssrf.internal", URL_OPEN),
            new Attack("Apache HttpClient to loopback", "/ssrf/apache?url=" + Http.enc(secret),
                "ssrf.internal", APACHE5_CALL),
            new Attack("Apache HttpClient to a name that resolves to loopback",
                "/ssrf/apache?url=" + Http.enc("http://metadata.rebind.test:" + port + "/secret"), "ssrf.internal", SOCKET),
            new Attack("an allowed partner redirecting into the network, through Apache HttpClient",
                "/ssrf/apache?url=" + Http.enc("http://partner.test:" + port + "/to-secret"), "ssrf.internal",
                "org.apache.hc.client5.http.impl.DefaultRedirectStrategy.getLocationURI"),
            new Attack("OkHttp to loopback", "/ssrf/via/okhttp?url=" + Http.enc(secret), "ssrf.internal", OKHTTP_CALL),
            new Attack("OkHttp to a name that resolves to loopback, judged at the socket",
                "/ssrf/via/okhttp?url=" + Http.enc("http://metadata.rebind.test:" + port + "/secret"), "ssrf.internal", SOCKET),
            new Attack("an allowed partner redirecting into the network, through OkHttp",
                "/ssrf/via/okhttp?url=" + Http.enc(partnerToSecret), "ssrf.internal",
                "okhttp3.internal.http.RetryAndFollowUpInterceptor.followUpRequest"),
            new Attack("Apache HttpClient 4 to loopback", "/ssrf/via/apache4?url=" + Http.enc(secret), "ssrf.internal",
                APACHE4_CALL),
            new Attack("an allowed partner redirecting into the network, through Apache HttpClient 4",
                "/ssrf/via/apache4?url=" + Http.enc(partnerToSecret), "ssrf.internal",
                "org.apache.http.impl.client.DefaultRedirectStrategy.getLocationURI"),
            new Attack("Apache HttpClient 5 to localhost, through /via", "/ssrf/via/apache5?url="
                + Http.enc("http://localhost:" + port + "/secret"), "ssrf.internal", APACHE5_CALL),
            new Attack("an allowed partner redirecting into the network, through the JDK HttpClient",
                "/ssrf/via/jdk?url=" + Http.enc(partnerToSecret), "ssrf.internal",
                "java.net.http.HttpClient.followRedirect"),
            new Attack("WebClient to loopback", "/ssrf/via/webclient?url=" + Http.enc(secret), "ssrf.internal",
                "org.springframework.http.client.reactive.ReactorClientHttpConnector.connect"),
            // Reactor Netty follows the redirect on its event loop, for the request the exchange was made in.
            new Attack("an allowed partner redirecting into the network, through WebClient",
                "/ssrf/via/webclient?url=" + Http.enc(partnerToSecret), "ssrf.internal",
                "reactor.netty.http.client.HttpClientConnect.HttpClientHandler.redirect"),
            new Attack("raw socket to localhost", "/ssrf/socket?host=localhost&port=" + port, "ssrf.internal", SOCKET),
            new Attack("raw socket to loopback as one decimal number", "/ssrf/socket?host=2130706433&port=" + port,
                "ssrf.internal", SOCKET));
    }

    /** Whether the javax app has the endpoint (no JDK HttpClient or RestTemplate one there). */
    static boolean inJavaxApp(String target) {
        return target.startsWith("/ssrf/fetch?") || target.startsWith("/ssrf/socket?") || target.startsWith("/ssrf/service");
    }

    static List<String> attackNames(boolean javax) {
        return attacks(0, java.nio.file.Path.of("/x")).stream().filter(a -> !javax || inJavaxApp(a.target()))
            .map(Attack::name).toList();
    }

    static List<String> twinNames(boolean javax) {
        return twins(0).stream().filter(t -> !javax || inJavaxApp(t.target())).map(Twin::name).toList();
    }

    static List<Twin> twins(int port) {
        return List.of(
            new Twin("the application's own service, input as the path", "/ssrf/service?path=hello", "hello from the service"),
            new Twin("the application's own service, input naming its secret path", "/ssrf/service?path=secret",
                "internal-secret-"),
            new Twin("the application's own socket", "/ssrf/service-socket?path=hello", "hello from the service"),
            new Twin("an allowed partner", "/ssrf/fetch?url=" + Http.enc("http://partner.test:" + port + "/hello"),
                "hello from the service"),
            new Twin("an allowed partner redirecting to itself",
                "/ssrf/client?url=" + Http.enc("http://partner.test:" + port + "/to-hello"), "hello from the service"),
            new Twin("an allowed partner through Apache HttpClient",
                "/ssrf/apache?url=" + Http.enc("http://partner.test:" + port + "/hello"), "hello from the service"),
            new Twin("an allowed partner redirecting to itself, through Apache HttpClient",
                "/ssrf/apache?url=" + Http.enc("http://partner.test:" + port + "/to-hello"), "hello from the service"),
            new Twin("the application's own service through OkHttp, input as the path", "/ssrf/via/okhttp/service?path=hello",
                "hello from the service"),
            new Twin("the application's own service through Apache HttpClient 4, input as the path",
                "/ssrf/via/apache4/service?path=hello", "hello from the service"),
            new Twin("the application's own service through Apache HttpClient 5, input as the path",
                "/ssrf/via/apache5/service?path=hello", "hello from the service"),
            new Twin("the application's own service through the JDK HttpClient, input as the path",
                "/ssrf/via/jdk/service?path=hello", "hello from the service"),
            new Twin("an allowed partner redirecting to itself, through OkHttp",
                "/ssrf/via/okhttp?url=" + Http.enc("http://partner.test:" + port + "/to-hello"), "hello from the service"),
            new Twin("an allowed partner redirecting to itself, through Apache HttpClient 4",
                "/ssrf/via/apache4?url=" + Http.enc("http://partner.test:" + port + "/to-hello"), "hello from the service"),
            new Twin("an allowed partner redirecting to itself, through the JDK HttpClient",
                "/ssrf/via/jdk?url=" + Http.enc("http://partner.test:" + port + "/to-hello"), "hello from the service"),
            new Twin("the application's own service through WebClient, input as the path",
                "/ssrf/via/webclient/service?path=hello", "hello from the service"),
            new Twin("an allowed partner through WebClient",
                "/ssrf/via/webclient?url=" + Http.enc("http://partner.test:" + port + "/hello"), "hello from the service"),
            new Twin("an allowed partner redirecting to itself, through WebClient",
                "/ssrf/via/webclient?url=" + Http.enc("http://partner.test:" + port + "/to-hello"), "hello from the service"),
            new Twin("an allowed partner through RestTemplate",
                "/ssrf/rest?url=" + Http.enc("http://partner.test:" + port + "/hello"), "hello from the service"));
    }
}
