package dev.rasp.bootstrap;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Carrying a request's context to the threads its work runs on.
 *
 * <p>Tasks (Runnable, Callable) handed to an executor while a request is served are wrapped:
 * the wrapper holds one reference on the {@link RequestContext} and binds it while the task
 * runs. A thread started while a request is served is remembered with a reference, and binds
 * it when its run() begins. Every reference is given back exactly once: when the work ends,
 * when the hand-off fails, when the thread exits without its run() having been seen, or, for a
 * task that never runs and becomes garbage, by the reaper thread, which the collector tells.
 * So a native context lives while work of its request may still run, and no longer.
 *
 * <p>Nothing here waits: the registries are concurrent maps, touched only by hand-offs made
 * while a request is served. Without a request, a hand-off costs the caller one ThreadLocal read.
 */
final class HandOff {

    static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<Object>();
    /** Captures not yet settled; keeps them reachable so the collector can report their task. */
    static final ConcurrentHashMap<TaskCapture, Boolean> OUTSTANDING = new ConcurrentHashMap<TaskCapture, Boolean>();

    /** Threads started while serving a request, until their run() binds the context. */
    private static final ConcurrentHashMap<Thread, ThreadCapture> STARTED = new ConcurrentHashMap<Thread, ThreadCapture>();
    /** STARTED's size, read by every Thread.run entry: 0 almost always, so run() costs one volatile read. */
    private static final AtomicInteger STARTED_COUNT = new AtomicInteger();

    private static final LongAdder TASKS = new LongAdder();
    private static final LongAdder THREADS = new LongAdder();
    private static final LongAdder ABANDONED = new LongAdder();
    private static final LongAdder COLLECTED_UNRUN = new LongAdder();

    private HandOff() {
    }

    private static final class ThreadCapture {
        final RequestContext context;

        ThreadCapture(RequestContext context) {
            this.context = context;
        }
    }

    // ------------------------------------------------------------------ tasks

    /** The wrapped task, or null when the request is already over (then the task goes as it is). */
    static Runnable wrap(RequestContext context, Runnable task, String via) {
        if (!context.retain()) {
            return null;
        }
        TASKS.increment();
        return task instanceof Comparable ? new ScopedRunnable.Ordered(task, context, via) : new ScopedRunnable(task, context, via);
    }

    static <V> Callable<V> wrap(RequestContext context, Callable<V> task, String via) {
        if (!context.retain()) {
            return null;
        }
        TASKS.increment();
        return new ScopedCallable<V>(task, context, via);
    }

    /** invokeAll/invokeAny: a list of the wrapped tasks, in order. */
    static <V> List<Callable<V>> wrapAll(RequestContext context, Collection<? extends Callable<V>> tasks, String via) {
        List<Callable<V>> wrapped = new ArrayList<Callable<V>>(tasks.size());
        for (Callable<V> task : tasks) {
            Callable<V> w = task == null || task instanceof ScopedCallable ? null : wrap(context, task, via);
            wrapped.add(w == null ? task : w);
        }
        return wrapped;
    }

    static boolean isWrapped(Object task) {
        return task instanceof ScopedRunnable || task instanceof ScopedCallable;
    }

    /** The executor threw: captures whose task did not run give their reference back. */
    static void abandon(Object handed) {
        if (handed instanceof ScopedRunnable) {
            abandoned(((ScopedRunnable) handed).capture);
        } else if (handed instanceof ScopedCallable) {
            abandoned(((ScopedCallable<?>) handed).capture);
        } else if (handed instanceof List) {
            for (Object task : (List<?>) handed) {
                if (isWrapped(task)) {
                    abandon(task);
                }
            }
        }
    }

    private static void abandoned(TaskCapture capture) {
        if (capture.abandon()) {
            ABANDONED.increment();
        }
    }

    static RequestScope begin(TaskCapture capture) {
        try {
            return capture.begin();
        } catch (Throwable t) {
            RaspBridge.internalError(t);
            return null;
        }
    }

    /**
     * Whether {@code thrown}, leaving an {@code AsyncContext.start} runnable, is our block exception
     * (or carries it) and this task already wrote the block's 403 ({@link RequestScope#asyncToComplete}):
     * then the runnable ends normally here. Nothing of the application's observes a runnable the
     * container runs, but the container does: Tomcat's wrapper logs the exception and sets status 500
     * and the error state on the response's objects, after the application (or the agent) may have
     * completed the request, when those objects can already serve the connection's next request,
     * which then gets an error page without being served (seen in a test loop). Other executors'
     * tasks keep the exception: their futures report it.
     */
    static boolean answeredAsyncBlock(RequestScope scope, Throwable thrown) {
        return scope != null && scope.asyncToComplete != null && RequestScope.VIA_ASYNC_CONTEXT.equals(scope.handoff)
                && RaspBlockedException.in(thrown) != null;
    }

    static void end(TaskCapture capture, RequestScope scope) {
        try {
            capture.end(scope);
        } catch (Throwable t) {
            RaspBridge.internalError(t);
        }
    }

    // ------------------------------------------------------------------ tasks captured in place
    //
    // A ForkJoinTask cannot be wrapped (the caller joins the very object it forked), nor can a
    // TimerTask (java.util.Timer takes the TimerTask class, and its state lives in the object the
    // application may cancel), and no field can be added to the JDK's classes: their capture is
    // kept in a map keyed weakly by the task's identity, and bound when the task runs (a
    // ForkJoinTask's doExec, a TimerTask's run).

    /** Identity of a task, without keeping it alive. */
    static final class InPlaceKey extends java.lang.ref.WeakReference<Object> {
        private final int hash;

