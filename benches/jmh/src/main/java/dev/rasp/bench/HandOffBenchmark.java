package dev.rasp.bench;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.bootstrap.RequestContext;
import dev.rasp.bootstrap.RequestScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What carrying a request's context to an executor task costs, measured on the bridge the
 * agent's executor advice calls (the advice itself only passes the task through). The hooks
 * behind the bridge are inert here: this is the bookkeeping of the hand-off alone, not a check.
 *
 * <ul>
 *   <li>{@code noRequest}: a hand-off on a thread that serves no request (what every executor
 *       call in the application pays) against {@code baseline}, the same call without the bridge;</li>
 *   <li>{@code withRequest}: the whole life of a carried task: wrap (one wrapper, one phantom
 *       reference registered), run it (bind, unbind) and give its reference back;</li>
 *   <li>{@code executor*}: a round trip through a real single-thread pool, plain and carried.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HandOffBenchmark {

    /** Inert hooks: every request is tracked, nothing is checked, opening and releasing do nothing native. */
    static final class InertHooks implements RaspHooks {
        @Override
        public RequestContext openRequest(Object request, Object response) {
            return new RequestContext(request, response, 0);
        }

        @Override
        public Throwable closeRequest(RequestScope scope, Throwable thrown) {
            scope.context.release();
            return thrown;
        }

        @Override
        public void captureObject(RequestScope scope, int kind, Object source, Object value) {
            RaspBridge.captured(scope, dev.rasp.bootstrap.InputSources.COOKIE, "fake", String.valueOf(value));
        }

        @Override
        public RequestContext openMessage(Object handler, Object[] handlerArgs) {
            return handlerArgs.length > 0 && "msg".equals(handlerArgs[0]) ? new RequestContext("ws", null, 0) : null;
        }

        @Override
        public void addToMessage(RequestContext context, Object handler, Object[] handlerArgs) {
        }

        @Override
        public void webSocketEvent(int kind, Object self, Object[] args) {
        }

        @Override
        public void closeMessage(RequestScope scope) {
            scope.context.release();
        }

        @Override
        public void prepareHandOff(RequestContext context) {
            context.handle = 1L; // as the agent's first hand-off does (it opens the native context once)
        }

        @Override
        public void taskAnsweredBlockEnded(Object asyncContext) {
        }

        @Override
        public void releaseContext(RequestContext context) {
        }

        @Override
        public void checkSql(RequestScope scope, Object c, boolean isConnection, int api, String sql) {
        }

        @Override
        public void checkCommand(RequestScope scope, int api, String[] argv, Map<String, String> environment) {
        }

        @Override
        public void checkCommandOutsideRequest(int api, String[] argv, Map<String, String> environment) {
        }

        @Override
        public void checkPath(RequestScope scope, int api, int op, Object path, Object options) {
        }

        @Override
        public void internalError(Throwable t) {
            throw new AssertionError(t);
        }
    }

    @State(Scope.Benchmark)
    public static class Installed {
        ExecutorService pool;

        @Setup(Level.Trial)
        public void install() {
            RaspBridge.install(new InertHooks());
            pool = Executors.newSingleThreadExecutor();
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.shutdownNow();
        }
    }

    /** The benchmark thread serves a request for the whole trial. */
    @State(Scope.Thread)
    public static class Serving {
        @Setup(Level.Trial)
        public void enter(Installed installed) {
            if (!RaspBridge.requestEnter("request", "response")) {
                throw new IllegalStateException("no request scope");
            }
        }

        @TearDown(Level.Trial)
        public void exit() {
            RaspBridge.requestExit(true, null);
        }
    }

    private final Runnable task = new Runnable() {
        @Override
        public void run() {
        }
    };

    @Benchmark
    public Runnable baseline() {
        return task;
    }

    @Benchmark
    public Object noRequest(Installed installed) {
        Runnable handed = RaspBridge.handOffRunnable(task, RequestScope.VIA_EXECUTOR);
        RaspBridge.handOffExit(handed, null);
        return handed == null ? task : handed;
    }

    @Benchmark
    public Object withRequest(Serving serving) {
        Runnable handed = RaspBridge.handOffRunnable(task, RequestScope.VIA_EXECUTOR);
        RaspBridge.handOffExit(handed, null);
        handed.run();
        return handed;
    }

    @Benchmark
    public Object executorPlain(Installed installed) throws Exception {
        return installed.pool.submit(task).get();
    }

    @Benchmark
    public Object executorCarried(Installed installed, Serving serving) throws Exception {
        Runnable handed = RaspBridge.handOffRunnable(task, RequestScope.VIA_EXECUTOR);
        RaspBridge.handOffExit(handed, null);
        return installed.pool.submit(handed).get();
    }
}
