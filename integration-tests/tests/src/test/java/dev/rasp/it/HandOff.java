package dev.rasp.it;

import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The hand-off endpoints: the vulnerable lookup of {@code /{db}/users/by-name} run on another thread than the one
 * serving the request (Spring: HandOffController, {@code /handoff/{db}/<route>?name=}; javax: HandOffServlets,
 * {@code /handoff/<route>?name=}, on h2). Each says what the event's {@code handoff} must say and how the block
 * reaches the client.
 */
public enum HandOff {
    EXECUTOR_SUBMIT("spring", "executor-submit", "executor", "handoff-pool-", Answer.SERVING_THREAD_WAITS),
    EXECUTOR_EXECUTE("spring", "executor-execute", "executor", "handoff-pool-", Answer.SERVING_THREAD_WAITS),
    SCHEDULED("spring", "scheduled", "executor", "handoff-scheduler-", Answer.SERVING_THREAD_WAITS),
    /** {@code java.util.Timer.schedule(timerTask, 1)}: a timer made at start, its thread not started by a request. */
    TIMER("spring", "timer", "timer", "handoff-timer", Answer.SERVING_THREAD_WAITS),
    INVOKE_ALL("spring", "invoke-all", "executor", "handoff-pool-", Answer.SERVING_THREAD_WAITS),
    INVOKE_ANY("spring", "invoke-any", "executor", "handoff-pool-", Answer.SERVING_THREAD_WAITS),
    /** The common pool; via not asserted (the contract names ForkJoinPool apart from the plain executors). */
    FORK_JOIN("spring", "fork-join", null, "ForkJoinPool.commonPool-worker-", Answer.SERVING_THREAD_WAITS),
    /**
     * ForkJoinTask work: {@code ForkJoinPool.commonPool().invoke(rootTask)}, the root forking a RecursiveTask (the
     * lookup) and a RecursiveAction and joining them. The caller may run the root itself and take the forked lookup
     * back when it joins, so the query may run on the serving thread: neither handoff nor the thread is asserted.
     */
    RECURSIVE_TASK("spring", "recursive-task", null, null, Answer.FORK_JOIN_TASK),
    /** The same root task given to a dedicated {@code new ForkJoinPool(2)} (workers handoff-fj-N): {@code submit(..).get()}. */
    FORK_JOIN_SUBMIT("spring", "fork-join-submit", null, null, Answer.FORK_JOIN_TASK),
    /**
     * {@code Stream.of(name, 7 names of nobody).parallel().map(lookup)}: the elements are split between the caller and
     * the common pool; the rows found are those of name. The lookup is {@code ... WHERE name = '<n>'} (by-name without
     * its role clause, which would make every filler's statement match sig.sqli.tautology: HandOffController).
     */
    PARALLEL_STREAM("spring", "parallel-stream", null, null, Answer.FORK_JOIN_TASK),
    /**
     * CompletableFuture's default pool: the common pool, or a new thread per task when the common pool's parallelism
     * is 1 (two CPUs), so neither via nor the thread name is known.
     */
    COMPLETABLE("spring", "completable", null, null, Answer.SERVING_THREAD_WAITS),
    /** supplyAsync(.., pool).thenApplyAsync(.., pool): the query runs in the second stage. */
    COMPLETABLE_EXECUTOR("spring", "completable-executor", "executor", "handoff-pool-", Answer.SERVING_THREAD_WAITS),
    THREAD("spring", "thread", "thread", "handoff-thread-", Answer.SERVING_THREAD_WAITS),
    THREAD_SUBCLASS("spring", "thread-subclass", "thread", "handoff-subclass-", Answer.SERVING_THREAD_WAITS),
    /** JDK 21+ (501 below): Thread.ofVirtual().name(..).start(r). */
    VIRTUAL("spring", "virtual", "thread", "handoff-virtual-", Answer.SERVING_THREAD_WAITS),
    /** JDK 21+ (501 below): Executors.newVirtualThreadPerTaskExecutor(); its threads have no name. */
    VIRTUAL_EXECUTOR("spring", "virtual-executor", null, null, Answer.SERVING_THREAD_WAITS),
    /** AsyncContext.start on Tomcat: a container thread (maybe the very thread that served the request before). */
    SERVLET_ASYNC("spring", "servlet-async", "async-context", null, Answer.ASYNC_CONTEXT),
    /**
     * AsyncContext.start with the serving thread held in the request until the task answered, the task's own answer
     * (its 500 too) flushed: the block must be answered by the task before the application's error handling runs.
     */
    SERVLET_ASYNC_HELD("spring", "servlet-async-held", "async-context", null, Answer.ASYNC_CONTEXT_HELD),
    MVC_CALLABLE("spring", "mvc-callable", null, null, Answer.SPRING_MVC_ASYNC),
    /** The DeferredResult is completed by an application pool task. */
    MVC_DEFERRED("spring", "mvc-deferred", null, "handoff-pool-", Answer.SPRING_MVC_ASYNC),
    MVC_WEBASYNCTASK("spring", "mvc-webasynctask", null, null, Answer.SPRING_MVC_ASYNC),
    MVC_COMPLETABLE("spring", "mvc-completable", null, null, Answer.SPRING_MVC_ASYNC),
    MVC_ASYNC_METHOD("spring", "mvc-async-method", null, null, Answer.SPRING_MVC_ASYNC),

