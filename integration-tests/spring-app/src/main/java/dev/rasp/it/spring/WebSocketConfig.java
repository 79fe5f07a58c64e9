package dev.rasp.it.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServerEndpointExporter;

/**
 * The WebSocket endpoints: each message is a request of its own whose payload is the input (and, for the handlers
 * that see the session, the handshake's query parameters too). Every endpoint runs the vulnerable by-name lookup
 * on h2 (or a shell command) with what it got, and replies with the rows as JSON.
 *
 * <ul>
 *   <li>JSR 356, registered through {@link ServerEndpointExporter}: {@code /ws/jsr/lookup} ({@code @OnMessage} text
 *       and binary, {@link JsrEndpoints.Lookup}), {@code /ws/jsr/lookup-param?name=} (the handshake's parameter,
 *       {@link JsrEndpoints.LookupParam}), {@code /ws/jsr/lookup-header} and {@code /ws/jsr/lookup-cookie} (a
 *       {@code ServerEndpointConfig.Configurator} copies the handshake's header X-User / cookie user into the session's
 *       user properties, {@link JsrEndpoints.LookupHeader}, {@link JsrEndpoints.LookupCookie}), {@code /ws/jsr-handler/lookup} (a programmatic endpoint adding a
 *       {@code MessageHandler.Whole<String>}, {@link JsrEndpoints.HandlerEndpoint}).</li>
 *   <li>Spring {@code WebSocketHandler}s ({@code @EnableWebSocket}): {@code /ws/spring/lookup} (text and binary,
 *       {@link SpringWsHandlers.Lookup}), {@code /ws/spring/lookup-param?name=} ({@link SpringWsHandlers.LookupParam}),
 *       {@code /ws/spring/lookup-sh} (the payload is a host for {@code sh -c "getent hosts " + host},
 *       {@link SpringWsHandlers.LookupSh}).</li>
 * </ul>
 *
 * <p>On any exception the endpoint first replies {@code {"error": "<exception class>", "message": ".."}}; then, by
 * default, it rethrows, so the framework does what it does with a handler exception (Spring's
 * ExceptionWebSocketHandlerDecorator closes the session with 1011, Tomcat's JSR 356 container, after calling the
 * endpoint's onError, with 1002). With {@code ?errors=keep-open} on the handshake
 * it swallows the exception instead and the session stays open for the next message.
 */
@Configuration
@EnableWebSocket
public class WebSocketConfig implements WebSocketConfigurer {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The databases, for the JSR 356 endpoints (instantiated by the container, not by Spring). */
    private static volatile Databases databases;

    public WebSocketConfig(Databases dbs) {
        databases = dbs;
    }

    static Databases databases() {
        Databases d = databases;
        if (d == null) {
            throw new IllegalStateException("the application context is not up");
        }
        return d;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(new SpringWsHandlers.Lookup(), "/ws/spring/lookup").setAllowedOrigins("*");
        registry.addHandler(new SpringWsHandlers.LookupParam(), "/ws/spring/lookup-param").setAllowedOrigins("*");
        registry.addHandler(new SpringWsHandlers.LookupSh(), "/ws/spring/lookup-sh").setAllowedOrigins("*");
    }

    /** Registers the annotated JSR 356 endpoints and the ServerEndpointConfig beans with Tomcat's container. */
    @Bean
    public ServerEndpointExporter serverEndpointExporter() {
        ServerEndpointExporter e = new ServerEndpointExporter();
        e.setAnnotatedEndpointClasses(JsrEndpoints.Lookup.class, JsrEndpoints.LookupParam.class, JsrEndpoints.LookupHeader.class,
            JsrEndpoints.LookupCookie.class, JsrEndpoints.LookupStream.class);
        return e;
    }

    /** The programmatic endpoint (found by the exporter as a ServerEndpointConfig bean). */
    @Bean
    public ServerEndpointConfig jsrHandlerEndpoint() {
        return ServerEndpointConfig.Builder.create(JsrEndpoints.HandlerEndpoint.class, "/ws/jsr-handler/lookup").build();
    }

    // ------------------------------------------------------------------ shared by the endpoints

    /** The rows (or any answer) as JSON. */
    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {"error": "<class>", "message": ".."}. */
    static String error(Throwable t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", t.getClass().getName());
        m.put("message", String.valueOf(t.getMessage()));
        return json(m);
    }

    /** The lookup of /{db}/users/by-name on h2; the rows as JSON. */
    static String lookup(String name) throws Exception {
        return json(HandOffController.byName(databases().get("h2"), name).rows());
    }

    /** {@code sh -c "getent hosts " + host}: {"exit", "output"} as JSON. */
    static String lookupShell(String host) throws Exception {
        return json(CommandController.run(new ProcessBuilder("sh", "-c", "getent hosts " + host)));
    }

    /** The first value of a query parameter of a handshake URI (decoded), or null. */
    static String queryParam(URI uri, String name) {
        String q = uri == null ? null : uri.getRawQuery();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The handshake asked to keep the session open after an exception ({@code ?errors=keep-open}). */
    static boolean keepOpen(Map<String, List<String>> params) {
        List<String> v = params == null ? null : params.get("errors");
        return v != null && v.contains("keep-open");
    }

    static boolean keepOpen(URI uri) {
        return "keep-open".equals(queryParam(uri, "errors"));
    }
}
