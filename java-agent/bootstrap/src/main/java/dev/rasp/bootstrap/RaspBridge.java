package dev.rasp.bootstrap;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The static entry points that advice inlined into instrumented classes calls.
 *
 * <p>This class is on the bootstrap class path so that code in any class loader (and in the JDK
 * itself) can link against it. It holds no logic beyond thread-local bookkeeping: the work is
 * done by the core's {@link RaspHooks}, installed once at start. Until then, and whenever the
 * current thread is not serving a request, every method returns at once.
 *
 * <p>Hot path: a sink hit on a thread with no request costs one ThreadLocal read, no JNI call,
 * no allocation and no lock. Only {@link RaspBlockedException} ever leaves a bridge method.
 */
public final class RaspBridge {

    private static volatile RaspHooks hooks;

    // Cleared with set(null), never remove(): a later get() on the thread then finds the
    // (null-valued) entry instead of allocating a new one.
    private static final ThreadLocal<RequestScope> CURRENT = new ThreadLocal<RequestScope>();

    private RaspBridge() {
    }

    /** Installs the core once; later calls are ignored and return false. */
    public static synchronized boolean install(RaspHooks h) {
        if (hooks != null || h == null) {
            return false;
        }
        hooks = h;
        return true;
    }

    public static boolean isInstalled() {
        return hooks != null;
    }

    /** The scope of the request this thread is serving, or null. */
    public static RequestScope currentScope() {
        return CURRENT.get();
    }

    // ------------------------------------------------------------------ SQL sinks

