package dev.rasp.core.instrumentation.websocket;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.TypeShape;

import static dev.rasp.core.instrumentation.matching.Matchers.declaresMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.failSafe;
import static dev.rasp.core.instrumentation.matching.Matchers.hasSuperType;
import static dev.rasp.core.instrumentation.matching.Matchers.isAbstract;
import static dev.rasp.core.instrumentation.matching.Matchers.isAnnotatedWith;
import static dev.rasp.core.instrumentation.matching.Matchers.isConstructor;
import static dev.rasp.core.instrumentation.matching.Matchers.isInterface;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.nameEndsWith;
import static dev.rasp.core.instrumentation.matching.Matchers.nameStartsWith;
import static dev.rasp.core.instrumentation.matching.Matchers.namedOneOf;
import static dev.rasp.core.instrumentation.matching.Matchers.not;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * WebSocket messages, each judged as a request of its own: JSR 356 (javax and jakarta)
 * {@code @OnMessage} methods and {@code MessageHandler.Whole/Partial} implementations (the
 * containers' own adapters for annotated endpoints among them), and Spring's
 * {@code WebSocketHandler.handleMessage} (its decorators nest: the outermost call opens the
 * message's context). The handshake (path, query, headers and so cookies) that JSR 356 handlers
 * do not see is learnt from the container's {@code Configurator.modifyHandshake}, the session's
 * constructor and {@code onOpen}, and {@code Session.addMessageHandler}.
 */
public final class WebSocketInstrumentation implements InstrumentationModule {

    private static final String[] ON_MESSAGE = {"javax.websocket.OnMessage", "jakarta.websocket.OnMessage"};
    private static final String[] ON_OPEN = {"javax.websocket.OnOpen", "jakarta.websocket.OnOpen"};

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names("javax.websocket.MessageHandler$Whole", "jakarta.websocket.MessageHandler$Whole",
                "javax.websocket.MessageHandler$Partial", "jakarta.websocket.MessageHandler$Partial",
                "javax.websocket.server.ServerEndpointConfig$Configurator",
                "jakarta.websocket.server.ServerEndpointConfig$Configurator",
                "javax.websocket.Endpoint", "jakarta.websocket.Endpoint", "javax.websocket.Session", "jakarta.websocket.Session",
                "org.springframework.web.socket.WebSocketHandler")
                .nameShape("org.eclipse.jetty.", "WebSocketFrameHandler");
        for (String annotation : ON_MESSAGE) {
            keys.constant("L" + annotation.replace('.', '/') + ";");
        }
        for (String annotation : ON_OPEN) {
            keys.constant("L" + annotation.replace('.', '/') + ";");
        }
    }

    private static Matcher<TypeShape> implementing(String... names) {
        return not(isInterface()).and(failSafe(hasSuperType(namedOneOf(names))));
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader loader) {
        String advice = MessageAdvice.class.getName();
        return builder
                .type(not(isInterface()).and(declaresMethod(isAnnotatedWith(namedOneOf(ON_MESSAGE)))))
                .transform(forAdvice(loader).advice(isMethod().and(isAnnotatedWith(namedOneOf(ON_MESSAGE))), advice))
                .type(implementing("javax.websocket.MessageHandler$Whole", "jakarta.websocket.MessageHandler$Whole"))
                .transform(forAdvice(loader).advice(isMethod().and(named("onMessage")).and(not(isAbstract()))
                        .and(takesArguments(1)), advice))
                .type(implementing("javax.websocket.MessageHandler$Partial", "jakarta.websocket.MessageHandler$Partial"))
                .transform(forAdvice(loader).advice(isMethod().and(named("onMessage")).and(not(isAbstract()))
                        .and(takesArguments(2)), advice))
                // the handshake of a session, which JSR 356 handlers do not see
                .type(implementing("javax.websocket.server.ServerEndpointConfig$Configurator",
                        "jakarta.websocket.server.ServerEndpointConfig$Configurator"))
                .transform(forAdvice(loader).advice(isMethod().and(named("modifyHandshake")).and(not(isAbstract()))
                        .and(takesArguments(3)), CachedAdvice.nested(MessageAdvice.class, "Handshake")))
                .type(implementing("javax.websocket.Endpoint", "jakarta.websocket.Endpoint"))
                .transform(forAdvice(loader).advice(isMethod().and(named("onOpen")).and(not(isAbstract()))
                        .and(takesArguments(2)), CachedAdvice.nested(MessageAdvice.class, "Opened")))
                .type(not(isInterface()).and(declaresMethod(isAnnotatedWith(namedOneOf(ON_OPEN)))))
                .transform(forAdvice(loader).advice(isMethod().and(isAnnotatedWith(namedOneOf(ON_OPEN))),
                        CachedAdvice.nested(MessageAdvice.class, "Opened")))
                // Jetty runs annotated endpoints through its own frame handler, not an Endpoint
                .type(nameStartsWith("org.eclipse.jetty.").and(nameEndsWith("WebSocketFrameHandler")).and(not(isInterface())))
                .transform(forAdvice(loader).advice(isMethod().and(named("onOpen")).and(not(isAbstract()))
                        .and(takesArguments(2)), CachedAdvice.nested(MessageAdvice.class, "JettyOpened")))
                // only the session classes that declare addMessageHandler (every container's session
                // does): a subclass that declares only constructors runs one of those in its own, and
                // the pre-filter need not read the super types of every class with a constructor
                .type(implementing("javax.websocket.Session", "jakarta.websocket.Session")
                        .and(declaresMethod(named("addMessageHandler"))))
                .transform(forAdvice(loader).advice(isMethod().and(named("addMessageHandler")).and(not(isAbstract())),
                        CachedAdvice.nested(MessageAdvice.class, "HandlerAdded"))
                        // bound before the session can read: Jetty reads its first message on another thread
                        // while its frame handler's onOpen (and so WS_JETTY_OPENED) has not returned yet
                        .advice(isConstructor(), CachedAdvice.nested(MessageAdvice.class, "SessionCreated")))
                .type(implementing("org.springframework.web.socket.WebSocketHandler"))
                .transform(forAdvice(loader).advice(isMethod().and(named("handleMessage")).and(not(isAbstract()))
                        .and(takesArguments(2)), advice));
    }

    private static CachedAdvice forAdvice(ClassLoader loader) {
        return CachedAdvice.of(loader);
    }
}
