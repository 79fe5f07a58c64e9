package dev.rasp.it.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;

/**
 * The vulnerable lookup of {@code /{db}/users/by-name} ({@code ... WHERE name = '<name>' AND role <> 'locked'},
 * {@code Statement.executeQuery}), run on another thread than the one serving the request, through each way an
 * application hands work off: executors, the fork-join pool, CompletableFuture, java.util.Timer, threads (platform
 * and virtual),
 * AsyncContext.start and Spring MVC's asynchronous return values. Routes {@code /handoff/{db}/<how>?name=}.
 *
 * <p>The answers are the rows as JSON, like by-name, with two headers: {@code X-Serving-Thread} (the thread that ran
 * the controller method) and {@code X-Worker-Thread} (the thread that ran the query; {@code X-Worker-Virtual}
 * says whether it was a virtual thread). A failing task fails the request the way applications let it: the
 * ExecutionException or CompletionException propagates as it is (submit, scheduled, invoke-*, fork-join,
 * completable*), or the application wraps the task's exception in its own (execute, timer: IllegalStateException), or
 * rethrows it unchanged (thread, thread-subclass, virtual).
 *
 * <p>Also a command and a file sink through the pool ({@code /handoff/cmd/lookup-sh?host=},
 * {@code /handoff/files/read?name=}), a task that runs after the response is complete ({@code /handoff/late}) and
 * tasks that never run ({@code /handoff/{db}/never-run}).
 */
@RestController
public class HandOffController {
    static final String SELECT = VulnerableController.SELECT;
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Databases dbs;
    private final FileArea files;
    private final HandOffAsyncService asyncService;

