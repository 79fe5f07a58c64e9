package dev.rasp.core;

import dev.rasp.bootstrap.RaspBlockedException;
import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.bootstrap.RequestBody;
import dev.rasp.bootstrap.RequestContext;
import dev.rasp.bootstrap.RequestScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bootstrap bridge's bookkeeping, with a fake core behind it. */
class RaspBridgeTest {

    static final class FakeHooks implements RaspHooks {
        int bodyLimit = 16;
        int encodingAsked;
        boolean encoded;
        int opened;
        final List<RequestScope> closed = new ArrayList<>();
        final List<RequestContext> released = Collections.synchronizedList(new ArrayList<>());
        final List<String> checked = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();
        RuntimeException throwOnCheck;

        @Override
        public boolean bodyEncoded(RequestContext context) {
            encodingAsked++;
            return encoded;
        }

        @Override
        public RequestContext openRequest(Object request, Object response) {
            opened++;
            // a text body: what is read past the limit overflows the request (see RequestBody.isDocument)
            return "http".equals(request) ? new RequestContext(request, response, bodyLimit, 16L << 20, "text/plain") : null;
        }

        @Override
        public Throwable closeRequest(RequestScope scope, Throwable thrown) {
            closed.add(scope);
            scope.context.release();
            return thrown instanceof RaspBlockedException ? null : thrown;
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
        }

        @Override
        public void taskAnsweredBlockEnded(Object asyncContext) {
        }

        @Override
        public void releaseContext(RequestContext context) {
            released.add(context);
        }

        @Override
        public void checkSql(RequestScope scope, Object target, boolean isConnection, int api, String sql) {
            // (an assertion here would be contained by the bridge: the guard shows in the record)
            checked.add((scope.guarded ? "" : "UNGUARDED ") + api + ":" + sql);
            if (throwOnCheck != null) {
                throw throwOnCheck;
            }
        }

        @Override
        public void checkCommand(RequestScope scope, int api, String[] argv, Map<String, String> environment) {
            // (an assertion here would be contained by the bridge: the guard shows in the record)
            checked.add((scope.guarded ? "" : "UNGUARDED ") + "cmd" + api + ":" + String.join(" ", argv) + (environment == null ? "" : " env=" + environment));
            if (throwOnCheck != null) {
                throw throwOnCheck;
            }
        }

        @Override
        public void checkCommandOutsideRequest(int api, String[] argv, Map<String, String> environment) {
            checked.add("policy cmd" + api + ":" + String.join(" ", argv));
            if (throwOnCheck != null) {
                throw throwOnCheck;
            }
        }

        @Override
        public void checkPath(RequestScope scope, int api, int op, Object path, Object options) {
            checked.add((scope.guarded ? "" : "UNGUARDED ") + "path" + api + ":" + op + ":" + path + (options == null ? "" : ":" + options));
            if (throwOnCheck != null) {
                throw throwOnCheck;
            }
        }

        @Override
        public void checkJndi(RequestScope scope, int api, Object name) {
            checked.add((scope.guarded ? "" : "UNGUARDED ") + "jndi" + api + ":" + name);
            if (throwOnCheck != null) {
                throw throwOnCheck;
            }
        }

        @Override
        public void checkClass(RequestScope scope, int api, Object descriptor) {
            checked.add((scope.guarded ? "" : "UNGUARDED ") + "class" + api + ":" + descriptor);
            if (throwOnCheck != null) {
                throw throwOnCheck;
            }
        }

        @Override
        public void checkJndiOutsideRequest(int api, Object name) {
            checked.add("policy jndi" + api + ":" + name);
            if (throwOnCheck != null) {
                throw throwOnCheck;
            }
        }

        @Override
        public void checkXmlEntity(RequestScope scope, int api, int event, String name, String systemId, String publicId) {
            checked.add((scope.guarded ? "" : "UNGUARDED ") + "xml" + api + ":" + event + ":" + name + ":" + systemId);
            if (throwOnCheck != null) {
                throw throwOnCheck;
            }
        }

        @Override
        public void internalError(Throwable t) {
            errors.add(t);
        }
    }

    static final FakeHooks hooks = new FakeHooks();

    /**
     * How many times {@code context}'s native context was released. Counted by identity, not by the
     * length of the shared list: a task an earlier test handed off may still end, and release its own
     * context, on another thread while a later test runs.
     */
    private static long timesReleased(RequestContext context) {
        synchronized (hooks.released) {
            return hooks.released.stream().filter(c -> c == context).count();
        }
    }

    @BeforeAll
    static void install() {
        RaspBridge.install(hooks);
        assertFalse(RaspBridge.install(new FakeHooks()), "a second install must be ignored");
    }

    @AfterEach
    void noRequestLeftOpen() {
        while (RaspBridge.currentScope() != null) {
            RaspBridge.requestExit(true, null);
        }
        hooks.checked.clear();
        hooks.throwOnCheck = null;
        hooks.bodyLimit = 16;
        hooks.encodingAsked = 0;
    }

    @Test
    void xmlEntitiesTheParserOpensAreChecked_othersOnlyCounted() {
        Object parser = new Object();
        RaspBridge.onXmlEntity(0, parser, "x", "file:///etc/passwd", null, null, null); // no request
        assertTrue(hooks.checked.isEmpty());
        RaspBridge.requestEnter("http", "resp");
        RaspBridge.onXmlEntity(0, parser, "[xml]", null, null, new java.io.ByteArrayInputStream(new byte[0]), null);
        RaspBridge.onXmlEntity(0, parser, "[dtd]", "http://127.0.0.1:1/x.dtd", null, null, null);
        RaspBridge.onXmlEntity(0, parser, "x", "file:///etc/passwd", null, null, null);
        RaspBridge.onXmlEntity(0, parser, "i", null, null, null, new java.io.StringReader("fine")); // internal
        RaspBridge.onXmlEntity(0, parser, "r", "own.ent", null, new java.io.ByteArrayInputStream(new byte[0]), null);
        assertEquals(Arrays.asList("xml0:0:[dtd]:http://127.0.0.1:1/x.dtd", "xml0:0:x:file:///etc/passwd"), hooks.checked);
    }

    @Test
    void aParseThatReadAnUnkeptRequestBodyResolvesAsTheRequestsDocument() {
        hooks.bodyLimit = 0; // a content type the agent does not keep
        Object parser = new Object();
        RaspBridge.requestEnter("http", "resp");
        RaspBridge.onXmlEntity(0, parser, "[xml]", null, null, new java.io.ByteArrayInputStream(new byte[0]), null);
        RaspBridge.onXmlEntity(0, parser, "own", "own.ent", null, null, null); // nothing read yet
        assertEquals(-1, RaspBridge.bodyReadEnter()); // the parser reads the request body
        RaspBridge.onXmlEntity(0, parser, "x", "file:///etc/passwd", null, null, null);
        RaspBridge.onXmlEntity(0, parser, "[xml]", null, null, new java.io.ByteArrayInputStream(new byte[0]), null);
        RaspBridge.onXmlEntity(0, parser, "y", "classpath.ent", null, null, null); // the next parse read none
        assertEquals(Arrays.asList("xml0:0:own:own.ent", "xml0:2:x:file:///etc/passwd", "xml0:0:y:classpath.ent"),
                hooks.checked);
    }

