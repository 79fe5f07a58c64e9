package dev.rasp.core;

import dev.rasp.bootstrap.CapturedInputs;
import dev.rasp.bootstrap.InputSources;
import dev.rasp.bootstrap.RaspBlockedException;
import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.bootstrap.RaspTelemetry;
import dev.rasp.bootstrap.RequestBody;
import dev.rasp.bootstrap.RequestContext;
import dev.rasp.bootstrap.RequestScope;
import dev.rasp.core.block.BlockResponder;
import dev.rasp.core.config.AgentConfig;
import dev.rasp.core.engine.CapturedValues;
import dev.rasp.core.engine.Engine;
import dev.rasp.core.engine.EngineEvent;
import dev.rasp.core.engine.InputRecordEncoder;
import dev.rasp.core.engine.RequestEncoder;
import dev.rasp.core.engine.Verdict;
import dev.rasp.core.instrumentation.expr.ExprApi;
import dev.rasp.core.instrumentation.file.PathOp;
import dev.rasp.core.instrumentation.jndi.JndiApi;
import dev.rasp.core.instrumentation.jndi.JndiNames;
import dev.rasp.core.instrumentation.jdbc.DialectResolver;
import dev.rasp.core.instrumentation.net.Connections;
import dev.rasp.core.instrumentation.net.UrlApi;
import dev.rasp.core.instrumentation.orm.OrmApis;
import dev.rasp.core.instrumentation.orm.OrmMethod;
import dev.rasp.core.instrumentation.deser.StreamClasses;
import dev.rasp.core.instrumentation.process.CommandEncoding;
import dev.rasp.core.instrumentation.servlet.HttpRequestAccess;
import dev.rasp.core.instrumentation.sources.SourceObjects;
import dev.rasp.core.instrumentation.websocket.WebSocketMessage;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

/**
 * What the bridge calls: opens and closes request contexts, runs sink checks and acts on the
 * verdicts. Checks run on the thread serving the request or on a thread its work was handed to
 * (an executor task, a thread it started, an async task); the only monitor taken is the
 * request's own {@link RequestContext}, which only threads of the same request can meet on.
 *
 * <p>The bridge calls the sink checks with {@code scope.guarded} set: whatever they cause (the
 * driver's own SQL in getMetaData, class loading from the core's jar, writing the 403) reaches
 * the sink hooks, which must ignore it.
 */
public final class RaspRuntime implements RaspHooks {

    /** The 403 of a check that failed inside the agent under on_internal_error=closed (no event exists). */
    static final String INTERNAL_CATEGORY = "internal";
    static final String INTERNAL_RULE = "agent.internal_error";
    /** The category of a verdict whose event the engine could not hand back, by RaspTelemetry.SINK_* kind. */
    private static final String[] SINK_CATEGORY = {"sqli", "cmdi", "path", "ssrf", "expr", "jndi", "deser", "xxe"};

    /** Captured values may take this many times max_input_bytes, like the engine's budget for them. */
    private static final int CAPTURED_BUDGET = 16;

    private final int bodyLimit;
    /**
     * One request encoder per thread, reused: openContext copies the bytes before it returns, and
     * opening never nests on a thread (the scope is guarded while a check runs).
     */
    private static final ThreadLocal<RequestEncoder> ENCODER = ThreadLocal.withInitial(RequestEncoder::new);
    private static final int ENCODER_KEPT_BYTES = 16 << 10;
    private final boolean failClosed;
    private final DialectResolver dialects = new DialectResolver();
    private final InternalErrors errors;
    /**
     * The name object InitialContext's hook judged last on this thread: the URL context it then
     * hands the same name to does not judge it again (see jndiText).
     */
    private final ThreadLocal<Object> jndiJudged = new ThreadLocal<>();
    private final int maxEntityExpansions;
    private final long maxEntityChars;
    /** Set once when the native library lacks checkCommand/checkPath (an older build). */
    private volatile boolean sinkNativesMissing;

    public RaspRuntime(AgentConfig config, InternalErrors errors) {
        this.bodyLimit = config.maxInputBytes();
        // Monitor mode promises that sinks run; failing closed only makes sense when blocking.
        this.failClosed = config.onInternalError() == AgentConfig.FailureMode.CLOSED
                && config.mode() == AgentConfig.Mode.BLOCK;
        this.errors = errors;
        this.maxEntityExpansions = config.xxeMaxEntityExpansions();
        this.maxEntityChars = config.xxeMaxEntityChars();
    }

    @Override
    public int maxEntityExpansions() {
        return maxEntityExpansions;
    }

    @Override
    public long maxEntityChars() {
        return maxEntityChars;
    }

    // ------------------------------------------------------------------ request lifecycle

