package dev.rasp.core.instrumentation.servlet;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RequestScope;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * AsyncContext.start(Runnable), javax and jakarta: the container runs the task on one of its
 * threads; it carries the request. (The container's executor is instrumented too, as an
 * executor inside this method: the task is carried once.)
 */
public final class AsyncStartAdvice {

    private AsyncStartAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Runnable enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
        Runnable handed = RaspBridge.handOffRunnable(task, RequestScope.VIA_ASYNC_CONTEXT);
        if (handed != null) {
            task = handed;
        }
        return handed;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Runnable handed, @Advice.Thrown Throwable thrown) {
        RaspBridge.handOffExit(handed, thrown);
    }
}