    @Test
    void theContentEncodingIsAskedAtTheFirstBodyReadOnly() {
        RaspBridge.requestEnter("http", "resp");
        assertEquals(0, hooks.encodingAsked, "a request that reads no body never asks");
        RaspBridge.onBodyBytes(RaspBridge.bodyReadEnter(), new byte[] {'a'}, 0, 1);
        RaspBridge.onBodyBytes(RaspBridge.bodyReadEnter(), new byte[] {'b'}, 0, 1);
        assertEquals(1, hooks.encodingAsked, "asked once, at the first read");
        assertEquals(Boolean.FALSE, RaspBridge.currentScope().context.bodyEncoded);
    }

    @Test
    void aParseThatReadACompressedRequestBodyResolvesAsTheRequestsDocument() {
        Object parser = new Object();
        RaspBridge.requestEnter("http", "resp");
        RaspBridge.currentScope().context.bodyEncoded = true; // Content-Encoding: gzip, kept as sent
        RaspBridge.onXmlEntity(0, parser, "[xml]", null, null, new java.io.ByteArrayInputStream(new byte[0]), null);
        int level = RaspBridge.bodyReadEnter(); // the application's GZIPInputStream reads the request body
        assertEquals(0, level, "the compressed body is still kept");
        RaspBridge.onBodyBytes(level, new byte[] {0x1f, (byte) 0x8b}, 0, 2);
        RaspBridge.onXmlEntity(0, parser, "x", "file:///etc/passwd", null, null, null);
        assertEquals(Collections.singletonList("xml0:2:x:file:///etc/passwd"), hooks.checked);
    }

    @Test
    void aParseOfAnUploadedFilesStreamResolvesAsTheRequestsDocument() {
        Object parser = new Object();
        java.io.InputStream upload = new java.io.ByteArrayInputStream(new byte[0]);
        RaspBridge.requestEnter("http", "resp");
        RaspBridge.onUploadStream(upload); // MultipartFile.getInputStream()
        RaspBridge.onXmlEntity(0, parser, "[xml]", null, null, upload, null);
        RaspBridge.onXmlEntity(0, parser, "x", "file:///etc/passwd", null, null, null);
        // another document of the same parser (the application's own) resolves as before
        RaspBridge.onXmlEntity(0, parser, "[xml]", null, null, new java.io.ByteArrayInputStream(new byte[0]), null);
        RaspBridge.onXmlEntity(0, parser, "own", "own.ent", null, null, null);
        assertEquals(Arrays.asList("xml0:2:x:file:///etc/passwd", "xml0:0:own:own.ent"), hooks.checked);
    }

    @Test
    void entityExpansionsPastTheLimitAreJudgedOncePerParse() {
        Object parser = new Object();
        RaspBridge.requestEnter("http", "resp");
        for (int parse = 0; parse < 2; parse++) {
            RaspBridge.onXmlEntity(0, parser, "[xml]", null, null, new java.io.ByteArrayInputStream(new byte[0]), null);
            for (int i = 0; i < RaspHooks.ENTITY_EXPANSION_LIMIT_COUNT * 3; i++) {
                RaspBridge.onXmlEntity(0, parser, "lol", null, null, null, new java.io.StringReader("lol"));
            }
        }
        assertEquals(Arrays.asList("xml0:1:lol:null", "xml0:1:lol:null"), hooks.checked);
        // a few references to one huge entity pass the character limit; the reader is left unread
        hooks.checked.clear();
        RaspBridge.onXmlEntity(0, parser, "[xml]", null, null, new java.io.ByteArrayInputStream(new byte[0]), null);
        char[] huge = new char[(int) (RaspHooks.ENTITY_EXPANSION_LIMIT_CHARS / 4) + 1];
        java.io.StringReader last = null;
        for (int i = 0; i < 4; i++) {
            last = new java.io.StringReader(new String(huge));
            RaspBridge.onXmlEntity(0, parser, "big", null, null, null, last);
        }
        assertEquals(Collections.singletonList("xml0:1:big:null"), hooks.checked);
        assertDoesNotThrowReading(last, huge.length);
        // the block reaches the parser
        hooks.throwOnCheck = new RaspBlockedException("xxe", "xxe.external_entity", "e");
        assertThrows(RaspBlockedException.class,
                () -> RaspBridge.onXmlEntity(0, parser, "x", "file:///etc/passwd", null, null, null));
    }