    @Override
    public RequestContext openRequest(Object request, Object response) {
        if (!LoadedClassPass.over()) {
            LoadedClassPass.awaitBeforeRequest(errors); // the first requests only: the JDK sinks are hooked first
        }
        HttpRequestAccess http = HttpRequestAccess.of(request);
        if (http == null) {
            return null;
        }
        String contentType;
        try {
            contentType = http.contentType(request);
        } catch (Throwable t) {
            errors.record("request start", t);
            return null;
        }
        // The native context is opened at the first sink check (see open); the body is captured
        // from the start, since the application may read it before any sink. Every body is kept,
        // whatever its type: the type is the client's word, and an application reading the body as
        // a string (@RequestBody String takes every type) reads an octet-stream body as well.
        // Nothing else is read here: a request that reaches no sink pays for one reflective call
        // (the Content-Encoding is asked at the first body read: bodyEncoded).
        return new RequestContext(request, response, bodyLimit, CAPTURED_BUDGET * (long) bodyLimit, contentType);
    }

    @Override
    public boolean bodyEncoded(RequestContext context) {
        HttpRequestAccess http = HttpRequestAccess.of(context.request);
        try {
            return http != null && http.bodyEncoded(context.request);
        } catch (Throwable t) {
            errors.record("request body", t); // taken as plain: the body's reads are kept as they come
            return false;
        }
    }

    /**
     * Opens the request's native context on its first sink check, on whichever thread that is:
     * encodes the request line and headers once and hands them to the engine. False when the
     * request runs unprotected (the engine's table is full, or the request could not be read),
     * which is counted.
     */
    private boolean open(RequestContext context) {
        if (context.handle != 0L) {
            return true;
        }
        synchronized (context) {
            if (context.handle != 0L) {
                return true;
            }
            if (context.unavailable) {
                return false;
            }
            try {
                if (context.request instanceof WebSocketMessage) {
                    WebSocketMessage message = (WebSocketMessage) context.request;
                    RequestEncoder encoded = message.encode();
                    context.handle = Engine.openContext(encoded.buffer(), encoded.length());
                    for (String payload : message.payloads()) {
                        context.capture(InputSources.WEBSOCKET, "message", payload);
                    }
                } else {
                    HttpRequestAccess http = HttpRequestAccess.of(context.request);
                    RequestEncoder encoded = ENCODER.get();
                    String query = http.encode(context.request, context.contentType, encoded);
                    context.handle = Engine.openContext(encoded.buffer(), encoded.length());
                    context.openedQuery = query;
                    if (encoded.buffer().length > ENCODER_KEPT_BYTES) {
                        ENCODER.remove(); // a rare huge request does not keep its buffer on the thread
                    }
                }
            } catch (Throwable t) {
                errors.record("request start", t);
            }
            if (context.handle == 0L) {
                context.unavailable = true;
                errors.contextUnavailable();
                return false;
            }
            return true;
        }
    }

    @Override
    public Throwable closeRequest(RequestScope scope, Throwable thrown) {
        RequestContext context = scope.context;
        boolean blocked = false;
        scope.guarded = true;
        try {
            Object async = null;
            try {
                HttpRequestAccess http = HttpRequestAccess.of(context.request);
                async = http == null ? null : http.asyncContextIfStarted(context.request);
            } catch (Throwable t) {
                errors.record("request end", t);
            }
            blocked = context.servingThreadLeft(async);
            byte[] body = context.blockResponseBody;
            RaspBlockedException cause = RaspBlockedException.in(thrown);
            if (!blocked && cause != null) {
                // A block in another context of this request reached this exit: a task's block
                // rethrown by the framework in the async dispatch (Spring MVC's Callable,
                // DeferredResult, ...). The client should still get the 403.
                blocked = true;
                body = BlockResponder.body(cause.getCategory(), cause.getRuleId(), cause.getEventId());
            }
            if (blocked && body != null && !BlockResponder.isCommitted(context.response)) {
                // a task's block, or the application (or an error page) reopened the answer after ours
                BlockResponder.write(context.response, body);
                if (async != null) {
                    BlockResponder.completeAsync(async);
                }
            }
        } catch (Throwable t) {
            errors.record("request end", t);
        } finally {
            context.release();
        }
        // The 403 is out and closed. What escapes now is our block exception, or the application
        // tripping over the closed response while it tries to answer itself (getWriter() after our
        // getOutputStream(), ...). Letting it through only makes the container log an error per
        // attack; Errors (OutOfMemoryError, ...) still propagate.
        return blocked && (thrown instanceof Exception || causedByBlock(thrown)) ? null : thrown;
    }

    @Override
    public void captureObject(RequestScope scope, int kind, Object source, Object value) {
        SourceObjects.capture(scope, kind, source, value);
    }

    @Override
    public void prepareHandOff(RequestContext context) {
        open(context);
    }

    @Override
    public void taskAnsweredBlockEnded(Object asyncContext) {
        try {
            BlockResponder.completeAsync(asyncContext);
        } catch (Throwable t) {
            errors.record("ending a blocked async request", t);
        }
    }

