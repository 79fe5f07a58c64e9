package dev.rasp.bootstrap;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP request as the agent tracks it, shared by every thread that works for it: the thread
 * serving it, and the executor tasks, threads and async tasks it handed work to (each binds it
 * with its own {@link RequestScope}).
 *
 * <p>It owns the request's native context, which lives while anything holds this object: the
 * serving thread holds one reference from its outermost servlet entry to that entry's exit, and
 * every captured task holds one until it has run (or was abandoned, see {@link HandOff}). The
 * last {@link #release()} closes the native context.
 *
 * <p>State that several threads may touch is guarded by this object's monitor. Only threads of
 * the same request can meet there, and each holds it for a field update or a buffer copy.
 * Fields are public because the core reads them from another class loader.
 */
public final class RequestContext {

    /** The outermost request and response objects (the container's, never an application wrapper). */
    public final Object request;
    public final Object response;

    /**
     * Native context handle. 0 until the request's first sink check opens it (on whichever
     * thread that happens): a request that never reaches a sink costs no native call.
     * Written under this object's monitor.
     */
    public volatile long handle;
    /** The request's Content-Type as read at its start (null: none); sent again when the native context opens. */
    public final String contentType;
    /**
     * The raw query string the native context was opened with (null: none, or not opened yet):
     * a captured value the engine's own parse of it already holds need not be pushed again.
     * Guarded by this.
     */
    public String openedQuery;

    /** Opening the native context was tried and failed: the request runs unprotected. */
    public volatile boolean unavailable;

    /** References: the serving thread's, and one per captured task not yet finished. */
    private final AtomicInteger refs = new AtomicInteger(1);

    /** The serving thread is still inside the request (its outermost servlet entry has not returned). Guarded by this. */
    private boolean servletActive = true;
    /**
     * The AsyncContext of the request when its serving thread left with the request in async
     * mode (Servlet 3 startAsync), else null. Guarded by this.
     */
    private Object asyncContext;
    /**
     * A task of a request in async mode took the 403 on itself while the serving thread was still
     * inside (see {@link #blockFromTask}): the serving thread's exit must not write it too. Guarded by this.
     */
    private boolean answeredByTask;

    /** A sink of this request was blocked; the body is the 403 answer, written at the serving thread's exit if needed. */
    public volatile boolean blocked;
    public volatile byte[] blockResponseBody;

    /**
     * Bumped each time new input reaches the native context (the body arrived, captured values were
     * pushed): an earlier "allow" of a thread's dedupe cache proves nothing once it changed.
     */
    public volatile int inputsVersion;

    private final RequestBody body;
    private final CapturedInputs captured;
    /** Paths the application normalised (created on the first one). Guarded by this. */
    private NormalizedPaths normalized;
    /** Destinations request input chose: host to the URL it started from (see rememberChosen). */
    private java.util.Map<String, String> chosen;
    /** Something was normalised: file checks look the path up (a hint, read without the lock). */
    private volatile boolean anyNormalized;
    /** Something was captured, or body bytes read, since the last take (read without the lock, as a hint). */
    private volatile boolean capturedPending;
    private volatile boolean bodyPending;
    /**
     * The body is content-coded (gzip, ...): what the agent keeps of it is not the document an XML
     * parse reads after the application decoded it. Null until the first body read asks
     * ({@link RaspHooks#bodyEncoded}): a request that never reads its body never asks.
     */
    public Boolean bodyEncoded;

    /**
     * @param bodyLimit bytes of body to keep; 0 when the body is not captured (content type the
     *                  engine does not parse).
     * @param capturedLimitChars chars of captured values kept before the request counts as overflowed.
     * @param contentType   the request's Content-Type: the contents of a multipart body's file parts are not kept.
     */
    public RequestContext(Object request, Object response, int bodyLimit, long capturedLimitChars, String contentType) {
        this.request = request;
        this.response = response;
        this.contentType = contentType;
        this.body = new RequestBody(bodyLimit, contentType);
        this.captured = new CapturedInputs(capturedLimitChars);
    }

    /** As above, with the engine's default budget for captured values (16 MiB). */
    public RequestContext(Object request, Object response, int bodyLimit) {
        this(request, response, bodyLimit, 16L << 20, null);
    }

    // ------------------------------------------------------------------ references

    /** Takes a reference for a task; false when the request is already over (nothing to carry). */
    public boolean retain() {
        for (;;) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the native context. */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            RaspBridge.contextReleased(this);
        }
    }

    /** References held now (tests and diagnostics). */
    public int references() {
        return refs.get();
    }

    // ------------------------------------------------------------------ the serving thread's lifecycle

    /**
     * The serving thread leaves the request. Returns whether a sink was blocked by then and the
     * 403 is this exit's to write (not a task's that answered itself), read under the same
     * monitor as {@link #blockFromTask}, so a task's block is either seen here or told that the
     * serving thread is gone.
     */
    public synchronized boolean servingThreadLeft(Object asyncContextOrNull) {
        servletActive = false;
        asyncContext = asyncContextOrNull;
        return blocked && !answeredByTask;
    }

    /** Where the 403 of a block goes. */
    public static final int RESPONSE_SENT = 0;
    public static final int RESPONSE_DEFERRED = 1;
    public static final int RESPONSE_NONE = 2;

    /**
     * A sink was blocked on a thread other than the serving one. Marks the request blocked and
     * says who answers: {@link #RESPONSE_DEFERRED} while the serving thread is inside a request
     * not in async mode (its exit writes the 403); otherwise {@link #RESPONSE_NONE}: the caller
     * answers through the request's AsyncContext when there is one, else no 403 can be sent any
     * more.
     *
     * <p>{@code asyncStarted}: the application put the request in async mode (startAsync), read
     * by the caller under this monitor while the serving thread is inside. Such a request's
     * answer belongs to its tasks: the block exception goes on into the application's error
     * handling, which may write and flush its own answer, and then to the container, which may
     * set its own status (Tomcat's AsyncContext.start wrapper sets 500 for an exception that
     * leaves the runnable), while the serving thread is still on its way out. Two threads writing
     * one response race (a 500 status over our 403 body was seen), so the task writes the 403
     * before the block exception leaves the sink, and the serving thread's exit leaves the
     * response alone.
     */
    public synchronized int blockFromTask(byte[] responseBody, boolean asyncStarted) {
        blocked = true;
        if (blockResponseBody == null) {
            blockResponseBody = responseBody;
        }
        if (!servletActive) {
            return RESPONSE_NONE;
        }
        if (!asyncStarted) {
            return RESPONSE_DEFERRED;
        }
        answeredByTask = true;
        return RESPONSE_NONE;
    }

    /** Whether the serving thread is still inside the request. */
    public synchronized boolean servingThreadActive() {
        return servletActive;
    }

    /** The request's AsyncContext when it left its serving thread in async mode, else null. */
    public synchronized Object asyncContext() {
        return asyncContext;
    }

    // ------------------------------------------------------------------ values captured where the application read them

    /** A value the application read from {@code source} (an InputSources code), pushed before the next check. */
    public synchronized void capture(int source, String name, String value) {
        captured.add(source, name, value);
        capturedPending = true;
    }

    /**
     * Whether anything was captured or read from the body since the inputs were last taken: a
     * check with nothing new takes no lock (a hint, read without one).
     */
    public boolean inputsPending() {
        return capturedPending || bodyPending;
    }

    /**
     * The values captured since the last take, or null. When the captured values passed their
     * budget, the body is marked truncated, so its next push tells the engine the request overflowed.
     */
    public synchronized CapturedInputs.Batch takeCaptured() {
        capturedPending = false;
        if (captured.overflowed()) {
            body.markTruncated();
            bodyPending = true;
        }
        return captured.take();
    }

    /**
     * Input the application read was not kept (past a limit of what is kept of it): the next push
     * tells the engine the request overflowed, as a body past its limit does, so its checks get the
     * configured overflow verdict instead of passing on what was kept.
     */
    public void inputDropped() {
        if (inputDropped) {
            return; // once is enough: a stream read past its limit calls this at every read
        }
        synchronized (this) {
            inputDropped = true;
            body.markTruncated();
            bodyPending = true;
        }
    }

    private volatile boolean inputDropped;

    // ------------------------------------------------------------------ paths the application normalised

    /** The application normalised {@code written} into {@code result} (they differ). */
    public synchronized void rememberNormalized(String result, String written) {
        if (normalized == null) {
            normalized = new NormalizedPaths();
        }
        normalized.remember(result, written);
        anyNormalized = true;
    }

    /**
     * The path as the application wrote it before normalising, when {@code path} is (or contains,
     * as whole segments) a path it normalised in this request; else null. No lock when nothing was.
     */
    public String writtenFormOf(String path) {
        if (!anyNormalized) {
            return null;
        }
        synchronized (this) {
            return normalized == null ? null : normalized.writtenFormOf(path);
        }
    }

    // ------------------------------------------------------------------ destinations request input chose

    /**
     * Request input chose the destination {@code host} (lower-case), starting from the URL
     * {@code origin}: connections to it that follow (a redirect hop's connect) are judged as
     * chosen by the same input. The last 16 are kept.
     */
    public synchronized void rememberChosen(String host, String origin) {
        if (chosen == null) {
            chosen = new java.util.LinkedHashMap<String, String>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, String> eldest) {
                    return size() > 16;
                }
            };
        }
        if (!chosen.containsKey(host)) {
            chosen.put(host, origin);
        }
    }

    /** The URL input chose that connections to {@code host} follow from, or null. */
    public synchronized String chosenOrigin(String host) {
        return chosen == null ? null : chosen.get(host);
    }

    // ------------------------------------------------------------------ body, as the application reads it

    public boolean capturesBody() {
        return body.captures();
    }

    /** True when the body grew (or overflowed) since the last push; then marks it pushed and copies it out. */
    public synchronized RequestBody.Snapshot takeBodyIfGrown() {
        bodyPending = false;
        return body.takeIfGrown();
    }

    synchronized void appendBody(byte[] b, int off, int len) {
        bodyPending = true;
        body.append(b, off, len);
    }

    synchronized void appendBodyByte(int value) {
        bodyPending = true;
        body.appendByte(value);
    }

    synchronized void appendBodyChars(char[] c, int off, int len) {
        bodyPending = true;
        body.appendChars(c, off, len);
    }

    synchronized void appendBodyLine(String line) {
        bodyPending = true;
        body.appendString(line);
        body.appendChar('\n');
    }

    synchronized void appendBodyChar(char ch) {
        bodyPending = true;
        body.appendChar(ch);
    }
}