    /**
     * Before a JDBC call that takes SQL text. Throws {@link RaspBlockedException} when the
     * statement must not run.
     */
    public static void onSql(Object connectionOrStatement, boolean isConnection, int api, String sql) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded || scope.unavailable || sql == null) {
            return;
        }
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkSql(scope, connectionOrStatement, isConnection, api, sql);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    // ------------------------------------------------------------------ process and file sinks
    //
    // Inlined into JDK classes (java.lang.ProcessImpl, java.io.File, FileInputStream, the
    // java.nio file system providers) that run all the time: class loading, logging, the JVM's
    // own start and shutdown. Outside a request the file hooks cost one ThreadLocal read. Inside
    // one, as for SQL, the scope is guarded for the whole check, so whatever the check itself
    // causes (the driver's metadata queries, the core loading a class from its jar, writing the
    // 403) is never checked in turn.

    /** Before a process starts (java.lang.ProcessImpl.start). */
    public static void onCommand(int api, String[] argv, Map<String, String> environment) {
        RequestScope scope = CURRENT.get();
        RaspHooks h = hooks;
        if (h == null || argv == null) {
            return;
        }
        if (scope == null) {
            // Launching a process costs milliseconds; the policy check outside requests is cheap
            // next to it, and the agent itself never launches processes, so no guard is needed.
            try {
                h.checkCommandOutsideRequest(api, argv, environment);
            } catch (RaspBlockedException e) {
                throw e;
            } catch (Throwable t) {
                internalError(h, t);
            }
            return;
        }
        if (scope.guarded || scope.unavailable) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkCommand(scope, api, argv, environment);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    /** Before a file access whose PathOp is fixed by the API. {@code path}: File, Path or String. */
    public static void onPath(int api, int op, Object path) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded || scope.unavailable || path == null) {
            return;
        }
        checkPath(scope, api, op, path, null);
    }

    /**
     * Before opening a file whose PathOp depends on how it is opened: {@code options} is the
     * RandomAccessFile mode or the Set of OpenOptions.
     */
    public static void onPathOpen(int api, Object path, Object options) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded || scope.unavailable || path == null) {
            return;
        }
        checkPath(scope, api, RaspHooks.OP_FROM_OPTIONS, path, options);
    }

    /** Before an access to two paths (copy, move, rename): the source, then the target. */
    public static void onPathPair(int api, int sourceOp, Object source, int targetOp, Object target) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded || scope.unavailable) {
            return;
        }
        if (source != null) {
            checkPath(scope, api, sourceOp, source, null);
        }
        if (target != null) {
            checkPath(scope, api, targetOp, target, null);
        }
    }

    private static void checkPath(RequestScope scope, int api, int op, Object path, Object options) {
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkPath(scope, api, op, path, options);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    // ------------------------------------------------------------------ request lifecycle

    /**
     * Entry of Filter.doFilter / Servlet.service. Returns true when this call was counted (the
     * matching {@link #requestExit} must then be called with true).
     */
    public static boolean requestEnter(Object request, Object response) {
        RaspHooks h = hooks;
        if (h == null) {
            return false;
        }
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            scope.depth++;
            return true;
        }
        try {
            scope = h.openRequest(request, response);
        } catch (Throwable t) {
            internalError(h, t);
            return false;
        }
        if (scope == null) {
            return false;
        }
        scope.depth = 1;
        CURRENT.set(scope);
        return true;
    }

    /**
     * Exit of Filter.doFilter / Servlet.service, normal or exceptional. The outermost exit
     * closes the request. Returns the throwable the method must finish with (null: return normally).
     */
    public static Throwable requestExit(boolean entered, Throwable thrown) {
        if (!entered) {
            return thrown;
        }
        RequestScope scope = CURRENT.get();
        if (scope == null) {
            return thrown;
        }
        if (--scope.depth > 0) {
            return thrown;
        }
        CURRENT.set(null);
        RaspHooks h = hooks;
        if (h == null) {
            return thrown;
        }
        try {
            return h.closeRequest(scope, thrown);
        } catch (Throwable t) {
            internalError(h, t);
            return thrown;
        }
    }

    // ------------------------------------------------------------------ request body
    //
    // Enter advice of a read method calls bodyReadEnter(); exit advice passes what it returned
    // (the nesting level) with the data actually read. Only the outermost read records, so a
    // wrapper stream delegating to the container's stream, or ServletInputStream.readLine
    // calling read(), is counted once.

    /** Returns -1 when this thread's request does not capture its body, else the nesting level. */
    public static int bodyReadEnter() {
        RequestScope scope = CURRENT.get();
        if (scope == null || !scope.capturesBody()) {
            return -1;
        }
        return scope.bodyReadDepth++;
    }

    private static RequestScope bodyReadExit(int level) {
        if (level < 0) {
            return null;
        }
        RequestScope scope = CURRENT.get();
        if (scope == null) {
            return null;
        }
        scope.bodyReadDepth = level;
        return level == 0 ? scope : null;
    }

    /** read(byte[], int, int), readLine(byte[], int, int): {@code n} bytes at {@code off}. */
    public static void onBodyBytes(int level, byte[] b, int off, int n) {
        RequestScope scope = bodyReadExit(level);
        if (scope != null && b != null && n > 0) {
            try {
                scope.appendBody(b, off, n);
            } catch (Throwable t) {
                internalError(hooks, t);
            }
        }
    }

    /** read(): the byte, or -1 at the end. */
    public static void onBodyByte(int level, int value) {
        RequestScope scope = bodyReadExit(level);
        if (scope != null && value >= 0) {
            scope.appendBodyByte(value);
        }
    }

    /** read(ByteBuffer): the {@code n} bytes just before the buffer's position. */
    public static void onBodyBuffer(int level, ByteBuffer buffer, int n) {
        RequestScope scope = bodyReadExit(level);
        if (scope != null && buffer != null && n > 0) {
            try {
                ByteBuffer view = buffer.duplicate();
                int end = view.position();
                int start = Math.max(0, end - n);
                byte[] copy = new byte[end - start];
                view.position(start);
                view.get(copy);
                scope.appendBody(copy, 0, copy.length);
            } catch (Throwable t) {
                internalError(hooks, t);
            }
        }
    }

    /** Reader.read(char[], int, int): {@code n} chars at {@code off}, kept as UTF-8. */
    public static void onBodyChars(int level, char[] c, int off, int n) {
        RequestScope scope = bodyReadExit(level);
        if (scope != null && c != null && n > 0) {
            try {
                scope.appendBodyChars(c, off, n);
            } catch (Throwable t) {
                internalError(hooks, t);
            }
        }
    }

    /** Reader.read(): the char, or -1 at the end. */
    public static void onBodyChar(int level, int value) {
        RequestScope scope = bodyReadExit(level);
        if (scope != null && value >= 0) {
            scope.appendBodyChar((char) value);
        }
    }

    /** BufferedReader.readLine(): the line without its terminator (kept as one '\n'). */
    public static void onBodyLine(int level, String line) {
        RequestScope scope = bodyReadExit(level);
        if (scope != null && line != null) {
            scope.appendBodyString(line);
            scope.appendBodyChar('\n');
        }
    }

    private static void internalError(RaspHooks h, Throwable t) {
        if (h != null) {
            try {
                h.internalError(t);
            } catch (Throwable ignored) {
                // the failure counter itself failed: nothing sensible left to do
            }
        }
    }
}
