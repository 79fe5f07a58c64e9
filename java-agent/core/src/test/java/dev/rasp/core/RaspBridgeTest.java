package dev.rasp.core;

import dev.rasp.bootstrap.RaspBlockedException;
import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
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
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bootstrap bridge's bookkeeping, with a fake core behind it. */
class RaspBridgeTest {

    static final class FakeHooks implements RaspHooks {
        int bodyLimit = 16;
        int opened;
        final List<RequestScope> closed = new ArrayList<>();
        final List<String> checked = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();
        RuntimeException throwOnCheck;

        @Override
        public RequestScope openRequest(Object request, Object response) {
            opened++;
            return "http".equals(request) ? new RequestScope(7L, request, response, bodyLimit) : null;
        }

        @Override
        public Throwable closeRequest(RequestScope scope, Throwable thrown) {
            closed.add(scope);
            return thrown instanceof RaspBlockedException ? null : thrown;
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
        public void internalError(Throwable t) {
            errors.add(t);
        }
    }

    static final FakeHooks hooks = new FakeHooks();

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
    }

    @Test
    void sqlOutsideARequestNeverReachesTheCore() {
        RaspBridge.onSql(new Object(), false, 1, "select 1");
        assertTrue(hooks.checked.isEmpty());
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
        assertEquals(3, scope.depth);
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
        assertEquals(1, scope.depth);
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

    private static byte[] body(RequestScope s) {
        return Arrays.copyOf(s.bodyBuffer(), s.bodyLength());
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
        assertTrue(s.bodyChangedSincePush());
        s.markBodyPushed();
        assertFalse(s.bodyChangedSincePush());
    }

    @Test
    void bodyIsCutAtTheLimitAndMarkedTruncated() {
        hooks.bodyLimit = 5;
        RaspBridge.requestEnter("http", "resp");
        RequestScope s = RaspBridge.currentScope();
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        RaspBridge.onBodyBytes(RaspBridge.bodyReadEnter(), data, 0, 3);
        assertFalse(s.bodyTruncated());
        RaspBridge.onBodyBytes(RaspBridge.bodyReadEnter(), data, 3, 7);
        assertArrayEquals("01234".getBytes(StandardCharsets.US_ASCII), body(s));
        assertTrue(s.bodyTruncated());
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
        assertEquals(0, RaspBridge.currentScope().bodyLength());
    }
}
