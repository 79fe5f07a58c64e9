package dev.rasp.core.instrumentation.net;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Named;

import static dev.rasp.core.instrumentation.matching.Matchers.isConstructor;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.namedOneOf;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * Outbound connections, for the SSRF judgement: where each one goes is checked before it is
 * made. The URL the application opens (URL.openConnection, reached by openStream and every
 * protocol handler; the JDK HTTP client's send; OkHttp's call; Apache HttpClient 4's and 5's
 * execute; Spring WebClient's exchange over Reactor Netty); each redirect HttpURLConnection, the JDK HTTP client, OkHttp, Apache HttpClient 4 and 5 and Reactor Netty follow, judged
 * as chosen by the input that chose the first hop; and each socket connect with the address it
 * resolved to (java.net.Socket, which Apache HttpClient, OkHttp and HttpURLConnection use, and
 * NIO's SocketChannel, which Netty and the JDK HTTP client use), where a name that resolves into
 * the network is caught whatever its text. Method shapes checked on JDK 17 and 25.
 */
public final class NetInstrumentation implements InstrumentationModule {

    static final String URL = "java.net.URL";
    static final String HTTP_URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
    static final String SOCKET = "java.net.Socket";
    static final String SOCKET_CHANNEL = "sun.nio.ch.SocketChannelImpl";
    /** java.net.http lives in the platform loader; its send and sendAsync overloads all reach the private 4-argument sendAsync. */
    static final String HTTP_CLIENT_IMPL = "jdk.internal.net.http.HttpClientImpl";
    /** Apache HttpClient 5's redirect strategy (in the application's class loader, when present). */
    static final String APACHE_REDIRECT_STRATEGY = "org.apache.hc.client5.http.impl.DefaultRedirectStrategy";
    /** The JDK HTTP client's redirect filter (java.net.http, like HttpClientImpl). */
    static final String JDK_REDIRECT_FILTER = "jdk.internal.net.http.RedirectFilter";
    /** OkHttp 4's call and its redirect follower. */
    static final String OKHTTP_CALL = "okhttp3.internal.connection.RealCall";
    static final String OKHTTP_FOLLOW_UP = "okhttp3.internal.http.RetryAndFollowUpInterceptor";
    /** Apache HttpClient 4's and 5's (classic) client that every execute overload reaches, and 4's redirect strategy. */
    static final String APACHE4_CLIENT = "org.apache.http.impl.client.InternalHttpClient";
    static final String APACHE5_CLIENT = "org.apache.hc.client5.http.impl.classic.InternalHttpClient";
    static final String APACHE4_REDIRECT_STRATEGY = "org.apache.http.impl.client.DefaultRedirectStrategy";
    /** Spring's WebClient connector for Reactor Netty (spring-web). */
    static final String REACTOR_CONNECTOR = "org.springframework.http.client.reactive.ReactorClientHttpConnector";
    /** Reactor Netty's per-exchange handler, which follows the redirects (reactor-netty-http 1.x). */
    static final String REACTOR_NETTY_HANDLER = "reactor.netty.http.client.HttpClientConnect$HttpClientHandler";

    @Override
    public String name() {
        return "net";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(URL, HTTP_URL_CONNECTION, SOCKET, SOCKET_CHANNEL, HTTP_CLIENT_IMPL, APACHE_REDIRECT_STRATEGY,
                JDK_REDIRECT_FILTER, OKHTTP_CALL, OKHTTP_FOLLOW_UP, APACHE4_CLIENT, APACHE5_CLIENT,
                APACHE4_REDIRECT_STRATEGY, REACTOR_CONNECTOR, REACTOR_NETTY_HANDLER);
    }

    @Override
    public Matcher<Named> bootstrapTypes() {
        return namedOneOf(URL, HTTP_URL_CONNECTION, SOCKET, SOCKET_CHANNEL);
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder
                .type(named(URL))
                .transform(advice(adviceLoader).advice(isMethod().and(named("openConnection")),
                        CachedAdvice.nested(NetAdvice.class, "OpenConnection")))
                .type(named(HTTP_URL_CONNECTION))
                .transform(advice(adviceLoader).advice(isMethod().and(named("followRedirect0")).and(takesArguments(3)),
                        CachedAdvice.nested(NetAdvice.class, "Redirect")))
                .type(named(SOCKET))
                .transform(advice(adviceLoader).advice(isMethod().and(named("connect")).and(takesArguments(2))
                                .and(takesArgument(0, named("java.net.SocketAddress"))),
                        CachedAdvice.nested(NetAdvice.class, "SocketConnect")))
                .type(named(SOCKET_CHANNEL))
                .transform(advice(adviceLoader).advice(isMethod().and(named("connect")).and(takesArguments(1))
                                .and(takesArgument(0, named("java.net.SocketAddress"))),
                        CachedAdvice.nested(NetAdvice.class, "ChannelConnect")))
                .type(named(HTTP_CLIENT_IMPL))
                .transform(advice(adviceLoader).advice(isMethod().and(named("sendAsync")).and(takesArguments(4))
                                .and(takesArgument(0, named("java.net.http.HttpRequest"))),
                        CachedAdvice.nested(NetAdvice.class, "HttpClientSend")))
                .type(named(APACHE_REDIRECT_STRATEGY))
                .transform(advice(adviceLoader).advice(isMethod().and(named("getLocationURI")).and(takesArguments(3)),
                        CachedAdvice.nested(NetAdvice.class, "ApacheRedirect")))
                .type(named(JDK_REDIRECT_FILTER))
                .transform(advice(adviceLoader).advice(isMethod().and(named("response")).and(takesArguments(1)),
                        CachedAdvice.nested(NetAdvice.class, "JdkRedirect")))
                .type(named(OKHTTP_CALL))
                .transform(advice(adviceLoader)
                        .advice(isMethod().and(named("execute")).and(takesArguments(0)),
                                CachedAdvice.nested(NetAdvice.class, "OkHttpCall"))
                        .advice(isMethod().and(named("enqueue")).and(takesArguments(1)),
                                CachedAdvice.nested(NetAdvice.class, "OkHttpCall")))
                .type(named(OKHTTP_FOLLOW_UP))
                .transform(advice(adviceLoader).advice(isMethod().and(named("followUpRequest")).and(takesArguments(2)),
                        CachedAdvice.nested(NetAdvice.class, "OkHttpRedirect")))
                .type(named(APACHE4_CLIENT))
                .transform(advice(adviceLoader).advice(isMethod().and(named("doExecute")).and(takesArguments(3)),
                        CachedAdvice.nested(NetAdvice.class, "Apache4Call")))
                .type(named(APACHE5_CLIENT))
                .transform(advice(adviceLoader).advice(isMethod().and(named("doExecute")).and(takesArguments(3)),
                        CachedAdvice.nested(NetAdvice.class, "Apache5Call")))
                .type(named(APACHE4_REDIRECT_STRATEGY))
                .transform(advice(adviceLoader).advice(isMethod().and(named("getLocationURI")).and(takesArguments(3)),
                        CachedAdvice.nested(NetAdvice.class, "Apache4Redirect")))
                .type(named(REACTOR_CONNECTOR))
                .transform(advice(adviceLoader).advice(isMethod().and(named("connect")).and(takesArguments(3))
                                .and(takesArgument(1, named("java.net.URI"))),
                        CachedAdvice.nested(NetAdvice.class, "WebClientCall")))
                .type(named(REACTOR_NETTY_HANDLER))
                .transform(advice(adviceLoader)
                        .advice(isConstructor().and(takesArguments(1)), CachedAdvice.nested(NetAdvice.class, "WebClientHandlerCreated"))
                        .advice(isMethod().and(named("redirect")).and(takesArguments(String.class)),
                                CachedAdvice.nested(NetAdvice.class, "WebClientRedirect")));
    }

    private static CachedAdvice advice(ClassLoader adviceLoader) {
        return CachedAdvice.of(adviceLoader);
    }
}