    /** Jetty: AsyncContext.start (a qtp thread). */
    JAVAX_SERVLET_ASYNC("javax", "servlet-async", "async-context", null, Answer.ASYNC_CONTEXT),
    /** Jetty: as SERVLET_ASYNC_HELD. */
    JAVAX_SERVLET_ASYNC_HELD("javax", "servlet-async-held", "async-context", null, Answer.ASYNC_CONTEXT_HELD),
    /**
     * Jetty: startAsync, then an application thread calls dispatch("/h2/users/by-name"): the query runs in the
     * async dispatch. Whether the contract calls that a hand-off is not asserted.
     */
    JAVAX_DISPATCH("javax", "dispatch", null, null, Answer.ASYNC_DISPATCH);

    /** How the block reaches the client, and what block_response the event must carry. */
    enum Answer {
        /** The serving thread waits for the task (get/join/latch): 403, block_response "deferred". */
        SERVING_THREAD_WAITS,
        /** AsyncContext.start: the task itself answers; 403, block_response "sent" or "deferred". */
        ASYNC_CONTEXT,
        /**
         * AsyncContext.start while the serving thread is still in the request: the task answers before the application
         * sees the block; 403, block_response "sent".
         */
        ASYNC_CONTEXT_HELD,
        /** Spring MVC async return values: 403 (the exception arrives in the async dispatch); block_response not asserted. */
        SPRING_MVC_ASYNC,
        /** An async dispatch runs the query: 403; no handoff asserted; block_response "sent" or "deferred". */
        ASYNC_DISPATCH,
        /**
         * ForkJoinTask work (fork/join, parallel streams): the serving thread waits, but it may also run the work itself;
         * 403; neither handoff nor the worker thread asserted; block_response "sent" (the serving thread ran it) or
         * "deferred" (a pool worker did).
         */
        FORK_JOIN_TASK
    }

    /** "spring" or "javax". */
    final String app;
    final String route;
    /** The exact handoff.via, or null when not asserted. */
    final String via;
    /** What the worker thread's name starts with (handoff.thread, X-Worker-Thread), or null when unknown. */
    final String threadPrefix;
    final Answer answer;

    HandOff(String app, String route, String via, String threadPrefix, Answer answer) {
        this.app = app;
        this.route = route;
        this.via = via;
        this.threadPrefix = threadPrefix;
        this.answer = answer;
    }

    /** The request path: /handoff/{db}/route (Spring), /handoff/route (javax, on h2). */
    String path(String db) {
        return app.equals("spring") ? "/handoff/" + db + "/" + route : "/handoff/" + route;
    }

    /** Needs JDK 21 (virtual threads); the endpoint answers 501 below. */
    boolean needsJdk21() {
        return this == VIRTUAL || this == VIRTUAL_EXECUTOR;
    }

    /** Runs on a virtual thread (X-Worker-Virtual: true). */
    boolean virtualWorker() {
        return needsJdk21();
    }

    /**
     * The worker is never the thread that served the request (so the answer's X-Worker-Thread differs from its
     * X-Serving-Thread, and handoff.thread is no container thread): false for the container's own pools.
     */
    boolean workerIsNotAContainerThread() {
        return answer != Answer.ASYNC_CONTEXT && answer != Answer.ASYNC_CONTEXT_HELD && answer != Answer.ASYNC_DISPATCH
            && answer != Answer.FORK_JOIN_TASK;
    }

    /** The Spring hand-offs that run on JDK 17. */
    static Stream<HandOff> springJdk17() {
        return Arrays.stream(values()).filter(h -> h.app.equals("spring") && !h.needsJdk21());
    }

    static Stream<HandOff> javax() {
        return Arrays.stream(values()).filter(h -> h.app.equals("javax"));
    }

    /** The Spring hand-offs run on JDK 25: both virtual-thread ones, and an executor and a thread for comparison. */
    public static Stream<HandOff> springJdk25() {
        return Stream.of(VIRTUAL, VIRTUAL_EXECUTOR, EXECUTOR_SUBMIT, THREAD);
    }

    /** With the starter (agent attached at run time, the JDK's executor and thread classes retransformed). */
    public static Stream<HandOff> starter() {
        return Stream.of(EXECUTOR_SUBMIT, THREAD, COMPLETABLE, MVC_CALLABLE, TIMER);
    }

    @Override
    public String toString() {
        return app + " " + path("h2");
    }
}
