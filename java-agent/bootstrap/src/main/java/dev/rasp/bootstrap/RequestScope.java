package dev.rasp.bootstrap;

/**
 * One thread's binding to a {@link RequestContext}: the serving thread's, from its outermost
 * servlet entry to that entry's exit, or a task's, while a task the request handed off runs.
 * Kept in {@link RaspBridge}'s ThreadLocal; bindings nest (a task run inline by the serving
 * thread, a request served on a thread that runs a task) and the previous one is restored at
 * the end.
 *
 * <p>Confined to its thread, so nothing here is synchronized or volatile. Fields are public
 * because the core reads them from another class loader.
 */
public final class RequestScope {

    /** How work reached this thread; the names are the events' {@code handoff.via}. */
    public static final String VIA_EXECUTOR = "executor";
    public static final String VIA_THREAD = "thread";
    public static final String VIA_ASYNC_CONTEXT = "async-context";
    public static final String VIA_FORK_JOIN = "fork-join";
    /** A java.util.Timer's thread running a TimerTask scheduled once while serving. */
    public static final String VIA_TIMER = "timer";
    /** An HTTP client's own thread working for an exchange the request started (Reactor Netty's event loop). */
    public static final String VIA_CLIENT = "client";

    public final RequestContext context;
    /** The binding this one hides, restored when it ends (null: none). */
    final RequestScope previous;
    /**
     * Null on the thread serving the request; else how the request's work reached this thread
     * (one of the VIA_* names).
     */
    public final String handoff;

    /** Servlet entries (filters, servlets, forwards, includes) open in this binding; 0 for a task's. */
    int servletDepth;
    /** Executor methods open on this thread: a task they hand on, or a thread they start, is theirs to carry. */
    int handOffDepth;
    /** Nesting of instrumented body read methods (a wrapper's read calls the container's read). */
    int bodyReadDepth;

    /** The JSON field name this thread's parser returned last: the name of the values that follow. */
    String jsonName;
    /**
     * XML text this thread's parser handed out in pieces since the last element boundary (SAX
     * characters, StAX getText split at character references); kept whole as one input too.
     */
    StringBuilder xmlText;
    int xmlPieces;
    /** The elements this thread's SAX or StAX parser is inside, outermost first: names XML inputs {@code a/b}, {@code a/b/@c}. */
    java.util.ArrayList<String> xmlElements;

    /** The XML entity manager (one per parser) whose entity expansions {@link #xmlExpansions} counts. */
    Object xmlParser;
    /** Entity references the current parse of {@link #xmlParser} expanded on this thread. */
    int xmlExpansions;
    /** Characters of internal entities' replacement text the current parse expanded. */
    long xmlExpandedChars;
    /** Reads of a request body the agent does not keep (its content type is not parsed), on this thread. */
    int uncapturedBodyReads;
    /** {@link #uncapturedBodyReads} when the current XML parse started. */
    int uncapturedBodyReadsAtXmlStart;
    /** The stream of an uploaded file (a multipart file part) this thread last opened: its content is not kept. */
    Object uploadStream;
    /** The current XML parse reads {@link #uploadStream}: its document is the request's, unseen. */
    boolean xmlFromUpload;

    /**
     * File.mkdirs calls open on this thread: the existence checks the JDK makes inside it are its
     * own bookkeeping, not the application asking (mkdirs is judged where it creates, at mkdir).
     */
    public int fileInternalsDepth;

    /**
     * Set while the agent itself runs inside this request (JDBC metadata look-ups, writing the
     * 403): sink hooks return at once so the agent never checks its own calls.
     */
    public boolean guarded;

    /**
     * This task wrote the 403 of a block on its request's response, the request in async mode:
     * the AsyncContext to complete when the task ends, unless the application (typically in a
     * finally of the same task) or its framework completed or dispatched it by then. Completing
     * it at the block would make the application's own complete() fail.
     */
    public Object asyncToComplete;

    /**
     * The last SQL string instance that was checked and let through on this thread, with its
     * dialect and the context's {@link RequestContext#inputsVersion} then. Pool wrappers delegate
     * to the driver with the same String instance, so the inner call is answered by an identity
     * comparison instead of a second native check. Blocked statements are never remembered.
     */
    public String lastAllowedSql;
    public int lastAllowedDialect = -1;
    public int lastAllowedSqlVersion;

    /**
     * A native ORM query (createNativeQuery) that was just monitored: the JDBC statement the ORM
     * then prepares carries the same text and the same finding, which is not reported twice.
     * Compared by equality (the ORM copies the text while parsing its parameters).
     */
    public String lastMonitoredQuery;
    public int lastMonitoredQueryVersion;

    /**
     * The same for file paths: the last path string instance (File.getPath(), Path.toString(),
     * both cached by the JDK) that was let through, with its PathOp. Catches a JDK method that
     * delegates to another hooked one with the same path (File.listFiles calling list on JDK 8).
     */
    public String lastAllowedPath;
    public int lastAllowedPathOp = -1;
    public int lastAllowedPathVersion;

    RequestScope(RequestContext context, RequestScope previous, String handoff) {
        this.context = context;
        this.previous = previous;
        this.handoff = handoff;
    }

    /** Servlet entries open in this binding (tests, diagnostics). */
    public int servletDepth() {
        return servletDepth;
    }

    /** True on the thread that serves the request (not a task it handed work to). */
    public boolean servingThread() {
        return handoff == null;
    }
}
