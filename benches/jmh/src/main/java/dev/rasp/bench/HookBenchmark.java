package dev.rasp.bench;

import dev.rasp.bootstrap.InputSources;
import dev.rasp.bootstrap.RaspBridge;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The real hooked calls (H2's JDBC driver, java.io, java.nio, ProcessBuilder, an Executor), as
 * an application makes them. The agent is not on this class path: {@link HookRun} forks the same
 * benchmarks without an agent, with {@code -javaagent:rasp.jar -Drasp.mode=off} and with the
 * agent on, so the instrumented JDK and driver classes are the ones measured.
 *
 * <ul>
 *   <li>{@code *NoRequest}: on a thread that serves no request (a batch job, a scheduler, the
 *       application's start): the goal is no agent + 5 ns.</li>
 *   <li>{@code *InRequest}: the thread serves a request for the whole trial (opened through
 *       {@link RaspBridge#requestEnter} with an HttpServletRequest, as the servlet advice does) that
 *       captured one query parameter; none of its inputs occurs in the sink, so every call is a
 *       full check that allows. Two equal SQL strings alternate, so the check's same-instance
 *       dedupe never answers.</li>
 *   <li>{@code handOff*}: {@code execute(task)} on an Executor that runs the task in place: with a
 *       request, the task is wrapped, carried, bound while it runs and given back.</li>
 *   <li>{@code sqlStatementWholeRequest}: a request of its own per operation, as a servlet serves
 *       one: entered, one query none of its inputs is in (the engine's context is opened at that
 *       first check: the request line, five browser headers), left. What every request that
 *       reaches SQL pays, without the container around it; against {@code sqlStatementNoRequest}.
 *       {@code sqlStatementWholeLoadTestRequest}: the same with the load test's request (a path, one
 *       parameter, a Host header) and a statement with its input in it, as a literal. Both repeat
 *       one request, whose compiled inputs the engine shares from the third operation on;
 *       {@code sqlStatementWholeDistinctRequest} sends the browser's request with a page number
 *       that counts up, so that every one is compiled.</li>
 * </ul>
 *
 * Without the agent (or with mode=off) {@link RaspBridge} here is this jar's own copy, never
 * installed: requestEnter returns false and the {@code *InRequest} methods run the bare call,
 * which is the baseline they are compared with.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class HookBenchmark {

    private Connection connection;
    private Statement statement;
    private final String[] sql = {new String("SELECT 1"), new String("SELECT 1")};
    private int next;
    private File file;
    private Path path;
    private final Executor inPlace = new InPlaceExecutor();
    private final Object request = fakeRequest();
    private final Object loadTestRequest = loadTestRequest();
    /** The browser's request with a page number that counts up: no two operations send the same. */
    private final String[] distinctQuery = {"q=red+running+shoes&sort=price&page=0"};
    private final Object distinctRequest = fakeRequest("/search", distinctQuery, BROWSER_HEADERS);
    private int page;
    /** The load test's statement, in a form this database answers without its table. */
    private final String[] loadTestSql = {new String("SELECT 'alice' AS name WHERE 'alice' <> 'locked'"),
        new String("SELECT 'alice' AS name WHERE 'alice' <> 'locked'")};
    private final Runnable task = new Runnable() {
        @Override
        public void run() {
        }
    };

    /** Runs the task in the caller's thread: the hand-off's own cost, without a thread wake-up. */
    static final class InPlaceExecutor implements Executor {
        @Override
        public void execute(Runnable command) {
            command.run();
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        connection = DriverManager.getConnection("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
        statement = connection.createStatement();
        file = File.createTempFile("rasp-jmh", ".txt");
        file.deleteOnExit();
        Files.write(file.toPath(), "hello".getBytes("UTF-8"));
        path = file.toPath();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        statement.close();
        connection.close();
    }

    /**
     * The benchmark thread serves one request for the whole trial, with one captured parameter.
     * Opened and closed on the benchmark thread (JMH runs a Thread-scoped state's trial setup there).
     */
    @State(Scope.Thread)
    public static class Serving {
        boolean entered;

        @Setup(Level.Trial)
        public void enter() {
            entered = RaspBridge.requestEnter(fakeRequest(), null);
            if (entered) {
                RaspBridge.captureInput(InputSources.PARAMETER, "q", "red running shoes");
            }
        }

        @TearDown(Level.Trial)
        public void exit() {
            RaspBridge.requestExit(entered, null);
        }
    }

    private static final String[][] BROWSER_HEADERS = {
        {"Host", "shop.example.com"},
        {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
        {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
        {"Accept-Language", "en-US,en;q=0.5"},
        {"Cookie", "session=8f2a9c1e77b04d; theme=dark"},
    };

    /** A GET /search?q=red+running+shoes with a browser's headers. */
    static Object fakeRequest() {
        return fakeRequest("/search", "q=red+running+shoes&sort=price", BROWSER_HEADERS);
    }

    /** The load test's request (benches/load, {@code wrk}): GET /h2/users/by-name?name=alice, a Host header. */
    static Object loadTestRequest() {
        return fakeRequest("/h2/users/by-name", "name=alice", new String[][] {{"Host", "127.0.0.1:8080"}});
    }

    static Object fakeRequest(String uri, String query, String[][] headers) {
        return fakeRequest(uri, new String[] {query}, headers);
    }

    /** A request whose query string is {@code query[0]} whenever it is read. */
    static Object fakeRequest(final String uri, final String[] query, final String[][] headers) {
        InvocationHandler h = (proxy, method, args) -> {
            switch (method.getName()) {
                case "getMethod":
                    return "GET";
                case "getRequestURI":
                    return uri;
                case "getQueryString":
                    return query[0];
                case "getRemoteAddr":
                    return "127.0.0.1";
                case "getHeaderNames": {
                    String[] names = new String[headers.length];
                    for (int i = 0; i < names.length; i++) {
                        names[i] = headers[i][0];
                    }
                    return Collections.enumeration(Arrays.asList(names));
                }
                case "getHeaders":
                    for (String[] header : headers) {
                        if (header[0].equalsIgnoreCase((String) args[0])) {
                            return Collections.enumeration(Collections.singletonList(header[1]));
                        }
                    }
                    return Collections.emptyEnumeration();
                case "isAsyncStarted":
                    return false;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "toString":
                    return "fake request";
                default:
                    return method.getReturnType() == boolean.class ? Boolean.FALSE
                            : method.getReturnType() == int.class ? 0 : null;
            }
        };
        return Proxy.newProxyInstance(HookBenchmark.class.getClassLoader(),
                new Class<?>[] {javax.servlet.http.HttpServletRequest.class}, h);
    }

    private String nextSql() {
        return next(sql);
    }

    /** One of two equal strings, in turn, so the check's same-instance dedupe never answers. */
    private String next(String[] pair) {
        next ^= 1;
        return pair[next];
    }

    private boolean query() throws SQLException {
        return query(nextSql());
    }

    private boolean query(String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            return rs.next();
        }
    }

    private boolean prepared() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(nextSql()); ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private int fileRead() throws IOException {
        try (FileInputStream in = new FileInputStream(file)) {
            return in.getFD().valid() ? 1 : 0;
        }
    }

    private int nioRead() throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.hashCode();
        }
    }

    // ------------------------------------------------------------------ no request

    @Benchmark
    public boolean sqlStatementNoRequest() throws SQLException {
        return query();
    }

    @Benchmark
    public boolean sqlPreparedNoRequest() throws SQLException {
        return prepared();
    }

    @Benchmark
    public int fileInputStreamNoRequest() throws IOException {
        return fileRead();
    }

    @Benchmark
    public int filesNewInputStreamNoRequest() throws IOException {
        return nioRead();
    }

    @Benchmark
    public boolean fileExistsNoRequest() {
        return file.exists();
    }

    @Benchmark
    public Runnable handOffNoRequest() {
        inPlace.execute(task);
        return task;
    }

    // ------------------------------------------------------------------ in a request, no input in the sink

    @Benchmark
    public boolean sqlStatementInRequest(Serving serving) throws SQLException {
        return query();
    }

    @Benchmark
    public boolean sqlPreparedInRequest(Serving serving) throws SQLException {
        return prepared();
    }

    @Benchmark
    public int fileInputStreamInRequest(Serving serving) throws IOException {
        return fileRead();
    }

    @Benchmark
    public boolean fileExistsInRequest(Serving serving) {
        return file.exists();
    }

    /** The request (with its captured parameter) carried into the task and bound while it runs. */
    @Benchmark
    public Runnable handOffInRequest(Serving serving) {
        inPlace.execute(task);
        return task;
    }

    // ------------------------------------------------------------------ a whole request per operation

    @Benchmark
    public boolean sqlStatementWholeRequest() throws SQLException {
        return wholeRequest(request, nextSql());
    }

    /**
     * {@code sqlStatementWholeRequest} with a request that differs from every one before (its page
     * number): the engine compiles its inputs, where a repeated request's are shared.
     */
    @Benchmark
    public boolean sqlStatementWholeDistinctRequest() throws SQLException {
        distinctQuery[0] = "q=red+running+shoes&sort=price&page=" + page++;
        return wholeRequest(distinctRequest, nextSql());
    }

    /** The same for the load test's own request and statement (its input, a plain word, in it). */
    @Benchmark
    public boolean sqlStatementWholeLoadTestRequest() throws SQLException {
        return wholeRequest(loadTestRequest, next(loadTestSql));
    }

    /** One request served as a servlet serves it: entered, one query, left. */
    private boolean wholeRequest(Object servletRequest, String statementSql) throws SQLException {
        boolean entered = RaspBridge.requestEnter(servletRequest, null);
        try {
            return query(statementSql);
        } finally {
            RaspBridge.requestExit(entered, null);
        }
    }
}
