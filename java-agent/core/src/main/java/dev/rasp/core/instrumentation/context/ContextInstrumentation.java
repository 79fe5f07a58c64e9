package dev.rasp.core.instrumentation.context;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.Named;

import java.util.Collection;
import java.util.concurrent.Callable;

import static dev.rasp.core.instrumentation.matching.Matchers.failSafe;
import static dev.rasp.core.instrumentation.matching.Matchers.hasSuperType;
import static dev.rasp.core.instrumentation.matching.Matchers.isAbstract;
import static dev.rasp.core.instrumentation.matching.Matchers.isInterface;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.nameStartsWith;
import static dev.rasp.core.instrumentation.matching.Matchers.namedOneOf;
import static dev.rasp.core.instrumentation.matching.Matchers.not;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * The request's context follows its work: every {@code java.util.concurrent.Executor}
 * implementation (the JDK's pools, the common ForkJoinPool, CompletableFuture's async executors,
 * virtual-thread-per-task executors, containers' and frameworks' executors) carries tasks handed
 * to it while a request is served; a ForkJoinTask forked or submitted while serving (parallel
 * streams, RecursiveTask) carries it into doExec; a {@code java.util.TimerTask} scheduled once
 * while serving carries it into its run() on the timer's thread; and {@code Thread.start} carries
 * the request to a thread started while serving it. (AsyncContext.start is the servlet module's.)
 *
 * <p>Modeled on OpenTelemetry's executor instrumentation: wrap the task, carry the context,
 * bind it while the task runs, always unbind. Unlike it, the carried value owns a native
 * resource, so every capture is given back exactly once (see dev.rasp.bootstrap.HandOff).
 */
public final class ContextInstrumentation implements InstrumentationModule {

    private static final String EXECUTOR = "java.util.concurrent.Executor";
    private static final String THREAD = "java.lang.Thread";
    private static final String VIRTUAL_THREAD = "java.lang.VirtualThread";
    private static final String FORK_JOIN_TASK = "java.util.concurrent.ForkJoinTask";
    private static final String TIMER = "java.util.Timer";
    private static final String TIMER_TASK = "java.util.TimerTask";

    /** JDK executors loaded before the transformer is installed (see Activation: a first load inside a transformation is missed). */
    public static final String[] PRELOADED = {"java.util.concurrent.ForkJoinPool", FORK_JOIN_TASK};

    @Override
    public String name() {
        return "context";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(EXECUTOR, FORK_JOIN_TASK, THREAD, VIRTUAL_THREAD, TIMER, TIMER_TASK);
    }

    @Override
    public Matcher<Named> bootstrapTypes() {
        return named(THREAD).or(named(VIRTUAL_THREAD)).or(named(TIMER)).or(nameStartsWith("java.util.concurrent."));
    }

    private static Matcher<MethodShape> concrete(String name) {
        return isMethod().and(named(name)).and(not(isAbstract()));
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder
                .type(not(isInterface()).and(failSafe(hasSuperType(named(EXECUTOR)))))
                .transform(advice(adviceLoader)
                        .advice(concrete("execute").and(takesArguments(Runnable.class)),
                                CachedAdvice.nested(ExecutorAdvice.class, "HandOffRunnable"))
                        .advice(concrete("submit").and(takesArgument(0, Runnable.class))
                                        .and(takesArguments(1).or(takesArguments(2))),
                                CachedAdvice.nested(ExecutorAdvice.class, "HandOffRunnable"))
                        .advice(concrete("submit").and(takesArguments(Callable.class)),
                                CachedAdvice.nested(ExecutorAdvice.class, "HandOffCallable"))
                        .advice(concrete("schedule").and(takesArguments(3)).and(takesArgument(0, Runnable.class)),
                                CachedAdvice.nested(ExecutorAdvice.class, "HandOffRunnable"))
                        .advice(concrete("schedule").and(takesArguments(3)).and(takesArgument(0, Callable.class)),
                                CachedAdvice.nested(ExecutorAdvice.class, "HandOffCallable"))
                        .advice(isMethod().and(namedOneOf("invokeAll", "invokeAny")).and(not(isAbstract()))
                                        .and(takesArgument(0, Collection.class)),
                                CachedAdvice.nested(ExecutorAdvice.class, "HandOffAll"))
                        .advice(isMethod().and(namedOneOf("scheduleAtFixedRate", "scheduleWithFixedDelay"))
                                        .and(not(isAbstract())),
                                CachedAdvice.nested(ExecutorAdvice.class, "Mark"))
                        .advice(isMethod().and(namedOneOf("execute", "submit", "invoke")).and(not(isAbstract()))
                                        .and(takesArguments(1)).and(takesArgument(0, named(FORK_JOIN_TASK))),
                                CachedAdvice.nested(ExecutorAdvice.class, "HandOffForkJoinTask")))
                // ForkJoinTask work (parallel streams, RecursiveTask): captured at fork, bound at doExec
                .type(named(FORK_JOIN_TASK))
                .transform(advice(adviceLoader)
                        .advice(concrete("fork").and(takesArguments(0)), CachedAdvice.nested(ExecutorAdvice.class, "Fork"))
                        .advice(concrete("doExec").and(takesArguments(0)), CachedAdvice.nested(ExecutorAdvice.class, "InPlaceRun")))
                // java.util.Timer: a TimerTask is captured where every schedule method ends (the
                // private sched), and bound in its run(), which only subclasses implement
                .type(named(TIMER))
                .transform(advice(adviceLoader)
                        .advice(isMethod().and(named("sched")).and(takesArguments(3))
                                        .and(takesArgument(0, named(TIMER_TASK))),
                                CachedAdvice.nested(ExecutorAdvice.class, "TimerSchedule")))
                .type(not(isInterface()).and(not(named(TIMER_TASK))).and(failSafe(hasSuperType(named(TIMER_TASK)))))
                .transform(advice(adviceLoader)
                        .advice(concrete("run").and(takesArguments(0)), CachedAdvice.nested(ExecutorAdvice.class, "InPlaceRun")))
                .type(named(THREAD).or(named(VIRTUAL_THREAD)))
                .transform(advice(adviceLoader)
                        .advice(concrete("start").and(takesArguments(0)), CachedAdvice.nested(ThreadAdvice.class, "Start"))
                        .advice(concrete("run").and(takesArguments(0).or(takesArguments(Runnable.class))),
                                CachedAdvice.nested(ThreadAdvice.class, "Run"))
                        .advice(concrete("exit").and(takesArguments(0)), CachedAdvice.nested(ThreadAdvice.class, "Exit")))
                // Application subclasses that override run() (the JDK's own are left alone: their
                // captures are given back at Thread.exit(). ForkJoinWorkerThread, a boot type the
                // java.util.concurrent rule lets through, runs its pool's loop in run(): bound there,
                // the request that happened to start the worker would be every later task's.)
                .type(not(isInterface()).and(not(nameStartsWith("java."))).and(failSafe(hasSuperType(named(THREAD)))))
                .transform(advice(adviceLoader)
                        .advice(concrete("run").and(takesArguments(0)), CachedAdvice.nested(ThreadAdvice.class, "Run")));
    }

    private static CachedAdvice advice(ClassLoader adviceLoader) {
        return CachedAdvice.of(adviceLoader);
    }
}
