package dev.rasp.core;

import dev.rasp.bootstrap.RaspBlockedException;
import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.bootstrap.RequestScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
            checked.add(api + ":" + sql);
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
        assertEquals(Arrays.asList("1:select 1"), hooks.checked);
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