    private static void assertDoesNotThrowReading(java.io.Reader r, int chars) {
        try {
            long n = r.skip(Long.MAX_VALUE);
            assertEquals(chars, n, "the bridge left the reader where it was");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sqlOutsideARequestNeverReachesTheCore() {
        RaspBridge.onSql(new Object(), false, 1, "select 1");
        assertTrue(hooks.checked.isEmpty());
    }

    @Test
    void jndiIsCheckedInsideAndOutsideRequests() {
        RaspBridge.onJndi(0, "ldap://127.0.0.1:1389/a");
        RaspBridge.onJndi(0, null);
        RaspBridge.requestEnter("http", "resp");
        RaspBridge.onJndi(0, "java:comp/env/jdbc/users");
        hooks.throwOnCheck = new RaspBlockedException("jndi", "jndi.remote_lookup", "e1");
        assertThrows(RaspBlockedException.class, () -> RaspBridge.onJndi(0, "ldap://x/a"));
        hooks.throwOnCheck = new IllegalStateException("contained");
        RaspBridge.onJndi(0, "rmi://x/a");
        assertEquals(Arrays.asList("policy jndi0:ldap://127.0.0.1:1389/a", "jndi0:java:comp/env/jdbc/users", "jndi0:ldap://x/a",
                "jndi0:rmi://x/a"), hooks.checked);
        assertFalse(RaspBridge.currentScope().guarded, "the guard is released after a failure");
    }

    @Test
    void nestedEntriesOpenAndCloseOnce() {
        int opened = hooks.opened;
        int closed = hooks.closed.size();
        assertTrue(RaspBridge.requestEnter("http", "resp"));
        RequestScope scope = RaspBridge.currentScope();
        assertTrue(RaspBridge.requestEnter("wrapped", "resp")); // a filter further down the chain
        assertTrue(RaspBridge.requestEnter("forward", "resp"));
        assertEquals(opened + 1, hooks.opened);
        assertEquals(3, scope.servletDepth());
        assertNull(RaspBridge.requestExit(true, null));
        assertNull(RaspBridge.requestExit(true, null));
        assertSame(scope, RaspBridge.currentScope());
        assertEquals(closed, hooks.closed.size());
        RaspBridge.requestExit(true, null);
        assertNull(RaspBridge.currentScope());
        assertEquals(closed + 1, hooks.closed.size());
        assertSame(scope, hooks.closed.get(hooks.closed.size() - 1));
    }

    @Test
    void exitClosesAlsoWhenTheApplicationThrew() {
        RaspBridge.requestEnter("http", "resp");
        IllegalStateException appFailure = new IllegalStateException("app");
        assertSame(appFailure, RaspBridge.requestExit(true, appFailure));
        assertNull(RaspBridge.currentScope());
        // the core may swallow its own block exception at the outermost exit
        RaspBridge.requestEnter("http", "resp");
        assertNull(RaspBridge.requestExit(true, new RaspBlockedException("sqli", "r", "e")));
    }

    @Test
    void nonHttpRequestIsNotTracked() {
        assertFalse(RaspBridge.requestEnter("not-http", "resp"));
        assertNull(RaspBridge.currentScope());
        assertNull(RaspBridge.requestExit(false, null));
    }

    @Test
    void exitOfAnUncountedEntryChangesNothing() {
        RaspBridge.requestEnter("http", "resp");
        RequestScope scope = RaspBridge.currentScope();
        RaspBridge.requestExit(false, null); // e.g. agent attached while this method was running
        assertSame(scope, RaspBridge.currentScope());
        assertEquals(1, scope.servletDepth());
    }

    @Test
    void sqlInsideARequestIsChecked_butNotUnderTheGuard() {
        RaspBridge.requestEnter("http", "resp");
        RaspBridge.onSql(new Object(), false, 1, "select 1");
        assertEquals(Arrays.asList("1:select 1"), hooks.checked, "the check runs guarded (the driver's metadata SQL is not checked)");
        assertFalse(RaspBridge.currentScope().guarded, "the guard is lifted after the check");
        RaspBridge.currentScope().guarded = true;
        RaspBridge.onSql(new Object(), true, 5, "select 2");
        assertEquals(1, hooks.checked.size());
    }

    @Test
    void onlyTheBlockExceptionEscapes() {
        RaspBridge.requestEnter("http", "resp");
        int errors = hooks.errors.size();
        hooks.throwOnCheck = new NullPointerException("agent bug");
        RaspBridge.onSql(new Object(), false, 0, "select 1");
        assertEquals(errors + 1, hooks.errors.size());
        hooks.throwOnCheck = new RaspBlockedException("sqli", "sqli.tautology", "ev1");
        RaspBlockedException e = assertThrows(RaspBlockedException.class,
                () -> RaspBridge.onSql(new Object(), false, 0, "select 1"));
        assertEquals("sqli.tautology", e.getRuleId());
        assertTrue(e instanceof SecurityException);
    }

    @Test
    void fileHooksOutsideARequestNeverReachTheCore() {
        RaspBridge.onPath(0, 0, new File("/etc/passwd"));
        RaspBridge.onPathOpen(2, new File("x"), "rw");
        RaspBridge.onPathPair(12, 0, "a", 1, "b");
        assertTrue(hooks.checked.isEmpty());
    }

    @Test
    void processLaunchesOutsideARequestGetThePolicyCheckOnly() {
        RaspBridge.onCommand(0, new String[] {"ls"}, null);
        assertEquals(Arrays.asList("policy cmd0:ls"), hooks.checked);
        hooks.throwOnCheck = new IllegalStateException("agent bug");
        int errors = hooks.errors.size();
        RaspBridge.onCommand(0, new String[] {"ls"}, null);
        assertEquals(errors + 1, hooks.errors.size(), "a failure is contained");
        hooks.throwOnCheck = new RaspBlockedException("cmdi", "cmdi.policy.reverse_shell", "ev9");
        assertThrows(RaspBlockedException.class, () -> RaspBridge.onCommand(0, new String[] {"nc", "-e", "sh"}, null));
    }

    @Test
    void commandAndFileHooksInsideARequest() {
        RaspBridge.requestEnter("http", "resp");
        RequestScope scope = RaspBridge.currentScope();
        RaspBridge.onCommand(0, new String[] {"sh", "-c", "ls"}, Collections.singletonMap("A", "b"));
        RaspBridge.onPath(3, 2, "/tmp/x");
        RaspBridge.onPathOpen(2, "/tmp/y", "rw");
        RaspBridge.onPathPair(13, 2, "/tmp/a", 1, "/tmp/b");
        RaspBridge.onPath(3, 2, null); // the sink itself throws the NullPointerException
        RaspBridge.onCommand(0, null, null);
        assertEquals(Arrays.asList("cmd0:sh -c ls env={A=b}", "path3:2:/tmp/x", "path2:-1:/tmp/y:rw",
                "path13:2:/tmp/a", "path13:1:/tmp/b"), hooks.checked);
        assertFalse(scope.guarded, "the guard is lifted after each check");
        scope.guarded = true; // the agent's own I/O
        RaspBridge.onPath(0, 0, "/tmp/z");
        RaspBridge.onCommand(0, new String[] {"true"}, null);
        assertEquals(5, hooks.checked.size());
    }

    @Test
    void fileHooksContainFailuresAndLetOnlyTheBlockThrough() {
        RaspBridge.requestEnter("http", "resp");
        RequestScope scope = RaspBridge.currentScope();
        int errors = hooks.errors.size();
        hooks.throwOnCheck = new IllegalStateException("agent bug");
        RaspBridge.onPath(0, 0, "/tmp/x");
        RaspBridge.onCommand(0, new String[] {"true"}, null);
        assertEquals(errors + 2, hooks.errors.size());
        assertFalse(scope.guarded);
        hooks.throwOnCheck = new RaspBlockedException("path", "path.traversal", "ev2");
        assertThrows(RaspBlockedException.class, () -> RaspBridge.onPath(0, 0, "/tmp/x"));
        assertFalse(scope.guarded, "a block lifts the guard too");
        // the source is blocked: the target is never looked at
        int checked = hooks.checked.size();
        assertThrows(RaspBlockedException.class, () -> RaspBridge.onPathPair(12, 0, "/a", 1, "/b"));
        assertEquals(checked + 1, hooks.checked.size());
    }

    @Test
    void classDescriptorsAreJudgedOnlyInsideARequest() {
        RaspBridge.onClassDescriptor(RaspHooks.CLASS_DESCRIPTOR, "org.x.Gadget");
        assertTrue(hooks.checked.isEmpty(), "a stream read outside a request is not judged");
        RaspBridge.requestEnter("http", "resp");
        RequestScope scope = RaspBridge.currentScope();
        RaspBridge.onClassDescriptor(RaspHooks.CLASS_DESCRIPTOR, "org.x.Dto");
        RaspBridge.onClassDescriptor(RaspHooks.CLASS_PROXY, null);
        assertEquals(Arrays.asList("class0:org.x.Dto"), hooks.checked);
        int errors = hooks.errors.size();
        hooks.throwOnCheck = new IllegalStateException("agent bug");
        RaspBridge.onClassDescriptor(RaspHooks.CLASS_DESCRIPTOR, "org.x.Dto");
        assertEquals(errors + 1, hooks.errors.size(), "a failure is contained");
        hooks.throwOnCheck = new RaspBlockedException("deser", "deser.gadget.commons_collections", "ev3");
        assertThrows(RaspBlockedException.class,
                () -> RaspBridge.onClassDescriptor(RaspHooks.CLASS_DESCRIPTOR, "org.x.Gadget"));
        assertFalse(scope.guarded, "a block lifts the guard too");
    }

    /** The body kept so far (marks it pushed). */
    private static byte[] body(RequestScope s) {
        RequestBody.Snapshot b = s.context.takeBodyIfGrown();
        return b == null ? new byte[0] : Arrays.copyOf(b.buffer, b.length);
    }

    private static boolean truncated(RequestScope s) {
        RequestBody.Snapshot b = s.context.takeBodyIfGrown();
        return b != null && b.truncated;
    }

    @Test
    void bodyIsRecordedOnceByTheOutermostRead() {
        RaspBridge.requestEnter("http", "resp");
        RequestScope s = RaspBridge.currentScope();
        byte[] data = "abcdef".getBytes(StandardCharsets.US_ASCII);
        int outer = RaspBridge.bodyReadEnter();   // wrapper.read(byte[])
        int inner = RaspBridge.bodyReadEnter();   //   container.read(byte[], int, int)
        RaspBridge.onBodyBytes(inner, data, 1, 3);
        RaspBridge.onBodyBytes(outer, data, 1, 3);
        assertArrayEquals("bcd".getBytes(StandardCharsets.US_ASCII), body(s));
        int single = RaspBridge.bodyReadEnter();
        RaspBridge.onBodyByte(single, 'x');
        int eof = RaspBridge.bodyReadEnter();
        RaspBridge.onBodyByte(eof, -1);
        assertArrayEquals("bcdx".getBytes(StandardCharsets.US_ASCII), body(s));
        assertNull(s.context.takeBodyIfGrown(), "nothing new since it was taken");
    }

    @Test
    void bodyIsCutAtTheLimitAndMarkedTruncated() {
        hooks.bodyLimit = 5;
        RaspBridge.requestEnter("http", "resp");
        RequestScope s = RaspBridge.currentScope();
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        RaspBridge.onBodyBytes(RaspBridge.bodyReadEnter(), data, 0, 3);
        assertFalse(truncated(s));
        RaspBridge.onBodyBytes(RaspBridge.bodyReadEnter(), data, 3, 7);
        RequestBody.Snapshot b = s.context.takeBodyIfGrown();
        assertArrayEquals("01234".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(b.buffer, b.length));
        assertTrue(b.truncated);
    }

    @Test
    void charsAreKeptAsUtf8EvenWhenASurrogatePairIsSplitAcrossReads() {
        hooks.bodyLimit = 64;
        RaspBridge.requestEnter("http", "resp");
        RequestScope s = RaspBridge.currentScope();
        char[] text = "é€\uD83D\uDE00'".toCharArray();
        RaspBridge.onBodyChars(RaspBridge.bodyReadEnter(), text, 0, 3); // ends with the high surrogate
        RaspBridge.onBodyChars(RaspBridge.bodyReadEnter(), text, 3, 2);
        RaspBridge.onBodyLine(RaspBridge.bodyReadEnter(), "x");
        RaspBridge.onBodyChar(RaspBridge.bodyReadEnter(), 'y');
        assertArrayEquals("é€\uD83D\uDE00'x\ny".getBytes(StandardCharsets.UTF_8), body(s));
    }

    @Test
    void byteBufferReadTakesTheBytesBeforeThePosition() {
        RaspBridge.requestEnter("http", "resp");
        RequestScope s = RaspBridge.currentScope();
        ByteBuffer bb = ByteBuffer.allocate(8);
        bb.put("zzab".getBytes(StandardCharsets.US_ASCII)); // position 4, the read filled "ab"
        RaspBridge.onBodyBuffer(RaspBridge.bodyReadEnter(), bb, 2);
        assertArrayEquals("ab".getBytes(StandardCharsets.US_ASCII), body(s));
        assertEquals(4, bb.position());
    }

    @Test
    void noBodyCaptureWhenTheScopeDoesNotWantIt() {
        hooks.bodyLimit = 0;
        RaspBridge.requestEnter("http", "resp");
        assertEquals(-1, RaspBridge.bodyReadEnter());
        RaspBridge.onBodyBytes(-1, new byte[] {1, 2}, 0, 2);
        assertNull(RaspBridge.currentScope().context.takeBodyIfGrown());
    }

    // ------------------------------------------------------------------ hand-offs

    /** Runs {@code r} on a new thread (not instrumented here: the thread's run is what the advice would see) and waits. */
    private static void onOtherThread(Runnable r) throws InterruptedException {
        Thread t = new Thread(r, "worker-under-test");
        t.start();
        t.join(10_000);
        assertFalse(t.isAlive());
    }

    @Test
    void handOffOutsideARequestIsNothing() {
        Runnable task = () -> { };
        assertNull(RaspBridge.handOffRunnable(task, RequestScope.VIA_EXECUTOR));
        assertNull(RaspBridge.handOffCallable(() -> 1, RequestScope.VIA_EXECUTOR));
        assertNull(RaspBridge.handOffAll(Collections.singletonList((java.util.concurrent.Callable<Integer>) () -> 1),
                RequestScope.VIA_EXECUTOR));
        assertNull(RaspBridge.handOffMark());
        RaspBridge.handOffExit(null, null);
    }

    @Test
    void aTaskRunsWithItsRequestBoundAndGivesItsReferenceBack() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        Object[] seen = new Object[3];
        Runnable task = () -> {
            RequestScope s = RaspBridge.currentScope();
            seen[0] = s == null ? null : s.context;
            seen[1] = s == null ? null : s.handoff;
            RaspBridge.onSql(new Object(), false, 1, "select from task");
        };
        Runnable handed = RaspBridge.handOffRunnable(task, RequestScope.VIA_EXECUTOR);
        assertTrue(handed != task, "wrapped");
        assertEquals(task.toString(), handed.toString());
        RaspBridge.handOffExit(handed, null);
        assertEquals(2, context.references(), "the request and the task");
        onOtherThread(handed);
        assertSame(context, seen[0]);
        assertEquals("executor", seen[1]);
        assertEquals(Arrays.asList("1:select from task"), hooks.checked, "checked against the request, guarded");
        assertEquals(1, context.references(), "the task gave its reference back");
        assertEquals(0, timesReleased(context));
        RaspBridge.requestExit(true, null);
        assertEquals(0, context.references());
        assertEquals(1, timesReleased(context), "the last reference releases the native context");
    }

    @Test
    void aTaskThatOutlivesItsRequestKeepsTheContextUntilItEnds() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        java.util.concurrent.Callable<String> task = () -> RaspBridge.currentScope().handoff;
        java.util.concurrent.Callable<String> handed = RaspBridge.handOffCallable(task, RequestScope.VIA_EXECUTOR);
        RaspBridge.handOffExit(handed, null);
        RaspBridge.requestExit(true, null);
        assertEquals(0, timesReleased(context), "still held by the task");
        String[] via = new String[1];
        onOtherThread(() -> {
            try {
                via[0] = handed.call();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("executor", via[0]);
        assertEquals(1, timesReleased(context));
        assertEquals(0, context.references());
        // run again after the request is over: runs, unbound
        String[] again = {"unset"};
        onOtherThread(() -> {
            try {
                handed.call();
                again[0] = String.valueOf(RaspBridge.currentScope());
            } catch (NullPointerException e) {
                again[0] = "unbound";
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("unbound", again[0]);
    }

    @Test
    void nestedExecutorMethodsWrapOnceAndARejectedTaskGivesItsReferenceBack() {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        Runnable task = () -> { };
        Runnable outer = RaspBridge.handOffRunnable(task, RequestScope.VIA_EXECUTOR); // submit(...)
        Runnable inner = RaspBridge.handOffRunnable(outer, RequestScope.VIA_EXECUTOR); // ... calls execute(...)
        assertSame(outer, inner, "an executor method inside another carries nothing twice");
        Runnable fresh = RaspBridge.handOffRunnable(task, RequestScope.VIA_EXECUTOR);
        assertSame(task, fresh, "still inside the outer method: not wrapped");
        RaspBridge.handOffExit(fresh, null);
        RaspBridge.handOffExit(inner, new java.util.concurrent.RejectedExecutionException());
        assertEquals(1, context.references(), "the rejected wrapper gave its reference back");
        RaspBridge.handOffExit(outer, new java.util.concurrent.RejectedExecutionException());
        assertEquals(1, context.references(), "exactly once");
        assertTrue(RaspBridge.handOffRunnable(task, RequestScope.VIA_EXECUTOR) != task, "outside again: wrapped");
    }

    @Test
    void aTaskThatNeverRunsIsReclaimedAfterCollection() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        for (int i = 0; i < 3; i++) {
            Object handed = RaspBridge.handOffRunnable(() -> { }, RequestScope.VIA_EXECUTOR);
            RaspBridge.handOffExit(handed, null);
        }
        java.util.List<java.util.concurrent.Callable<Integer>> tasks = Arrays.asList(() -> 1, () -> 2);
        Object all = RaspBridge.handOffAll(tasks, RequestScope.VIA_EXECUTOR);
        assertEquals(2, ((List<?>) all).size());
        RaspBridge.handOffExit(all, null);
        all = null;
        assertEquals(6, context.references());
        RaspBridge.requestExit(true, null);
        long deadline = System.currentTimeMillis() + 20_000;
        while (context.references() > 0 && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, context.references(), "the reaper gave back what unrun, collected tasks held");
        assertTrue(hooks.released.contains(context));
        assertTrue(RaspBridge.handOffStats().contains("\"collected_unrun\":"), RaspBridge.handOffStats());
    }

    @Test
    void aThreadStartedWhileServingRunsWithTheRequest() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        Object[] seen = new Object[2];
        Thread t = new Thread(() -> {
            RequestScope s = RaspBridge.threadRunEnter(); // what Thread.run's advice does
            try {
                seen[0] = RaspBridge.currentScope().context;
                seen[1] = RaspBridge.currentScope().handoff;
            } finally {
                RaspBridge.threadRunExit(s);
            }
        });
        RaspBridge.threadStart(t);
        assertEquals(2, context.references());
        t.start();
        t.join(10_000);
        assertSame(context, seen[0]);
        assertEquals("thread", seen[1]);
        assertEquals(1, context.references());
    }

    @Test
    void threadsStartedByAnExecutorOrNeverRunGiveTheirReferenceBack() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        Object mark = RaspBridge.handOffMark();
        RaspBridge.threadStart(new Thread(() -> { })); // a pool worker started inside execute()
        RaspBridge.handOffExit(mark, null);
        assertEquals(1, context.references(), "pool threads carry tasks, not the request that started them");
        Thread failing = new Thread(() -> { });
        RaspBridge.threadStart(failing);
        RaspBridge.threadStartFailed(failing);
        assertEquals(1, context.references());
        // a thread whose run() the agent does not see: given back at its exit
        Thread unseen = new Thread(RaspBridge::threadExit); // what Thread.exit's advice does
        RaspBridge.threadStart(unseen);
        assertEquals(2, context.references());
        unseen.start();
        unseen.join(10_000);
        assertEquals(1, context.references());
    }

    @Test
    void theServingThreadRunningItsOwnTaskStaysTheServingThread() {
        RaspBridge.requestEnter("http", "resp");
        RequestScope serving = RaspBridge.currentScope();
        Object[] seen = new Object[1];
        Runnable handed = RaspBridge.handOffRunnable(() -> seen[0] = RaspBridge.currentScope(), RequestScope.VIA_EXECUTOR);
        handed.run(); // CallerRunsPolicy, inside execute()
        RaspBridge.handOffExit(handed, null);
        RequestScope inline = (RequestScope) seen[0];
        assertSame(serving.context, inline.context);
        assertTrue(inline.servingThread(), "it can still answer the request itself");
        assertSame(serving, RaspBridge.currentScope(), "restored");
    }

    @Test
    void aServletEntryOnATaskThreadStartsARequestOfItsOwn() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        RequestContext first = RaspBridge.currentScope().context;
        Object[] seen = new Object[3];
        Runnable handed = RaspBridge.handOffRunnable(() -> {
            assertTrue(RaspBridge.requestEnter("http", "resp2")); // an async dispatch, or the next request on the connection
            seen[0] = RaspBridge.currentScope().context;
            seen[1] = RaspBridge.currentScope().handoff;
            RaspBridge.requestExit(true, null);
            seen[2] = RaspBridge.currentScope().context;
        }, RequestScope.VIA_EXECUTOR);
        RaspBridge.handOffExit(handed, null);
        onOtherThread(handed);
        assertTrue(seen[0] != first && seen[0] != null, "a context of its own");
        assertNull(seen[1], "serving its own request");
        assertSame(first, seen[2], "the task's binding is back after the dispatch");
    }

    // ------------------------------------------------------------------ captured inputs

    private static List<String> taken(RequestScope s) {
        dev.rasp.bootstrap.CapturedInputs.Batch b = s.context.takeCaptured();
        List<String> out = new ArrayList<>();
        for (int i = 0; b != null && i < b.count; i++) {
            out.add(b.sources[i] + ":" + b.names[i] + "=" + b.values[i]);
        }
        return out;
    }

    @Test
    void capturedValuesAreKeptForTheRequestAndTakenOnce() {
        RaspBridge.captureInput(dev.rasp.bootstrap.InputSources.PARAMETER, "q", "outside"); // no request: nothing
        RaspBridge.requestEnter("http", "resp");
        RequestScope s = RaspBridge.currentScope();
        assertFalse(s.context.inputsPending());
        String v = "' OR '1'='1";
        RaspBridge.captureInput(dev.rasp.bootstrap.InputSources.PARAMETER, "name", v);
        RaspBridge.captureInput(dev.rasp.bootstrap.InputSources.PARAMETER, "name", v); // the same String again
        RaspBridge.captureInput(dev.rasp.bootstrap.InputSources.PARAMETER, "empty", "");
        RaspBridge.captureInputs(dev.rasp.bootstrap.InputSources.PARAMETER, "ids", new String[] {"1", "2"});
        RaspBridge.captureParameterMap(Collections.singletonMap("k", new String[] {"v1"}));
        RaspBridge.captureJsonName("user");
        RaspBridge.captureJsonValue("x y");
        RaspBridge.captureZipEntry(new java.util.zip.ZipEntry("../../evil.jsp"));
        RaspBridge.captureObject(RaspHooks.CAPTURE_COOKIES, null, "c");
        assertTrue(s.context.inputsPending());
        assertEquals(Arrays.asList("11:name=' OR '1'='1", "11:ids=1", "11:ids=2", "11:k=k", "11:k=v1", "2:user=user",
                "2:user=x y", "10:entry=../../evil.jsp", "5:fake=c"), taken(s));
        assertTrue(taken(s).isEmpty(), "taken once");
        assertFalse(s.guarded, "captureObject lifts its guard");
        s.guarded = true; // the agent's own reads
        RaspBridge.captureInput(dev.rasp.bootstrap.InputSources.PARAMETER, "name", "mine");
        assertTrue(taken(s).isEmpty());
    }

    @Test
    void xmlTextHandedOutInPiecesIsAlsoOneInput() {
        RaspBridge.requestEnter("http", "resp");
        RequestScope s = RaspBridge.currentScope();
        char[] doc = "<n>' OR '1'='1</n>".toCharArray();
        RaspBridge.xmlBoundary();                    // <n>
        RaspBridge.captureXmlChars(doc, 3, 1);       // ' (a character reference in the document)
        RaspBridge.captureXmlChars(doc, 4, 4);       //  OR
        RaspBridge.captureXmlText("'1'='1");
        RaspBridge.xmlBoundary();                    // </n>
        RaspBridge.xmlBoundary();                    // nothing pending
        assertEquals(Arrays.asList("8:text='", "8:text= OR ", "8:text='1'='1", "8:text=' OR '1'='1"), taken(s));
    }

    @Test
    void capturedValuesPastTheBudgetOverflowTheRequest() throws Exception {
        RequestContext context = new RequestContext("http", "resp", 0, 10, null); // a 10-char budget
        java.lang.reflect.Method bind = RaspBridge.class.getDeclaredMethod("bind", RequestContext.class, String.class);
        java.lang.reflect.Method unbind = RaspBridge.class.getDeclaredMethod("unbind", RequestScope.class);
        bind.setAccessible(true);
        unbind.setAccessible(true);
        Object scope = bind.invoke(null, context, RequestScope.VIA_EXECUTOR);
        try {
            RaspBridge.captureInput(dev.rasp.bootstrap.InputSources.JSON, "a", "12345");
            RaspBridge.captureInput(dev.rasp.bootstrap.InputSources.JSON, "b", "678901");
        } finally {
            unbind.invoke(null, scope);
        }
        assertNull(context.takeBodyIfGrown(), "nothing to push before the take");
        dev.rasp.bootstrap.CapturedInputs.Batch b = context.takeCaptured();
        assertEquals(1, b.count, "the value past the budget is not kept...");
        RequestBody.Snapshot body = context.takeBodyIfGrown();
        assertTrue(body != null && body.truncated, "...and the request counts as overflowed");
    }

    @Test
    void aForkJoinTaskCarriesTheRequestIntoItsExecution() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        Object task = new Object(); // stands for the ForkJoinTask: only its identity matters
        RaspBridge.forkJoinTask(task);
        RaspBridge.forkJoinTask(task); // forked again before it ran: one capture
        assertEquals(2, context.references());
        Object[] seen = new Object[2];
        onOtherThread(() -> {
            RequestScope s = RaspBridge.inPlaceRunEnter(task); // what doExec's advice does
            try {
                seen[0] = RaspBridge.currentScope().context;
                seen[1] = RaspBridge.currentScope().handoff;
            } finally {
                RaspBridge.inPlaceRunExit(s);
            }
            assertNull(RaspBridge.inPlaceRunEnter(task), "bound once");
        });
        assertSame(context, seen[0]);
        assertEquals("fork-join", seen[1]);
        assertEquals(1, context.references());
        assertNull(RaspBridge.inPlaceRunEnter(new Object()), "a task forked outside a request");
    }

    @Test
    void aForkJoinTaskThatNeverRunsIsReclaimedAfterCollection() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        RaspBridge.forkJoinTask(new Object());
        assertEquals(2, context.references());
        long deadline = System.currentTimeMillis() + 20_000;
        while (context.references() > 1 && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(1, context.references(), "the reaper gave back what the collected task held");
    }

    @Test
    void aTimerTaskScheduledOnceCarriesTheRequestIntoItsRun() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        Object task = new Object(); // stands for the TimerTask: only its identity matters
        Object captured = RaspBridge.timerSchedule(task, 0L);
        assertSame(task, captured);
        RaspBridge.timerScheduleExit(captured, null);
        assertNull(RaspBridge.timerSchedule(task, 0L), "scheduled again before it ran: the first capture stands");
        assertEquals(2, context.references());
        Object[] seen = new Object[2];
        onOtherThread(() -> {
            RequestScope s = RaspBridge.inPlaceRunEnter(task); // what the advice on the subclass's run() does
            try {
                seen[0] = RaspBridge.currentScope().context;
                seen[1] = RaspBridge.currentScope().handoff;
            } finally {
                RaspBridge.inPlaceRunExit(s);
            }
            assertNull(RaspBridge.inPlaceRunEnter(task), "bound once");
        });
        assertSame(context, seen[0]);
        assertEquals("timer", seen[1]);
        assertEquals(1, context.references());
    }

