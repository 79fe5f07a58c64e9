package dev.rasp.core.instrumentation.websocket;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Around a WebSocket message handler (a JSR 356 {@code @OnMessage} method or
 * {@code MessageHandler.onMessage}, a Spring {@code WebSocketHandler.handleMessage}): the message
 * is a request of its own, with its payload as input. Only gathers the arguments.
 */
public final class MessageAdvice {

    private MessageAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static boolean enter(@Advice.This Object handler,
                                @Advice.AllArguments(readOnly = false, typing = Advice.Typing.DYNAMIC) Object[] args) {
        boolean entered = RaspBridge.messageEnter(handler, args);
        Object[] streams = RaspBridge.messageStreams(args);
        if (streams != null) {
            args = streams;
        }
        return entered;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter boolean entered) {
        RaspBridge.messageExit(entered);
    }

    /** Session.addMessageHandler(..., handler): which session the handler serves. */
    public static final class HandlerAdded {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object session, @Advice.AllArguments Object[] args) {
            RaspBridge.webSocketEvent(RaspHooks.WS_HANDLER_ADDED, session, args);
        }
    }

    /** A JSR 356 Session's constructor: the session takes the handshake of the thread creating it. */
    public static final class SessionCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object session) {
            RaspBridge.webSocketEvent(RaspHooks.WS_SESSION_CREATED, session, null);
        }
    }

    /** ServerEndpointConfig.Configurator.modifyHandshake(config, request, response): the handshake's headers. */
    public static final class Handshake {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.AllArguments Object[] args) {
            RaspBridge.webSocketEvent(RaspHooks.WS_HANDSHAKE, null, args);
        }
    }

    /** Endpoint.onOpen(Session, EndpointConfig), {@code @OnOpen} methods: the session takes its handshake. */
    public static final class Opened {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.AllArguments Object[] args) {
            RaspBridge.webSocketEvent(RaspHooks.WS_OPENED, null, args);
        }
    }

    /** Jetty's JSR 356 frame handler: onOpen(CoreSession, Callback) opened the session it holds. */
    public static final class JettyOpened {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object frameHandler) {
            RaspBridge.webSocketEvent(RaspHooks.WS_JETTY_OPENED, frameHandler, null);
        }
    }
}
