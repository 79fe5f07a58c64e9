package dev.rasp.core.instrumentation.servlet;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Around Filter.doFilter(req, resp, chain) and Servlet.service(req, resp), javax and jakarta.
 * The outermost entry on a thread opens the request's native context; its exit closes it, also
 * when the application throws. The exit may replace the thrown exception: our own block
 * exception is swallowed once the 403 has been written.
 */
public final class RequestAdvice {

    private RequestAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static boolean enter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object response) {
        return RaspBridge.requestEnter(request, response);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter boolean entered, @Advice.Thrown(readOnly = false) Throwable thrown) {
        thrown = RaspBridge.requestExit(entered, thrown);
    }
}
