package dev.rasp.core.instrumentation.context;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RequestScope;
import dev.rasp.core.instrumentation.weaving.Advice;

import java.util.Collection;
import java.util.concurrent.Callable;

/**
 * Advice on executor methods: the task handed on is replaced by one that carries the request
 * being served (when there is one), and the method marks the thread while it runs, so that a
 * pool thread it starts does not take the request along. Only gathers arguments and calls the
 * bridge.
 */
public final class ExecutorAdvice {

    private ExecutorAdvice() {
    }

    /** execute(Runnable), submit(Runnable[, T]), schedule(Runnable, long, TimeUnit). */
    public static final class HandOffRunnable {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Runnable enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            Runnable handed = RaspBridge.handOffRunnable(task, RequestScope.VIA_EXECUTOR);
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

    /** submit(Callable), schedule(Callable, long, TimeUnit). */
    public static final class HandOffCallable {
        @SuppressWarnings({"rawtypes", "unchecked"})
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Callable enter(@Advice.Argument(value = 0, readOnly = false) Callable task) {
            Callable handed = RaspBridge.handOffCallable(task, RequestScope.VIA_EXECUTOR);
            if (handed != null) {
                task = handed;
            }
            return handed;
        }

        @SuppressWarnings("rawtypes")
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Callable handed, @Advice.Thrown Throwable thrown) {
            RaspBridge.handOffExit(handed, thrown);
        }
    }

    /** invokeAll(Collection[, long, TimeUnit]), invokeAny(...). */
    public static final class HandOffAll {
        @SuppressWarnings("rawtypes")
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Collection enter(@Advice.Argument(value = 0, readOnly = false) Collection tasks) {
            Collection handed = RaspBridge.handOffAll(tasks, RequestScope.VIA_EXECUTOR);
            if (handed != null) {
                tasks = handed;
            }
            return handed;
        }

        @SuppressWarnings("rawtypes")
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Collection handed, @Advice.Thrown Throwable thrown) {
            RaspBridge.handOffExit(handed, thrown);
        }
    }

    /**
     * Executor methods whose task does not carry the request (periodic schedules: a task that
     * runs forever would keep its request alive forever): they only mark the thread.
     */
    public static final class Mark {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter() {
            return RaspBridge.handOffMark();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object mark, @Advice.Thrown Throwable thrown) {
            RaspBridge.handOffExit(mark, thrown);
        }
    }

    /** ForkJoinPool.execute/submit/invoke(ForkJoinTask): the task itself carries the request (it cannot be wrapped). */
    public static final class HandOffForkJoinTask {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object task) {
            RaspBridge.forkJoinTask(task);
        }
    }

    /** ForkJoinTask.fork(). */
    public static final class Fork {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object task) {
            RaspBridge.forkJoinTask(task);
        }
    }

    /**
     * Where a task captured in place runs: ForkJoinTask.doExec() (on a worker or a joining
     * thread) and run() of a java.util.TimerTask subclass (the application's). Binds the request
     * the task was forked or scheduled in.
     */
    public static final class InPlaceRun {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static RequestScope enter(@Advice.This Object task) {
            return RaspBridge.inPlaceRunEnter(task);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter RequestScope scope) {
            RaspBridge.inPlaceRunExit(scope);
        }
    }

    /** java.util.Timer.sched(TimerTask, long time, long period): every schedule method ends here. */
    public static final class TimerSchedule {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.Argument(0) Object task, @Advice.Argument(2) long period) {
            return RaspBridge.timerSchedule(task, period);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object captured, @Advice.Thrown Throwable thrown) {
            RaspBridge.timerScheduleExit(captured, thrown);
        }
    }
}