        InPlaceKey(Object task) {
            super(task);
            this.hash = System.identityHashCode(task);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            Object mine = get();
            if (o instanceof InPlaceKey) {
                return mine != null && mine == ((InPlaceKey) o).get();
            }
            return o instanceof InPlaceLookup && mine != null && mine == ((InPlaceLookup) o).task;
        }
    }

    /** A lookup key for a live task (no reference object made). */
    static final class InPlaceLookup {
        final Object task;

        InPlaceLookup(Object task) {
            this.task = task;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(task);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InPlaceKey && ((InPlaceKey) o).get() == task;
        }
    }

    private static final ConcurrentHashMap<Object, TaskCapture> IN_PLACE = new ConcurrentHashMap<Object, TaskCapture>();
    /** IN_PLACE's size, read by every ForkJoinTask execution and TimerTask run: 0 almost always. */
    private static final AtomicInteger IN_PLACE_COUNT = new AtomicInteger();

    /**
     * Captures the request for a task that runs as itself; false when it was captured already
     * (forked again, scheduled twice: the first capture stands) or the request is over.
     */
    static boolean captureInPlace(RequestContext context, Object task, String via) {
        if (IN_PLACE.containsKey(new InPlaceLookup(task)) || !context.retain()) {
            return false;
        }
        InPlaceKey key = new InPlaceKey(task);
        TaskCapture capture = new TaskCapture(task, context, via, key);
        if (IN_PLACE.putIfAbsent(key, capture) != null) {
            capture.abandon();
            return false;
        }
        IN_PLACE_COUNT.incrementAndGet();
        TASKS.increment();
        return true;
    }

    /** The hand-off of a task captured in place failed (Timer.schedule threw): its reference goes back. */
    static void abandonInPlace(Object task) {
        TaskCapture capture = IN_PLACE.get(new InPlaceLookup(task));
        if (capture != null) {
            abandoned(capture);
        }
    }

    static void forgetInPlace(Object key) {
        if (IN_PLACE.remove(key) != null) {
            IN_PLACE_COUNT.decrementAndGet();
        }
    }

    /** ForkJoinTask.doExec(), TimerTask.run(): binds the task's captured request, if any. */
    static RequestScope inPlaceRunning(Object task) {
        if (IN_PLACE_COUNT.get() == 0) {
            return null;
        }
        TaskCapture capture = IN_PLACE.get(new InPlaceLookup(task));
        return capture == null ? null : capture.begin();
    }

    /**
     * A task captured in place, or a thread started in a request, is done: unbinds the request and
     * gives back the reference its capture held.
     */
    static void ranCaptured(RequestScope scope) {
        RaspBridge.unbind(scope);
        scope.context.release();
    }

    // ------------------------------------------------------------------ threads

    /** Thread.start() on a thread serving a request (not from inside an executor, which carries its tasks itself). */
    static void threadStarting(RequestContext context, Thread thread) {
        if (thread instanceof ForkJoinWorkerThread || STARTED.containsKey(thread) || !context.retain()) {
            return; // pool workers serve many requests; a second start() fails on its own
        }
        if (STARTED.putIfAbsent(thread, new ThreadCapture(context)) != null) {
            context.release();
            return;
        }
        STARTED_COUNT.incrementAndGet();
        THREADS.increment();
    }

    /** Thread.start() threw: the thread never runs. */
    static void threadStartFailed(Thread thread) {
        forget(thread);
    }

    /** The start of a thread's run(): binds the context it was started with, if any. */
    static RequestScope threadRunning() {
        if (STARTED_COUNT.get() == 0) {
            return null;
        }
        ThreadCapture c = STARTED.remove(Thread.currentThread());
        if (c == null) {
            return null;
        }
        STARTED_COUNT.decrementAndGet();
        return RaspBridge.bind(c.context, RequestScope.VIA_THREAD);
    }

    /** Thread.exit(): a thread whose run() the agent did not see (a JDK subclass) gives its reference back. */
    static void threadExiting() {
        if (STARTED_COUNT.get() != 0) {
            forget(Thread.currentThread());
        }
    }

    private static void forget(Thread thread) {
        ThreadCapture c = STARTED.remove(thread);
        if (c != null) {
            STARTED_COUNT.decrementAndGet();
            ABANDONED.increment();
            c.context.release();
        }
    }

    // ------------------------------------------------------------------ the reaper

    private static final AtomicInteger REAPER_STARTED = new AtomicInteger();

    /** Starts the daemon thread that settles captures whose task was collected without running. Once. */
    static void startReaper() {
        if (!REAPER_STARTED.compareAndSet(0, 1)) {
            return;
        }
        Thread reaper = new Thread(new Runnable() {
            @Override
            public void run() {
                for (;;) {
                    try {
                        Reference<?> ref = QUEUE.remove();
                        if (ref instanceof TaskCapture && ((TaskCapture) ref).abandon()) {
                            COLLECTED_UNRUN.increment();
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Throwable t) {
                        RaspBridge.internalError(t);
                    }
                }
            }
        }, "rasp-context-reaper");
        reaper.setDaemon(true);
        reaper.start();
    }

    /** Counters as JSON, for the shutdown line and the telemetry. */
    static String statsJson() {
        return "{\"tasks\":" + TASKS.sum()
                + ",\"threads\":" + THREADS.sum()
                + ",\"abandoned\":" + ABANDONED.sum()
                + ",\"collected_unrun\":" + COLLECTED_UNRUN.sum()
                + ",\"outstanding\":" + (OUTSTANDING.size() + STARTED.size()) + "}";
    }
}