    /** The application's worker pool (threads handoff-pool-N, started when first needed). */
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), named("handoff-pool-"));
    private final ScheduledExecutorService scheduler = new ScheduledThreadPoolExecutor(1, named("handoff-scheduler-"));
    /** A timer made at start (its thread, handoff-timer, is not started while serving a request). */
    private final Timer timer = new Timer("handoff-timer", true);
    /** What each /handoff/late task got, by its marker. */
    private final Map<String, Map<String, Object>> lateResults = new ConcurrentHashMap<>();

    public HandOffController(Databases dbs, FileArea files, HandOffAsyncService asyncService) {
        this.dbs = dbs;
        this.files = files;
        this.asyncService = asyncService;
    }

    @PreDestroy
    public void close() {
        pool.shutdownNow();
        scheduler.shutdownNow();
        timer.cancel();
        forkJoinPool.shutdownNow();
    }

    /** Rows found by a lookup, and the thread that ran it. */
    public record Found(List<Map<String, Object>> rows, String worker, boolean virtual) {}

    /** The vulnerable lookup (the same statement as /{db}/users/by-name). */
    static Found byName(Db db, String name) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(SELECT + " WHERE name = '" + name + "' AND role <> 'locked'")) {
            return new Found(Rows.of(rs), Thread.currentThread().getName(), isVirtual(Thread.currentThread()));
        }
    }

    static Found byNameUnchecked(Db db, String name) {
        try {
            return byName(db, name);
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    static ResponseEntity<Object> ok(Found f, String serving) {
        return ResponseEntity.ok()
            .header("X-Serving-Thread", serving)
            .header("X-Worker-Thread", f.worker())
            .header("X-Worker-Virtual", Boolean.toString(f.virtual()))
            .body(f.rows());
    }

    static String serving() {
        return Thread.currentThread().getName();
    }

    // ------------------------------------------------------------------ executors

    /** {@code pool.submit(callable).get()}; the ExecutionException propagates. */
    @GetMapping("/handoff/{db}/executor-submit")
    public ResponseEntity<Object> executorSubmit(@PathVariable String db, @RequestParam String name) throws Exception {
        Db d = dbs.get(db);
        Future<Found> f = pool.submit(() -> byName(d, name));
        return ok(f.get(30, TimeUnit.SECONDS), serving());
    }

    /** {@code pool.execute(runnable)} and a latch; the task's exception is wrapped in an IllegalStateException. */
    @GetMapping("/handoff/{db}/executor-execute")
    public ResponseEntity<Object> executorExecute(@PathVariable String db, @RequestParam String name) throws Exception {
        return ok(awaitLookup(dbs.get(db), name, pool::execute), serving());
    }

    /** {@code scheduler.schedule(callable, 1, ms).get()}. */
    @GetMapping("/handoff/{db}/scheduled")
    public ResponseEntity<Object> scheduled(@PathVariable String db, @RequestParam String name) throws Exception {
        Db d = dbs.get(db);
        Callable<Found> task = () -> byName(d, name);
        return ok(scheduler.schedule(task, 1, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS), serving());
    }

    /**
     * {@code timer.schedule(timerTask, 1)} and a latch: the lookup runs in an application TimerTask on the timer's
     * own thread; the task's exception is wrapped in an IllegalStateException.
     */
    @GetMapping("/handoff/{db}/timer")
    public ResponseEntity<Object> timer(@PathVariable String db, @RequestParam String name) throws Exception {
        return ok(awaitLookup(dbs.get(db), name, lookup -> timer.schedule(new TimerTask() {
            @Override
            public void run() {
                lookup.run();
            }
        }, 1)), serving());
    }

    /**
     * Hands the lookup, as a Runnable, to {@code handOff} and waits for it with a latch (the hand-offs that give no
     * future: execute, timer); the task's exception is wrapped in an IllegalStateException.
     */
    private static Found awaitLookup(Db d, String name, Consumer<Runnable> handOff) throws InterruptedException {
        AtomicReference<Found> found = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Runnable lookup = lookup(d, name, found, failure);
        handOff.accept(() -> {
            try {
                lookup.run();
            } finally {
                done.countDown();
            }
        });
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the lookup task did not finish");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the lookup task failed", failure.get());
        }
        return found.get();
    }

    /** {@code pool.invokeAll(List.of(callable)).get(0).get()}. */
    @GetMapping("/handoff/{db}/invoke-all")
    public ResponseEntity<Object> invokeAll(@PathVariable String db, @RequestParam String name) throws Exception {
        Db d = dbs.get(db);
        List<Callable<Found>> tasks = List.of(() -> byName(d, name));
        return ok(pool.invokeAll(tasks, 30, TimeUnit.SECONDS).get(0).get(), serving());
    }

    /** {@code pool.invokeAny(List.of(callable))}. */
    @GetMapping("/handoff/{db}/invoke-any")
    public ResponseEntity<Object> invokeAny(@PathVariable String db, @RequestParam String name) throws Exception {
        Db d = dbs.get(db);
        List<Callable<Found>> tasks = List.of(() -> byName(d, name));
        return ok(pool.invokeAny(tasks, 30, TimeUnit.SECONDS), serving());
    }

    /** {@code ForkJoinPool.commonPool().submit(callable).get()}. */
    @GetMapping("/handoff/{db}/fork-join")
    public ResponseEntity<Object> forkJoin(@PathVariable String db, @RequestParam String name) throws Exception {
        Db d = dbs.get(db);
        Callable<Found> task = () -> byName(d, name);
        return ok(ForkJoinPool.commonPool().submit(task).get(30, TimeUnit.SECONDS), serving());
    }

    // ------------------------------------------------------------------ ForkJoinTask work

    /**
     * The root task forks two subtasks, a {@link LookupTask} (the lookup) and a {@link SideAction} (a RecursiveAction
     * that only notes its thread), and joins them. The forked lookup may run on a pool worker or be taken back by the
     * joining thread (work stealing), and the root itself may run on the caller: where the query runs is not fixed.
     */
    static final class RootTask extends RecursiveTask<Found> {
        private final Db db;
        private final String name;

        RootTask(Db db, String name) {
            this.db = db;
            this.name = name;
        }

        @Override
        protected Found compute() {
            LookupTask lookup = new LookupTask(db, name);
            SideAction side = new SideAction();
            lookup.fork();
            side.fork();
            side.join();
            return lookup.join();
        }
    }

    /** The lookup as a RecursiveTask (an SQLException is wrapped in a CompletionException). */
    static final class LookupTask extends RecursiveTask<Found> {
        private final Db db;
        private final String name;

        LookupTask(Db db, String name) {
            this.db = db;
            this.name = name;
        }

        @Override
        protected Found compute() {
            return byNameUnchecked(db, name);
        }
    }

    /** The other subtask: a RecursiveAction that reaches no sink. */
    static final class SideAction extends RecursiveAction {
        volatile String thread;

        @Override
        protected void compute() {
            thread = Thread.currentThread().getName();
        }
    }

    /** A dedicated fork-join pool of two workers (handoff-fj-N), for fork-join-submit. */
    private final ForkJoinPool forkJoinPool = new ForkJoinPool(2, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("handoff-fj-" + SEQ.incrementAndGet());
        t.setDaemon(true);
        return t;
    }, null, false);

    /**
     * {@code ForkJoinPool.commonPool().invoke(new RootTask(..))}: the root forks the lookup and a side action and joins
     * them; the task's exception is rethrown by invoke as it is.
     */
    @GetMapping("/handoff/{db}/recursive-task")
    public ResponseEntity<Object> recursiveTask(@PathVariable String db, @RequestParam String name) {
        Db d = dbs.get(db);
        return ok(ForkJoinPool.commonPool().invoke(new RootTask(d, name)), serving());
    }

    /** {@code new ForkJoinPool(2)} (one per application) {@code .submit(new RootTask(..)).get()}; the ExecutionException propagates. */
    @GetMapping("/handoff/{db}/fork-join-submit")
    public ResponseEntity<Object> forkJoinSubmit(@PathVariable String db, @RequestParam String name) throws Exception {
        Db d = dbs.get(db);
        ForkJoinTask<Found> task = forkJoinPool.submit(new RootTask(d, name));
        return ok(task.get(30, TimeUnit.SECONDS), serving());
    }

    /**
     * The lookup of parallel-stream: {@code ... WHERE name = '<name>'} ({@code Statement.executeQuery}), by-name without
     * its {@code AND role <> 'locked'} (no user is locked, so the rows are the same). Not byName: each of the stream's
     * statements would match the input signature sig.sqli.tautology by itself ({@code 'dave' AND role <>}), so with the
     * tautology in the request every filler's lookup could be blocked too, on whichever thread reaches it first, and
     * the one statement that carries the input would not be the only check.
     */
    static Found byNameOnly(Db db, String name) {
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(SELECT + " WHERE name = '" + name + "'")) {
            return new Found(Rows.of(rs), Thread.currentThread().getName(), isVirtual(Thread.currentThread()));
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    /**
     * {@code Stream.of(name, "dave", .., "judy").parallel().map(n -> byNameOnly(db, n))}: every row found, in the
     * stream's order. The seven other names are nobody's (not bob or carol, who are users: alice's answer would not be
     * alice's alone), so the rows are those of name. The elements are split between the caller and the common pool.
     * X-Worker-Thread is the thread that looked up name.
     */
    @GetMapping("/handoff/{db}/parallel-stream")
    public ResponseEntity<Object> parallelStream(@PathVariable String db, @RequestParam String name) {
        Db d = dbs.get(db);
        List<Found> found = Stream.of(name, "dave", "erin", "frank", "gina", "hank", "ivan", "judy")
            .parallel()
            .map(n -> byNameOnly(d, n))
            .collect(Collectors.toList());
        List<Map<String, Object>> rows = found.stream().flatMap(f -> f.rows().stream()).collect(Collectors.toList());
        Found first = found.get(0);
        return ok(new Found(rows, first.worker(), first.virtual()), serving());
    }

    /** {@code CompletableFuture.supplyAsync(supplier).join()} on the default async pool. */
    @GetMapping("/handoff/{db}/completable")
    public ResponseEntity<Object> completable(@PathVariable String db, @RequestParam String name) {
        Db d = dbs.get(db);
        return ok(CompletableFuture.supplyAsync(() -> byNameUnchecked(d, name)).join(), serving());
    }

    /** {@code supplyAsync(.., pool).thenApplyAsync(.., pool).join()}: the query runs in the second stage. */
    @GetMapping("/handoff/{db}/completable-executor")
    public ResponseEntity<Object> completableExecutor(@PathVariable String db, @RequestParam String name) {
        Db d = dbs.get(db);
        Found f = CompletableFuture.supplyAsync(() -> name, pool)
            .thenApplyAsync(n -> byNameUnchecked(d, n), pool)
            .join();
        return ok(f, serving());
    }

    // ------------------------------------------------------------------ threads

    /** Runs the lookup on the thread, waits for it, rethrows the task's exception unchanged. */
    private static Found runOn(Thread t, AtomicReference<Found> found, AtomicReference<Throwable> failure)
            throws Exception {
        t.join(30_000);
        return result(found, failure);
    }

    private static Found result(AtomicReference<Found> found, AtomicReference<Throwable> failure) throws Exception {
        Throwable t = failure.get();
        if (t instanceof Exception) {
            throw (Exception) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        if (found.get() == null) {
            throw new IllegalStateException("the lookup thread did not finish");
        }
        return found.get();
    }

    /** The lookup as a Runnable: what it found, or what it threw, is left for the thread that waits for it. */
    private static Runnable lookup(Db d, String name, AtomicReference<Found> found, AtomicReference<Throwable> failure) {
        return () -> {
            try {
                found.set(byName(d, name));
            } catch (Throwable t) {
                failure.set(t);
            }
        };
    }

    /** {@code new Thread(runnable, "handoff-thread-N").start(); join()}. */
    @GetMapping("/handoff/{db}/thread")
    public ResponseEntity<Object> thread(@PathVariable String db, @RequestParam String name) throws Exception {
        Db d = dbs.get(db);
        AtomicReference<Found> found = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(lookup(d, name, found, failure), "handoff-thread-" + SEQ.incrementAndGet());
        t.start();
        return ok(runOn(t, found, failure), serving());
    }

    /** A Thread subclass overriding run(). */
    static final class LookupThread extends Thread {
        private final Db db;
        private final String name;
        final AtomicReference<Found> found = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        LookupThread(Db db, String name) {
            super("handoff-subclass-" + SEQ.incrementAndGet());
            this.db = db;
            this.name = name;
        }

        @Override
        public void run() {
            try {
                found.set(byName(db, name));
            } catch (Throwable t) {
                failure.set(t);
            }
        }
    }

    /** {@code new LookupThread(..).start(); join()}. */
    @GetMapping("/handoff/{db}/thread-subclass")
    public ResponseEntity<Object> threadSubclass(@PathVariable String db, @RequestParam String name) throws Exception {
        LookupThread t = new LookupThread(dbs.get(db), name);
        t.start();
        return ok(runOn(t, t.found, t.failure), serving());
    }

    /** JDK 21+: {@code Thread.ofVirtual().name("handoff-virtual-N").start(runnable); join()} (501 below 21). */
    @GetMapping("/handoff/{db}/virtual")
    public ResponseEntity<Object> virtual(@PathVariable String db, @RequestParam String name) throws Exception {
        if (Runtime.version().feature() < 21) {
            return noVirtualThreads();
        }
        Db d = dbs.get(db);
        AtomicReference<Found> found = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        builder = builderType.getMethod("name", String.class).invoke(builder, "handoff-virtual-" + SEQ.incrementAndGet());
        Thread t = (Thread) builderType.getMethod("start", Runnable.class).invoke(builder, lookup(d, name, found, failure));
        return ok(runOn(t, found, failure), serving());
    }

    /** JDK 21+: {@code Executors.newVirtualThreadPerTaskExecutor().submit(callable).get()} (501 below 21). */
    @GetMapping("/handoff/{db}/virtual-executor")
    public ResponseEntity<Object> virtualExecutor(@PathVariable String db, @RequestParam String name) throws Exception {
        if (Runtime.version().feature() < 21) {
            return noVirtualThreads();
        }
        Db d = dbs.get(db);
        ExecutorService ex = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        try {
            Callable<Found> task = () -> byName(d, name);
            return ok(ex.submit(task).get(30, TimeUnit.SECONDS), serving());
        } finally {
            ex.shutdown();
        }
    }

    private static ResponseEntity<Object> noVirtualThreads() {
        return ResponseEntity.status(HttpStatus.NOT_IMPLEMENTED)
            .body(Map.of("error", "virtual threads need JDK 21+, this is " + Runtime.version()));
    }

    static boolean isVirtual(Thread t) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ servlet async

    /**
     * {@code request.startAsync()}, then {@code AsyncContext.start(runnable)}: the runnable runs the lookup on a
     * container thread, writes the JSON answer and completes (SQL errors answer 500; anything else propagates).
     */
    @GetMapping("/handoff/{db}/servlet-async")
    public void servletAsync(@PathVariable String db, @RequestParam String name, HttpServletRequest req) {
        Db d = dbs.get(db);
        String serving = serving();
        AsyncContext ac = req.startAsync();
        ac.setTimeout(30_000);
        ac.start(() -> {
            HttpServletResponse res = (HttpServletResponse) ac.getResponse();
            try {
                writeFound(res, byName(d, name), serving);
            } catch (SQLException e) {
                res.setStatus(500);
                writeJsonQuietly(res, Map.of("error", "database error: " + e.getMessage()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                ac.complete();
            }
        });
    }

    /**
     * As servlet-async, but the serving thread stays in the request until the runnable has answered (up to 10 s), and
     * the runnable answers any exception with a 500 it flushes at once: the application's own answer is on the wire
     * before the serving thread leaves, so a block in the runnable must be answered before the application's error
     * handling runs, not at the serving thread's exit.
     */
    @GetMapping("/handoff/{db}/servlet-async-held")
    public void servletAsyncHeld(@PathVariable String db, @RequestParam String name, HttpServletRequest req)
            throws InterruptedException {
        Db d = dbs.get(db);
        String serving = serving();
        AsyncContext ac = req.startAsync();
        ac.setTimeout(30_000);
        CountDownLatch answered = new CountDownLatch(1);
        ac.start(() -> {
            HttpServletResponse res = (HttpServletResponse) ac.getResponse();
            try {
                writeFound(res, byName(d, name), serving);
                res.flushBuffer();
            } catch (Exception e) {
                // a catch-all error answer, as many applications' async tasks have
                res.setStatus(500);
                writeJsonQuietly(res, Map.of("error", "failed: " + e));
                try {
                    res.flushBuffer();
                } catch (IOException gone) {
                    // the response is gone already
                }
            } finally {
                answered.countDown();
                ac.complete();
            }
        });
        answered.await(10, TimeUnit.SECONDS);
    }

    /** 200 with the rows found as JSON and the threads' headers, as ok() answers them. */
    private static void writeFound(HttpServletResponse res, Found f, String serving) throws IOException {
        res.setStatus(200);
        res.setHeader("X-Serving-Thread", serving);
        res.setHeader("X-Worker-Thread", f.worker());
        res.setHeader("X-Worker-Virtual", Boolean.toString(f.virtual()));
        writeJson(res, f.rows());
    }

    private static void writeJson(HttpServletResponse res, Object body) throws IOException {
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        res.getWriter().write(JSON.writeValueAsString(body));
    }

    private static void writeJsonQuietly(HttpServletResponse res, Object body) {
        try {
            writeJson(res, body);
        } catch (IOException | IllegalStateException e) {
            // the response is gone already
        }
    }

    // ------------------------------------------------------------------ Spring MVC async return values

    /** Returns a Callable: Spring MVC runs it on its task executor and answers in an async dispatch. */
    @GetMapping("/handoff/{db}/mvc-callable")
    public Callable<ResponseEntity<Object>> mvcCallable(@PathVariable String db, @RequestParam String name) {
        Db d = dbs.get(db);
        String serving = serving();
        return () -> ok(byName(d, name), serving);
    }

    /** Returns a DeferredResult completed by an application pool task (setErrorResult on an exception). */
    @GetMapping("/handoff/{db}/mvc-deferred")
    public DeferredResult<ResponseEntity<Object>> mvcDeferred(@PathVariable String db, @RequestParam String name) {
        Db d = dbs.get(db);
        String serving = serving();
        DeferredResult<ResponseEntity<Object>> result = new DeferredResult<>(30_000L);
        pool.execute(() -> {
            try {
                result.setResult(ok(byName(d, name), serving));
            } catch (Exception e) {
                result.setErrorResult(e);
            }
        });
        return result;
    }

    /** Returns a WebAsyncTask (Spring MVC's task executor, a timeout). */
    @GetMapping("/handoff/{db}/mvc-webasynctask")
    public WebAsyncTask<ResponseEntity<Object>> mvcWebAsyncTask(@PathVariable String db, @RequestParam String name) {
        Db d = dbs.get(db);
        String serving = serving();
        return new WebAsyncTask<>(30_000L, () -> ok(byName(d, name), serving));
    }

    /** Returns {@code CompletableFuture.supplyAsync(..)} (the default async pool). */
    @GetMapping("/handoff/{db}/mvc-completable")
    public CompletableFuture<ResponseEntity<Object>> mvcCompletable(@PathVariable String db, @RequestParam String name) {
        Db d = dbs.get(db);
        String serving = serving();
        return CompletableFuture.supplyAsync(() -> ok(byNameUnchecked(d, name), serving));
    }

    /** Calls an {@code @Async} service method returning a CompletableFuture. */
    @GetMapping("/handoff/{db}/mvc-async-method")
    public CompletableFuture<ResponseEntity<Object>> mvcAsyncMethod(@PathVariable String db, @RequestParam String name)
            throws SQLException {
        Db d = dbs.get(db);
        String serving = serving();
        return asyncService.byName(d, name).thenApply(f -> ok(f, serving));
    }

    // ------------------------------------------------------------------ command and file sinks through the pool

    /** {@code sh -c "getent hosts " + host} run by a pool task ({@code submit(..).get()}). */
    @GetMapping("/handoff/cmd/lookup-sh")
    public Map<String, Object> lookupShell(@RequestParam String host) throws Exception {
        return pool.submit(() -> CommandController.run(new ProcessBuilder("sh", "-c", "getent hosts " + host)))
            .get(60, TimeUnit.SECONDS);
    }

    /** {@code new FileInputStream(new File(base, name))} read by a pool task. */
    @GetMapping("/handoff/files/read")
    public Map<String, Object> readFile(@RequestParam String name) throws Exception {
        return pool.submit(() -> {
            try (InputStream in = new FileInputStream(new File(files.base.toFile(), name))) {
                return FileController.content(name, in.readAllBytes());
            }
        }).get(30, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ after the response, never

    /**
     * Answers 200 "accepted" and commits the response, then a pool task waits 300 ms (the request is over by then)
     * and runs {@code sh -c "getent hosts " + name}. What the task got (exit and output, or the exception's class)
     * is kept under {@code marker} for {@code /handoff/late-result}.
     */
    @GetMapping("/handoff/late")
    public void late(@RequestParam String name, @RequestParam String marker, HttpServletResponse res) throws IOException {
        Map<String, Object> state = new ConcurrentHashMap<>();
        state.put("done", false);
        lateResults.put(marker, state);
        res.setStatus(200);
        res.setContentType("text/plain;charset=UTF-8");
        res.getOutputStream().write("accepted".getBytes(StandardCharsets.UTF_8));
        res.flushBuffer();
        state.put("committed", res.isCommitted());
        pool.execute(() -> {
            try {
                Thread.sleep(300);
                Map<String, Object> r = CommandController.run(new ProcessBuilder("sh", "-c", "getent hosts " + name));
                state.put("exit", r.get("exit"));
                state.put("output", r.get("output"));
            } catch (Throwable t) {
                state.put("exception", t.getClass().getName());
                state.put("message", String.valueOf(t.getMessage()));
            } finally {
                state.put("done", true);
            }
        });
    }

    /** What the late task of this marker got: {done, exit, output} or {done, exception, message}; 404 if unknown. */
    @GetMapping("/handoff/late-result")
    public ResponseEntity<Object> lateResult(@RequestParam String marker) {
        Map<String, Object> state = lateResults.get(marker);
        if (state == null) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no late task " + marker));
        }
        return ResponseEntity.ok(new LinkedHashMap<>(state));
    }

    /**
     * Hands the lookup to tasks that never run: to a saturated pool (one busy thread, no queue, DiscardPolicy) by
     * submit and execute, and to a single-thread executor whose thread is busy, then {@code shutdownNow()} (which
     * returns them). Runs a constant count on this thread first (so the request reaches a sink itself).
     * Answers {"users", "discarded", "returned", "ran"}; ran is 0.
     */
    @GetMapping("/handoff/{db}/never-run")
    public Map<String, Object> neverRun(@PathVariable String db, @RequestParam String name) throws Exception {
        Db d = dbs.get(db);
        int users;
        try (Connection c = d.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM users")) {
            rs.next();
            users = rs.getInt(1);
        }
        AtomicInteger ran = new AtomicInteger();
        Callable<Found> lookup = () -> {
            ran.incrementAndGet();
            return byName(d, name);
        };
        Runnable lookupRunnable = () -> {
            ran.incrementAndGet();
            byNameUnchecked(d, name);
        };

        int discarded = 0;
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor saturated = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new SynchronousQueue<>(),
            named("handoff-saturated-"), new ThreadPoolExecutor.DiscardPolicy());
        try {
            saturated.execute(() -> awaitQuietly(release));
            Future<Found> f = saturated.submit(lookup);
            saturated.execute(lookupRunnable);
            if (!f.isDone()) {
                discarded += 2;
            }
        } finally {
            release.countDown();
            saturated.shutdown();
        }

        ExecutorService single = Executors.newSingleThreadExecutor(named("handoff-single-"));
        CountDownLatch busy = new CountDownLatch(1);
        single.execute(() -> {
            busy.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // shutdownNow
            }
        });
        busy.await(10, TimeUnit.SECONDS);
        single.submit(lookup);
        single.execute(lookupRunnable);
        int returned = single.shutdownNow().size();
        single.awaitTermination(10, TimeUnit.SECONDS);
        saturated.awaitTermination(10, TimeUnit.SECONDS);

        // cancelled before they ran (the scheduler keeps the cancelled futures queued: default policy)
        int cancelled = 0;
        if (scheduler.schedule(lookupRunnable, 60, TimeUnit.SECONDS).cancel(false)) {
            cancelled++;
        }
        if (scheduler.schedule(lookup, 60, TimeUnit.SECONDS).cancel(false)) {
            cancelled++;
        }
        // rejected by an executor that is shut down (AbortPolicy: the hand-off throws)
        int rejected = 0;
        ThreadPoolExecutor closed = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new SynchronousQueue<>(),
            named("handoff-closed-"));
        closed.shutdown();
        try {
            closed.execute(lookupRunnable);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            rejected++;
        }
        try {
            closed.submit(lookup);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            rejected++;
        }

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("users", users);
        answer.put("discarded", discarded);
        answer.put("returned", returned);
        answer.put("cancelled", cancelled);
        answer.put("rejected", rejected);
        answer.put("ran", ran.get());
        return answer;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