    @Test
    void aPeriodicTimerTaskCarriesNothing() {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        assertNull(RaspBridge.timerSchedule(new Object(), 1000L), "fixed rate");
        assertNull(RaspBridge.timerSchedule(new Object(), -1000L), "fixed delay");
        assertEquals(1, context.references());
    }

    @Test
    void aTimerScheduleThatThrowsGivesItsCaptureBack() {
        RaspBridge.requestEnter("http", "resp");
        RequestContext context = RaspBridge.currentScope().context;
        Object task = new Object();
        Object captured = RaspBridge.timerSchedule(task, 0L);
        assertEquals(2, context.references());
        RaspBridge.timerScheduleExit(captured, new IllegalStateException("Timer already cancelled."));
        assertEquals(1, context.references());
        assertNull(RaspBridge.inPlaceRunEnter(task), "nothing left to bind");
        // a second schedule of a task already captured fails without touching the first capture
        Object other = new Object();
        Object first = RaspBridge.timerSchedule(other, 0L);
        Object second = RaspBridge.timerSchedule(other, 0L);
        assertNull(second);
        RaspBridge.timerScheduleExit(second, new IllegalStateException("Task already scheduled or cancelled"));
        assertEquals(2, context.references());
        RaspBridge.timerScheduleExit(first, new IllegalStateException("Timer already cancelled."));
        assertEquals(1, context.references());
    }