    @Override
    public RequestContext openMessage(Object handler, Object[] handlerArgs) {
        if (!LoadedClassPass.over()) {
            LoadedClassPass.awaitBeforeRequest(errors);
        }
        WebSocketMessage message = new WebSocketMessage();
        message.add(handler, handlerArgs, null);
        if (message.payloads().isEmpty() && !WebSocketMessage.streams(handlerArgs)) {
            return null; // a pong, a decoded object: nothing this layer can judge (its decoder's parser was hooked)
        }
        return new RequestContext(message, null, 0, CAPTURED_BUDGET * (long) bodyLimit, null);
    }

    @Override
    public void addToMessage(RequestContext context, Object handler, Object[] handlerArgs) {
        if (context.request instanceof WebSocketMessage) {
            ((WebSocketMessage) context.request).add(handler, handlerArgs, context.handle != 0L ? context : null);
        }
    }

    @Override
    public void webSocketEvent(int kind, Object self, Object[] args) {
        switch (kind) {
            case WS_HANDLER_ADDED:
                WebSocketMessage.handlerAdded(self, args);
                return;
            case WS_HANDSHAKE:
                WebSocketMessage.handshake(args);
                return;
            case WS_OPENED:
                WebSocketMessage.opened(args);
                return;
            case WS_JETTY_OPENED:
                WebSocketMessage.jettyOpened(self);
                return;
            case WS_SESSION_CREATED:
                WebSocketMessage.sessionCreated(self);
                return;
            default:
        }
    }

    @Override
    public void closeMessage(RequestScope scope) {
        scope.context.servingThreadLeft(null);
        scope.context.release();
    }

    @Override
    public void releaseContext(RequestContext context) {
        if (context.handle != 0L) {
            Engine.closeContext(context.handle);
        }
    }

    static boolean causedByBlock(Throwable thrown) {
        return RaspBlockedException.in(thrown) != null;
    }

    // ------------------------------------------------------------------ sinks

    @Override
    public void checkSql(RequestScope scope, Object target, boolean isConnection, int api, String sql) {
        // The instrumentation also matches look-alike classes (see JdbcInstrumentation).
        if (isConnection ? !(target instanceof Connection) : !(target instanceof Statement)) {
            return;
        }
        try {
            RequestContext context = scope.context;
            if (!open(context)) {
                return;
            }
            int dialect = dialects.dialectOf(target, isConnection);
            pushInputs(context);
            int version = context.inputsVersion;
            if (sql == scope.lastAllowedSql && dialect == scope.lastAllowedDialect && version == scope.lastAllowedSqlVersion) {
                return; // the same String instance passed a wrapper's check a moment ago
            }
            String monitored = scope.lastMonitoredQuery;
            if (monitored != null && version == scope.lastMonitoredQueryVersion && monitored.equals(sql)) {
                return; // the native ORM query just reported with this text (see checkQuery)
            }
            Judgement judgement;
            synchronized (context) { // see judge: a request's checks and their events are taken in turn
                long start = System.nanoTime();
                int verdict = Engine.checkSql(context.handle, dialect, api, sql);
                RaspTelemetry.checked(RaspTelemetry.SINK_SQL, System.nanoTime() - start);
                judgement = judge(scope, verdict, RaspTelemetry.SINK_SQL);
            }
            if (act(scope, judgement, RaspTelemetry.SINK_SQL, sql)) {
                scope.lastAllowedSql = sql;
                scope.lastAllowedDialect = dialect;
                scope.lastAllowedSqlVersion = version;
            }
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            failed(scope, "SQL check", t);
        }
    }

    /**
     * An ORM query (JPQL/HQL, or a native query) before the provider parses it. The SqlApi code
     * names the query's language for the engine; the dialect matters for native queries only.
     * A delegating layer passing the same String on (Hibernate's SessionDelegatorBaseImpl,
     * createQuery(String) calling createQuery(String, Class)) is checked once: the same dedupe
     * as JDBC wrappers, keyed by the API code so a JDBC check of the same String still runs.
     */
    @Override
    public void checkQuery(RequestScope scope, Object producer, int method, String query) {
        try {
            OrmMethod m = OrmMethod.of(method);
            int api = m == null ? OrmApis.UNKNOWN : OrmApis.apiCode(producer, m);
            if (api == OrmApis.UNKNOWN) {
                return;
            }
            RequestContext context = scope.context;
            if (!open(context)) {
                return;
            }
            int dialect = m.nativeSql ? OrmApis.nativeDialect(producer) : DialectResolver.GENERIC;
            int dedupeKey = QUERY_DEDUPE_BASE + api;
            pushInputs(context);
            int version = context.inputsVersion;
            if (query == scope.lastAllowedSql && dedupeKey == scope.lastAllowedDialect && version == scope.lastAllowedSqlVersion) {
                return;
            }
            Judgement judgement;
            synchronized (context) {
                long start = System.nanoTime();
                int verdict = Engine.checkSql(context.handle, dialect, api, query);
                RaspTelemetry.checked(RaspTelemetry.SINK_SQL, System.nanoTime() - start);
                judgement = judge(scope, verdict, RaspTelemetry.SINK_SQL);
            }
            if (act(scope, judgement, RaspTelemetry.SINK_SQL, query)) {
                scope.lastAllowedSql = query;
                scope.lastAllowedDialect = dedupeKey;
                scope.lastAllowedSqlVersion = version;
                if (m.nativeSql && judgement.verdict == Verdict.MONITOR) {
                    scope.lastMonitoredQuery = query;
                    scope.lastMonitoredQueryVersion = version;
                }
            }
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            failed(scope, "ORM query check", t);
        }
    }

