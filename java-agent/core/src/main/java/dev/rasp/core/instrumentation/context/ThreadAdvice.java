package dev.rasp.core.instrumentation.context;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RequestScope;
import dev.rasp.core.instrumentation.weaving.Advice;

/** Advice on java.lang.Thread (and VirtualThread, and application Thread subclasses' run()). */
public final class ThreadAdvice {

    private ThreadAdvice() {
    }

    /** Thread.start(), VirtualThread.start(): a thread started while serving a request takes it along. */
    public static final class Start {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Thread thread) {
            RaspBridge.threadStart(thread);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Thread thread, @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                RaspBridge.threadStartFailed(thread);
            }
        }
    }

    /** Thread.run() and overrides, VirtualThread.run(Runnable): binds what start() captured. */
    public static final class Run {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static RequestScope enter() {
            return RaspBridge.threadRunEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter RequestScope scope) {
            RaspBridge.threadRunExit(scope);
        }
    }

    /** Thread.exit(), called by the JVM as a platform thread ends. */
    public static final class Exit {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            RaspBridge.threadExit();
        }
    }
}