    @Test
    void aTimerTaskScheduledOutsideARequestCarriesNothing() {
        assertNull(RaspBridge.timerSchedule(new Object(), 0L));
        assertNull(RaspBridge.inPlaceRunEnter(new Object()));
    }

    // ------------------------------------------------------------------ multipart bodies

    private static String multipart(String fileContent) {
        return "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
                + "' OR '1'='1\r\n"
                + "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"../x.jsp\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + fileContent + "\r\n"
                + "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"after\"\r\n\r\n"
                + "late value\r\n"
                + "--XyZ--\r\n";
    }

    @Test
    void aDocumentPastTheLimitOverflowsTheRequest_anUploadIsJudgedOnWhatIsKept() throws Exception {
        byte[] body = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        for (String document : new String[] {"text/plain", "text/csv; charset=UTF-8", "application/json", "application/vnd.api+json",
            "application/x-www-form-urlencoded", "application/soap+xml", "+json"}) {
            RequestBody.Snapshot kept = feed(document, 8, body, 4);
            assertEquals(8, kept.length, document);
            assertTrue(kept.truncated, document + ": input past the limit was not seen, the request overflows");
        }
        for (String upload : new String[] {"application/octet-stream", "image/png", null, ""}) {
            RequestBody.Snapshot kept = feed(upload, 8, body, 4);
            assertEquals(8, kept.length, upload + ": the first bytes are kept and judged");
            assertFalse(kept.truncated, upload + ": a large upload reaching a sink is not blocked for its size");
        }
    }