    /** Keeps ORM dedupe keys apart from dialect codes in RequestScope.lastAllowedDialect. */
    private static final int QUERY_DEDUPE_BASE = 1000;

    @Override
    public void checkCommand(RequestScope scope, int api, String[] argv, Map<String, String> environment) {
        if (sinkNativesMissing) {
            return;
        }
        try {
            RequestContext context = scope.context;
            if (!open(context)) {
                return;
            }
            pushInputs(context);
            byte[] env = environment == null ? null : CommandEncoding.environment(environment, System.getenv());
            Judgement judgement;
            synchronized (context) {
                long start = System.nanoTime();
                int verdict = Engine.checkCommand(context.handle, api, CommandEncoding.argv(argv), env);
                RaspTelemetry.checked(RaspTelemetry.SINK_CMD, System.nanoTime() - start);
                judgement = judge(scope, verdict, RaspTelemetry.SINK_CMD);
            }
            act(scope, judgement, RaspTelemetry.SINK_CMD, argv);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (UnsatisfiedLinkError e) {
            sinkNativesMissing(e);
        } catch (Throwable t) {
            failed(scope, "command check", t);
        }
    }

    @Override
    public void checkCommandOutsideRequest(int api, String[] argv, Map<String, String> environment) {
        checkOutsideRequest(RaspTelemetry.SINK_CMD, "command policy check", argv, handle -> Engine.checkCommand(handle,
                api, CommandEncoding.argv(argv),
                environment == null ? null : CommandEncoding.environment(environment, System.getenv())));
    }

    @Override
    public void checkJndi(RequestScope scope, int api, Object name) {
        if (sinkNativesMissing) {
            return;
        }
        try {
            String text = jndiText(api, name);
            if (text == null) {
                // java:comp/env/..., scheme-less names: input in them chooses no provider, so no
                // JNDI finding can fire (containers look these up on every request in old apps)
                return;
            }
            RequestContext context = scope.context;
            if (!open(context)) {
                return;
            }
            pushInputs(context);
            Judgement judgement;
            synchronized (context) {
                long start = System.nanoTime();
                int verdict = Engine.checkJndi(context.handle, api, text);
                RaspTelemetry.checked(RaspTelemetry.SINK_JNDI, System.nanoTime() - start);
                judgement = judge(scope, verdict, RaspTelemetry.SINK_JNDI);
            }
            act(scope, judgement, RaspTelemetry.SINK_JNDI, text);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (UnsatisfiedLinkError e) {
            sinkNativesMissing(e);
        } catch (Throwable t) {
            failed(scope, "JNDI check", t);
        }
    }

    @Override
    public void checkJndiOutsideRequest(int api, Object name) {
        if (api == JndiApi.PROVIDER_URL) {
            return; // only input can make a provider URL a finding, and there is none here
        }
        String text = jndiText(api, name);
        if (text == null) {
            return; // java:comp/env/..., scheme-less names: no policy applies, no context needed
        }
        checkOutsideRequest(RaspTelemetry.SINK_JNDI, "JNDI policy check", text, handle -> Engine.checkJndi(handle, api, text));
    }

    /**
     * The text the engine judges for a JNDI hook's argument, or null when there is nothing to
     * judge: a name that reaches no remote provider, an environment without a remote provider
     * URL, or the URL a URL context resolves for the name InitialContext's hook judged just
     * before on this thread (InitialContext.lookup(url) reaches ldapURLContext.lookup(url):
     * one operation, one judgement, one event).
     */
    private String jndiText(int api, Object name) {
        if (api == JndiApi.PROVIDER_URL) {
            return JndiNames.providerUrl(name);
        }
        if (api == JndiApi.URL_CONTEXT) {
            Object judged = jndiJudged.get();
            if (judged != null) {
                jndiJudged.remove();
                if (JndiNames.sameName(judged, name)) {
                    return null;
                }
            }
        } else {
            jndiJudged.set(name);
        }
        String text = JndiNames.text(name);
        return JndiNames.mayBeRemote(text) ? text : null;
    }

    @Override
    public void checkPath(RequestScope scope, int api, int op, Object path, Object options) {
        if (sinkNativesMissing) {
            return;
        }
        try {
            String p = PathOp.pathString(path);
            int pathOp = op >= 0 ? op : PathOp.ofOptions(options);
            RequestContext context = scope.context;
            if (!open(context)) {
                return;
            }
            pushInputs(context);
            int version = context.inputsVersion;
            if (p == scope.lastAllowedPath && pathOp == scope.lastAllowedPathOp && version == scope.lastAllowedPathVersion) {
                return; // a JDK method delegating to another hooked one with the same path
            }
            String written = context.writtenFormOf(p);
            Judgement judgement;
            synchronized (context) {
                long start = System.nanoTime();
                int verdict = Engine.checkPath(context.handle, api, pathOp, p, written);
                RaspTelemetry.checked(RaspTelemetry.SINK_PATH, System.nanoTime() - start);
                judgement = judge(scope, verdict, RaspTelemetry.SINK_PATH);
            }
            if (act(scope, judgement, RaspTelemetry.SINK_PATH, p)) {
                scope.lastAllowedPath = p;
                scope.lastAllowedPathOp = pathOp;
                scope.lastAllowedPathVersion = version;
            }
        } catch (RaspBlockedException e) {
            throw e;
        } catch (UnsatisfiedLinkError e) {
            sinkNativesMissing(e);
        } catch (Throwable t) {
            failed(scope, "file check", t);
        }
    }

    /**
     * One connection (see RaspHooks.checkConnection). A destination request input chose is
     * remembered by host, with the URL it started from, so the redirect hops and socket connects
     * that follow from it are judged as chosen by the same input.
     */
    @Override
    public void checkConnection(RequestScope scope, int api, Object target, Object detail) {
        if (sinkNativesMissing) {
            return;
        }
        try {
            String url = UrlApi.isRedirect(api) ? Connections.text(api, detail) : Connections.text(api, target, detail);
            if (url == null) {
                return;
            }
            RequestContext context = scope.context;
            if (!open(context)) {
                return;
            }
            pushInputs(context);
            String origin;
            String host;
            if (UrlApi.isRedirect(api)) {
                // The hop follows from the URL input chose for the connection's current one, or
                // from that URL itself when it was the first.
                String from = Connections.text(api, target);
                String known = context.chosenOrigin(Connections.host(api, target));
                origin = known != null ? known : from;
                host = Connections.host(api, detail);
            } else {
                // A client's call may send a request relative to the host it was given: its URL's host.
                host = UrlApi.isApacheCall(api) ? Connections.host(url) : Connections.host(api, target);
                origin = host == null ? null : context.chosenOrigin(host);
            }
            Judgement judgement;
            synchronized (context) {
                long start = System.nanoTime();
                int verdict = Engine.checkUrl(context.handle, api, url, Connections.address(api, target), origin);
                RaspTelemetry.checked(RaspTelemetry.SINK_URL, System.nanoTime() - start);
                if (verdict > 0 && (verdict & Verdict.CHOSEN_BY_INPUT) != 0) {
                    verdict &= ~Verdict.CHOSEN_BY_INPUT;
                    if (host != null) {
                        context.rememberChosen(host, origin != null ? origin : url);
                    }
                }
                judgement = judge(scope, verdict, RaspTelemetry.SINK_URL);
            }
            act(scope, judgement, RaspTelemetry.SINK_URL, url);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (UnsatisfiedLinkError e) {
            sinkNativesMissing(e);
        } catch (Throwable t) {
            failed(scope, "connection check", t);
        }
    }

    /** One expression about to be parsed in a request (see RaspHooks.checkExpression). */
    @Override
    public void checkExpression(RequestScope scope, int api, String expression, Object parserContext) {
        if (sinkNativesMissing) {
            return;
        }
        try {
            int code = ExprApi.of(api, parserContext);
            RequestContext context = scope.context;
            if (!open(context)) {
                return;
            }
            pushInputs(context);
            Judgement judgement;
            synchronized (context) {
                long start = System.nanoTime();
                int verdict = Engine.checkExpression(context.handle, code, expression);
                RaspTelemetry.checked(RaspTelemetry.SINK_EXPR, System.nanoTime() - start);
                judgement = judge(scope, verdict, RaspTelemetry.SINK_EXPR);
            }
            act(scope, judgement, RaspTelemetry.SINK_EXPR, expression);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (UnsatisfiedLinkError e) {
            sinkNativesMissing(e);
        } catch (Throwable t) {
            failed(scope, "expression check", t);
        }
    }

    /** An expression parsed outside any request: the engine judges it by the expression policy alone. */
    @Override
    public void checkExpressionOutsideRequest(int api, String expression, Object parserContext) {
        checkOutsideRequest(RaspTelemetry.SINK_EXPR, "expression policy check", expression,
                handle -> Engine.checkExpression(handle, ExprApi.of(api, parserContext), expression));
    }

    /** One native check against a context opened for it ({@code handle}); returns the verdict code. */
    private interface PolicyCheck {
        int check(long handle) throws Exception;
    }

    /**
     * A sink call on a thread that serves no request: the check runs against an empty request, where the engine finds
     * no input and only its policies (and {@code always} rules) can fire. MONITOR is recorded, BLOCK recorded and
     * thrown; {@code what} names the check in the internal-error count.
     */
    private void checkOutsideRequest(int sink, String what, Object sinkValue, PolicyCheck check) {
        if (sinkNativesMissing) {
            return;
        }
        long handle = 0L;
        try {
            RequestEncoder none = new RequestEncoder(64).start("", "", "", "", "");
            handle = Engine.openContext(none.buffer(), none.length());
            if (handle == 0L) {
                return;
            }
            long start = System.nanoTime();
            int verdict = check.check(handle);
            RaspTelemetry.checked(sink, System.nanoTime() - start);
            if (verdict == Verdict.MONITOR || verdict == Verdict.BLOCK) {
                EngineEvent event = takeEvent(handle, sink, null, RequestContext.RESPONSE_NONE);
                recordVerdict(null, verdict, event, sink, sinkValue);
                if (verdict == Verdict.BLOCK) {
                    throw new RaspBlockedException(event.category, event.ruleId, event.eventId);
                }
            } else if (verdict < 0 && failClosed) {
                throw new RaspBlockedException(INTERNAL_CATEGORY, INTERNAL_RULE, "");
            }
        } catch (RaspBlockedException e) {
            throw e;
        } catch (UnsatisfiedLinkError e) {
            sinkNativesMissing(e);
        } catch (Throwable t) {
            errors.record(what, t);
        } finally {
            if (handle != 0L) {
                Engine.closeContext(handle);
            }
        }
    }

    @Override
    public void checkClass(RequestScope scope, int api, Object descriptor) {
        if (sinkNativesMissing) {
            return;
        }
        try {
            RequestContext context = scope.context;
            if (!open(context)) {
                return;
            }
            // The judgement reads the class name only: no inputs to push.
            for (String name : StreamClasses.names(api, descriptor)) {
                Judgement judgement;
                synchronized (context) {
                    long start = System.nanoTime();
                    int verdict = Engine.checkClass(context.handle, api, name);
                    RaspTelemetry.checked(RaspTelemetry.SINK_CLASS, System.nanoTime() - start);
                    judgement = judge(scope, verdict, RaspTelemetry.SINK_CLASS);
                }
                act(scope, judgement, RaspTelemetry.SINK_CLASS, name);
            }
        } catch (RaspBlockedException e) {
            throw e;
        } catch (UnsatisfiedLinkError e) {
            sinkNativesMissing(e);
        } catch (Throwable t) {
            failed(scope, "deserialization check", t);
        }
    }

    @Override
    public void checkXmlEntity(RequestScope scope, int api, int event, String name, String systemId, String publicId) {
        if (sinkNativesMissing) {
            return;
        }
        try {
            RequestContext context = scope.context;
            if (!open(context)) {
                return;
            }
            pushInputs(context); // the body read so far holds the document's declarations
            Judgement judgement;
            synchronized (context) {
                long start = System.nanoTime();
                int verdict = Engine.checkEntity(context.handle, api, event, name, systemId, publicId);
                RaspTelemetry.checked(RaspTelemetry.SINK_XML, System.nanoTime() - start);
                judgement = judge(scope, verdict, RaspTelemetry.SINK_XML);
            }
            act(scope, judgement, RaspTelemetry.SINK_XML, systemId != null ? systemId : name);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (UnsatisfiedLinkError e) {
            sinkNativesMissing(e);
        } catch (Throwable t) {
            failed(scope, "XML entity check", t);
        }
    }

    /** A native verdict with, for MONITOR and BLOCK, its completed event and who answers a block. */
    private static final class Judgement {
        static final Judgement ALLOW = new Judgement(Verdict.ALLOW, null, RequestContext.RESPONSE_SENT, null, null);

        final int verdict;
        final EngineEvent event;
        final int response;
        final byte[] body;
        /** A task's block: the request's AsyncContext the task answers through, or null. */
        final Object async;

        Judgement(int verdict, EngineEvent event, int response, byte[] body, Object async) {
            this.verdict = verdict;
            this.event = event;
            this.response = response;
            this.body = body;
            this.async = async;
        }
    }

    /**
     * Right after the native check, under the request's monitor: the engine keeps one pending
     * event per request, so two threads of one request must not interleave a check and the
     * taking of its event; and a block is marked on the request in the same step as it is
     * decided who answers it, so the serving thread's exit either sees it or the event says no
     * 403 could be sent.
     */
    private Judgement judge(RequestScope scope, int verdict, int sink) {
        RequestContext context = scope.context;
        switch (verdict) {
            case Verdict.ALLOW:
                return Judgement.ALLOW;
            case Verdict.MONITOR:
                return new Judgement(verdict, takeEvent(context.handle, sink, scope, RequestContext.RESPONSE_SENT),
                        RequestContext.RESPONSE_SENT, null, null);
            case Verdict.BLOCK:
                Object async = scope.servingThread() ? null : taskAsyncContext(context);
                int response = blockResponse(scope, async);
                EngineEvent event = takeEvent(context.handle, sink, scope, response);
                byte[] body = BlockResponder.body(event.category, event.ruleId, event.eventId);
                return new Judgement(verdict, event, markBlocked(scope, body, async), body, async);
            default:
                return new Judgement(verdict, null, RequestContext.RESPONSE_SENT, null, null);
        }
    }

    /**
     * Acts on a judgement: MONITOR records the verdict, BLOCK answers the 403 (or leaves it to
     * whoever can) and throws, an engine error blocks under on_internal_error=closed. Returns
     * true when the sink runs and the same check need not be repeated in this request (ALLOW,
     * MONITOR). {@code sink}: a RaspTelemetry.SINK_* kind; {@code sinkValue}: the SQL string,
     * the path string or the argv.
     */
    private boolean act(RequestScope scope, Judgement j, int sink, Object sinkValue) {
        switch (j.verdict) {
            case Verdict.ALLOW:
                return true;
            case Verdict.MONITOR:
                recordVerdict(scope.context, j.verdict, j.event, sink, sinkValue);
                return true;
            case Verdict.BLOCK:
                recordVerdict(scope.context, j.verdict, j.event, sink, sinkValue);
                answer(scope, j.response, j.body, j.async);
                throw new RaspBlockedException(j.event.category, j.event.ruleId, j.event.eventId);
            default:
                // the engine counted it already
                if (failClosed) {
                    block(scope, INTERNAL_CATEGORY, INTERNAL_RULE, "");
                }
                return false;
        }
    }

    /**
     * The AsyncContext a task of this request answers a block through, under the request's
     * monitor: while the serving thread is inside, the request is alive and is asked whether the
     * application put it in async mode; once it left, what it left behind (a finished request is
     * not touched: the container may have recycled it for another).
     */
    private Object taskAsyncContext(RequestContext context) {
        if (!context.servingThreadActive()) {
            return context.asyncContext();
        }
        try {
            HttpRequestAccess http = HttpRequestAccess.of(context.request);
            return http == null ? null : http.asyncContextIfStarted(context.request);
        } catch (Throwable t) {
            errors.record("block in a task", t);
            return null;
        }
    }

    /**
     * Who answers a block (RequestContext.RESPONSE_*), decided under the request's monitor: the
     * serving thread writes the 403 itself unless the response is already committed; a task
     * answers itself on a request in async mode ({@code async}, see
     * RequestContext.blockFromTask), leaves it to the serving thread while that is still in a
     * request that is not, and otherwise no 403 can be sent any more.
     */
    private int blockResponse(RequestScope scope, Object async) {
        RequestContext context = scope.context;
        try {
            if (!scope.servingThread() && async == null) {
                return context.servingThreadActive() ? RequestContext.RESPONSE_DEFERRED : RequestContext.RESPONSE_NONE;
            }
            return BlockResponder.isCommitted(context.response) ? RequestContext.RESPONSE_NONE : RequestContext.RESPONSE_SENT;
        } catch (Throwable t) {
            return RequestContext.RESPONSE_NONE; // a recycled or finished response: nothing to answer on
        }
    }

    /** Marks the request blocked with the 403's body; returns who answers (see blockResponse). */
    private int markBlocked(RequestScope scope, byte[] body, Object async) {
        RequestContext context = scope.context;
        if (scope.servingThread()) {
            context.blocked = true;
            context.blockResponseBody = body;
            return RequestContext.RESPONSE_SENT;
        }
        return context.blockFromTask(body, async != null);
    }

    /**
     * Writes the 403 where this thread may: the serving thread always, a task only on a request
     * in async mode ({@code async}: its AsyncContext).
     */
    private void answer(RequestScope scope, int response, byte[] body, Object async) {
        RequestContext context = scope.context;
        try {
            if (scope.servingThread()) {
                BlockResponder.write(context.response, body);
            } else if (response == RequestContext.RESPONSE_NONE) {
                if (async != null && !BlockResponder.isCommitted(context.response)) {
                    BlockResponder.write(context.response, body);
                    scope.asyncToComplete = async; // at the task's end (see RequestScope.asyncToComplete)
                }
            }
        } catch (Throwable t) {
            if (scope.servingThread()) {
                errors.record("writing the 403", t);
            } // else: the async request ended meanwhile, nothing left to answer
        }
    }

    /**
     * The event pending after MONITOR or BLOCK, completed with the stack, the hand-off and who
     * answers. Never null: when the engine kept none (e.g. its queue was full) or named no
     * category, the sink's category stands in.
     */
    private static EngineEvent takeEvent(long handle, int sink, RequestScope scope, int response) {
        String handoff = scope == null || scope.servingThread() ? null
                : scope.handoff + "\n" + Thread.currentThread().getName();
        EngineEvent event = Engine.takeEvent(handle, ShortStack.capture(), handoff, response);
        if (event == null) {
            return new EngineEvent("unknown", "", SINK_CATEGORY[sink]);
        }
        return event.category.isEmpty() ? new EngineEvent(event.ruleId, event.eventId, SINK_CATEGORY[sink]) : event;
    }

    /**
     * Counts a monitored or blocked verdict for the application to read (meters, the actuator
     * endpoint). Only reached on those verdicts, never on the allow path. {@code context} is null
     * outside a request.
     */
    private void recordVerdict(RequestContext context, int verdict, EngineEvent event, int sink, Object sinkValue) {
        try {
            String sinkText = sinkValue instanceof String[] ? join((String[]) sinkValue) : String.valueOf(sinkValue);
            String method = null;
            String path = null;
            // A task's verdict may come after the request ended, when the container has recycled
            // the request object (Tomcat then throws; a reused one would name another request):
            // read it only while the serving thread is inside, and count the verdict either way.
            HttpRequestAccess http = context == null || !context.servingThreadActive() ? null
                    : HttpRequestAccess.of(context.request);
            if (http != null) {
                try {
                    method = http.method(context.request);
                    path = http.requestUri(context.request);
                } catch (Exception ended) {
                    method = null;
                    path = null;
                }
            }
            RaspTelemetry.verdict(sink, verdict == Verdict.BLOCK, event.ruleId, event.category, event.eventId,
                    sinkText, method, path);
            SpanEvents.add(verdict == Verdict.BLOCK, event.ruleId, event.category, event.eventId);
        } catch (Throwable t) {
            errors.record("telemetry", t); // the verdict itself stands
        }
    }

    private static String join(String[] argv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < argv.length; i++) {
            sb.append(i == 0 ? "" : " ").append(argv[i]);
        }
        return sb.toString();
    }

    /** A Java-side failure during a check: counted; blocks under on_internal_error=closed. */
    private void failed(RequestScope scope, String where, Throwable t) {
        errors.record(where, t);
        if (failClosed) {
            block(scope, INTERNAL_CATEGORY, INTERNAL_RULE, "");
        }
    }

    /** A native library without the command and file natives: those checks are off for good. */
    private void sinkNativesMissing(UnsatisfiedLinkError e) {
        if (!sinkNativesMissing) {
            sinkNativesMissing = true;
            AgentLog.info("the native library has no command and file checks (" + e.getMessage()
                    + "); only SQL is protected");
        }
    }

    /**
     * Before a sink check: the engine must see the body the application has read so far and the
     * values it read through the hooked source APIs. Held under the request's monitor so that a
     * check on another thread of the request never runs between the inputs being taken and the
     * engine having them.
     */
    private void pushInputs(RequestContext context) {
        if (!context.inputsPending()) {
            return;
        }
        synchronized (context) {
            boolean changed = false;
            CapturedInputs.Batch batch = context.takeCaptured(); // first: an overflow marks the body
            RequestBody.Snapshot body = context.takeBodyIfGrown();
            if (body != null) {
                Engine.setBody(context.handle, body.buffer, body.length, body.truncated);
                changed = true;
            }
            InputRecordEncoder record = batch == null ? null : encodeNew(batch, context.openedQuery);
            if (record != null) {
                if (Engine.addInputs(context.handle, record.buffer(), record.length()) != 0) {
                    errors.record("captured inputs", new IllegalStateException("the engine refused " + batch.count
                            + " captured input(s)"));
                }
                changed = true;
            }
            if (changed) {
                // new inputs: an earlier "allow" proves nothing any more
                context.inputsVersion++;
            }
        }
    }

    /**
     * The captured values of {@code batch} in an input record, less those the engine already
     * holds from its own parse of the raw query string it was opened with (see
     * {@link CapturedValues#inRawQuery}): it would drop them as known, and they would cost an
     * encoding and a native call that change nothing. Null when nothing is left.
     */
    private InputRecordEncoder encodeNew(CapturedInputs.Batch batch, String query) {
        // A query past a third of the input budget might have been cut short by the engine, so
        // its values are not taken as known then (an input costs its name and value, and every
        // name is also an input of its own: at most three times the query's length).
        boolean known = query != null && query.length() < bodyLimit / 3;
        InputRecordEncoder record = null;
        for (int i = 0; i < batch.count; i++) {
            if (known && CapturedValues.inRawQuery(query, batch.values[i])) {
                continue;
            }
            if (record == null) {
                record = new InputRecordEncoder();
            }
            record.input(batch.sources[i], batch.names[i], batch.values[i]);
        }
        return record;
    }

    /** Blocks without an engine event (on_internal_error=closed): marks, answers, throws. */
    private void block(RequestScope scope, String category, String ruleId, String eventId) {
        byte[] body = BlockResponder.body(category, ruleId, eventId);
        int response;
        Object async;
        synchronized (scope.context) {
            async = scope.servingThread() ? null : taskAsyncContext(scope.context);
            response = markBlocked(scope, body, async);
        }
        answer(scope, response, body, async);
        throw new RaspBlockedException(category, ruleId, eventId);
    }

    @Override
    public void internalError(Throwable t) {
        errors.record("bridge", t);
    }
}