    /** Feeds {@code body} in chunks of {@code chunk} bytes to a context bound on this thread; returns what it kept. */
    private static RequestBody.Snapshot feed(String contentType, int limit, byte[] body, int chunk) throws Exception {
        RequestContext context = new RequestContext("http", "resp", limit, 1 << 20, contentType);
        java.lang.reflect.Method bind = RaspBridge.class.getDeclaredMethod("bind", RequestContext.class, String.class);
        java.lang.reflect.Method unbind = RaspBridge.class.getDeclaredMethod("unbind", RequestScope.class);
        bind.setAccessible(true);
        unbind.setAccessible(true);
        Object scope = bind.invoke(null, context, RequestScope.VIA_EXECUTOR);
        try {
            for (int off = 0; off < body.length; off += chunk) {
                int n = Math.min(chunk, body.length - off);
                if (n == 1) {
                    RaspBridge.onBodyByte(RaspBridge.bodyReadEnter(), body[off] & 0xFF);
                } else {
                    RaspBridge.onBodyBytes(RaspBridge.bodyReadEnter(), body, off, n);
                }
            }
        } finally {
            unbind.invoke(null, scope);
        }
        return context.takeBodyIfGrown();
    }

    @Test
    void fileContentsOfAMultipartBodyAreNotKeptAndDoNotOverflow() throws Exception {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            big.append(i % 100 == 0 ? "\r\n--Xy" : "photo-bytes "); // false starts of the delimiter inside the file
        }
        String ct = "multipart/form-data; boundary=XyZ";
        byte[] body = multipart(big.toString()).getBytes(StandardCharsets.ISO_8859_1);
        String expected = multipart("");
        for (int chunk : new int[] {1, 3, 7, 8192, body.length}) {
            RequestBody.Snapshot kept = feed(ct, 4096, body, chunk);
            assertEquals(expected, new String(kept.buffer, 0, kept.length, StandardCharsets.ISO_8859_1), "chunk " + chunk);
            assertFalse(kept.truncated, "a " + body.length + "-byte upload within a 4 KiB budget, chunk " + chunk);
        }
    }

    @Test
    void aMultipartBodyWhoseBoundaryNeverAppearsIsKeptAndOverflows() throws Exception {
        byte[] body = multipart(new String(new char[10_000]).replace((char) 0, (char) 0x78)).getBytes(StandardCharsets.ISO_8859_1);
        for (String ct : new String[] {"multipart/form-data; boundary=Other",
                "multipart/form-data; boundary=XyZ; boundary=Other", "multipart/form-data; boundary=Other; boundary=XyZ"}) {
            // a boundary the body does not use, or two (containers disagree which one counts): nothing is elided
            RequestBody.Snapshot kept = feed(ct, 4096, body, 512);
            assertEquals(4096, kept.length, "kept up to the limit, nothing dropped unseen: " + ct);
            assertTrue(kept.truncated, ct);
        }
        RequestBody.Snapshot plain = feed("application/json", 4096, body, 512);
        assertTrue(plain.truncated, "other bodies are cut at the limit as before");
    }

    @Test
    void aWebSocketMessageIsARequestOfItsOwnAndItsLayersNest() {
        assertFalse(RaspBridge.messageEnter(null, new Object[] {"pong"}), "nothing to judge: not tracked");
        assertTrue(RaspBridge.messageEnter(null, new Object[] {"msg"}));      // the container's adapter
        RequestScope s = RaspBridge.currentScope();
        RequestContext context = s.context;
        assertTrue(RaspBridge.messageEnter(null, new Object[] {"msg", "session"})); // the annotated method
        assertSame(s, RaspBridge.currentScope());
        assertEquals(2, s.servletDepth());
        RaspBridge.onSql(new Object(), false, 1, "select 1");
        assertEquals(Arrays.asList("1:select 1"), hooks.checked);
        RaspBridge.messageExit(true);
        RaspBridge.messageExit(true);
        assertNull(RaspBridge.currentScope());
        assertEquals(1, timesReleased(context), "the message's context is released at the outermost exit");
        RaspBridge.messageExit(false);
    }

    @Test
    void parameterNamesAreCapturedAsTheApplicationReadsThem() {
        java.util.Enumeration<String> outside = Collections.enumeration(Arrays.asList("a"));
        assertSame(outside, RaspBridge.captureParameterNames(outside), "no request: the container's own");
        RaspBridge.requestEnter("http", "resp");
        RequestScope s = RaspBridge.currentScope();
        java.util.Enumeration<String> names = RaspBridge.captureParameterNames(
                Collections.enumeration(Arrays.asList("q", "' OR 1=1--")));
        assertTrue(taken(s).isEmpty(), "nothing read, nothing captured (nothing consumed either)");
        List<String> read = Collections.list(names);
        assertEquals(Arrays.asList("q", "' OR 1=1--"), read, "the application gets every name");
        assertEquals(Arrays.asList("11:q=q", "11:' OR 1=1--=' OR 1=1--"), taken(s));
    }

    /** A prioritised task, as a PriorityBlockingQueue behind a ThreadPoolExecutor orders them. */
    static final class Prioritised implements Runnable, Comparable<Prioritised> {
        final int priority;

        Prioritised(int priority) {
            this.priority = priority;
        }

        @Override
        public void run() {
        }

        @Override
        public int compareTo(Prioritised o) {
            return Integer.compare(priority, o.priority);
        }
    }

    @Test
    void aComparableTaskStaysComparableWhenCarried() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        // the work queue of a priority pool: its execute() offers the (wrapped) task here
        java.util.concurrent.PriorityBlockingQueue<Runnable> queue = new java.util.concurrent.PriorityBlockingQueue<>();
        for (int p : new int[] {3, 1, 2}) {
            Runnable handed = RaspBridge.handOffRunnable(new Prioritised(p), RequestScope.VIA_EXECUTOR);
            RaspBridge.handOffExit(handed, null);
            assertTrue(handed instanceof Comparable, "the wrapper of a Comparable task is Comparable");
            queue.add(handed);
        }
        List<Integer> order = new ArrayList<>();
        for (Runnable r; (r = queue.poll()) != null; ) {
            order.add(unwrap(r).priority);
            r.run();
        }
        assertEquals(Arrays.asList(1, 2, 3), order, "ordered as the tasks they carry");
    }

    private static Prioritised unwrap(Runnable r) throws Exception {
        java.lang.reflect.Field task = Class.forName("dev.rasp.bootstrap.ScopedRunnable").getDeclaredField("task");
        task.setAccessible(true);
        return (Prioritised) task.get(r);
    }

    @Test
    void zipEntriesTakenFromAStreamAreCaptured() {
        java.util.function.Consumer<java.util.zip.ZipEntry> app = e -> { };
        assertSame(app, RaspBridge.captureZipEntries(app), "no request: the stream's own consumer");
        RaspBridge.requestEnter("http", "resp");
        RequestScope s = RaspBridge.currentScope();
        List<String> got = new ArrayList<>();
        // what ZipFile's EntrySpliterator.tryAdvance does once its advice replaced the consumer
        java.util.Spliterator<java.util.zip.ZipEntry> entries = Arrays.asList(
                new java.util.zip.ZipEntry("docs/readme.txt"), new java.util.zip.ZipEntry("../../outside/x.txt")).spliterator();
        while (entries.tryAdvance(RaspBridge.captureZipEntries(e -> got.add(e.getName())))) {
            // one entry per call
        }
        assertEquals(Arrays.asList("docs/readme.txt", "../../outside/x.txt"), got, "the application gets every entry");
        assertEquals(Arrays.asList("10:entry=docs/readme.txt", "10:entry=../../outside/x.txt"), taken(s));
    }

    @Test
    void streamingWebSocketPayloadsAreCapturedAsTheHandlerReadsThem() throws Exception {
        Object[] args = {"msg", new java.io.StringReader("first line\n' OR 1=1--"),
            new java.io.ByteArrayInputStream(new byte[] {(byte) 0xff, (byte) 0xfe, 'x'})};
        assertNull(RaspBridge.messageStreams(args), "outside a message: nothing replaced");
        assertTrue(RaspBridge.messageEnter(null, args));
        RequestScope s = RaspBridge.currentScope();
        try {
            Object[] wrapped = RaspBridge.messageStreams(args);
            assertSame("msg", wrapped[0]);
            assertTrue(wrapped[1] != args[1] && wrapped[1] instanceof java.io.Reader);
            assertNull(RaspBridge.messageStreams(wrapped), "wrapped once");
            java.io.BufferedReader r = new java.io.BufferedReader((java.io.Reader) wrapped[1]);
            assertEquals("first line", r.readLine());
            assertEquals("' OR 1=1--", r.readLine());
            assertNull(r.readLine());
            byte[] binary = new byte[8];
            java.io.InputStream in = (java.io.InputStream) wrapped[2];
            while (in.read(binary) >= 0) {
                // drained
            }
            assertEquals(Arrays.asList("9:message=first line", "9:message=' OR 1=1--", "9:message=first line\n' OR 1=1--",
                    "9:message=\uFFFD\uFFFDx"),
                    taken(s), "each line and the whole; bytes that are no UTF-8 as the handler's new String(bytes, UTF_8) has them");
        } finally {
            RaspBridge.messageExit(true);
        }
    }

    @Test
    void aTemplateSourceIsReadWholeAndHandedBackUnchanged_aFailingReaderFailsTheSameWay() throws Exception {
        String source = "Hello ${name}! " + String.join("", Collections.nCopies(3000, "<#if x>y</#if>"));
        RaspBridge.requestEnter("http", "resp");
        java.io.Reader back = (java.io.Reader) RaspBridge.onTemplate(7, new java.io.StringReader(source));
        assertEquals(source, readAll(back));
        assertSame("not a reader", RaspBridge.onTemplate(7, "not a reader"));
        java.io.Reader failing = new java.io.Reader() {
            boolean served;

            @Override
            public int read(char[] buf, int off, int len) throws java.io.IOException {
                if (served) {
                    throw new java.io.IOException("disk gone");
                }
                served = true;
                "abc".getChars(0, 3, buf, off);
                return 3;
            }

            @Override
            public void close() {
            }
        };
        java.io.Reader replay = (java.io.Reader) RaspBridge.onTemplate(8, failing);
        char[] three = new char[3];
        assertEquals(3, replay.read(three));
        assertEquals("abc", new String(three));
        assertThrows(java.io.IOException.class, () -> replay.read(three));
    }

    @Test
    void closingTheTemplateTextReadAheadClosesTheApplicationsReader() throws Exception {
        RaspBridge.requestEnter("http", "resp");
        java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
        java.io.Reader file = new java.io.StringReader("Hello ${name}!") {
            @Override
            public void close() {
                closed.incrementAndGet();
                super.close();
            }
        };
        java.io.Reader back = (java.io.Reader) RaspBridge.onTemplate(7, file);
        assertEquals("Hello ${name}!", readAll(back));
        assertEquals(0, closed.get(), "read whole, not closed: the template engine closes it");
        back.close();
        assertEquals(1, closed.get(), "the engine's close reaches the application's reader");
    }

    @Test
    void aStreamingPayloadReadPastWhatIsKeptMarksTheMessageOverflowed() throws Exception {
        byte[] big = new byte[(1 << 20) + 4096];
        Arrays.fill(big, (byte) 'a');
        Object[] args = {"msg", new java.io.ByteArrayInputStream(big)};
        assertTrue(RaspBridge.messageEnter(null, args));
        RequestScope s = RaspBridge.currentScope();
        try {
            java.io.InputStream in = (java.io.InputStream) RaspBridge.messageStreams(args)[1];
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // drained
            }
            dev.rasp.bootstrap.RequestBody.Snapshot pushed = s.context.takeBodyIfGrown();
            assertNotNull(pushed, "the overflow is pushed");
            assertTrue(pushed.truncated, "the engine is told the message overflowed");
        } finally {
            RaspBridge.messageExit(true);
        }
    }

    @Test
    void aBinaryStreamingPayloadPastWhatIsKeptIsJudgedOnWhatIsKept() throws Exception {
        byte[] big = new byte[(1 << 20) + 4096];
        Arrays.fill(big, (byte) 'a');
        big[10] = (byte) 0xFF; // not UTF-8: binary data, as an HTTP upload
        Object[] args = {"msg", new java.io.ByteArrayInputStream(big)};
        assertTrue(RaspBridge.messageEnter(null, args));
        RequestScope s = RaspBridge.currentScope();
        try {
            java.io.InputStream in = (java.io.InputStream) RaspBridge.messageStreams(args)[1];
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // drained
            }
            assertNull(s.context.takeBodyIfGrown(), "no overflow for binary data past the limit");
            List<String> taken = taken(s);
            assertEquals(1, taken.size(), taken.size() + " captures");
            assertTrue(taken.get(0).startsWith("9:message=aaaaaaaaaa\uFFFDaaa"), "the kept start is input");
        } finally {
            RaspBridge.messageExit(true);
        }
    }

    private static String readAll(java.io.Reader in) throws java.io.IOException {
        StringBuilder out = new StringBuilder();
        char[] buf = new char[1024];
        for (int n = in.read(buf); n != -1; n = in.read(buf)) {
            out.append(buf, 0, n);
        }
        return out.toString();
    }
}
