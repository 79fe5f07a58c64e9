package dev.rasp.core;

import dev.rasp.bootstrap.RaspBlockedException;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.bootstrap.RequestScope;
import dev.rasp.core.block.BlockResponder;
import dev.rasp.core.config.AgentConfig;
import dev.rasp.core.engine.Engine;
import dev.rasp.core.engine.EngineEvent;
import dev.rasp.core.engine.RequestEncoder;
import dev.rasp.core.engine.Verdict;
import dev.rasp.core.instrumentation.jdbc.DialectResolver;
import dev.rasp.core.instrumentation.servlet.BodyCapture;
import dev.rasp.core.instrumentation.servlet.HttpRequestAccess;

import java.sql.Connection;
import java.sql.Statement;

/**
 * What the bridge calls: opens and closes request contexts, runs sink checks and acts on the
 * verdicts. Everything runs on the application's request thread; nothing here blocks on a lock.
 */
public final class RaspRuntime implements RaspHooks {

    /** The 403 of a check that failed inside the agent under on_internal_error=closed (no event exists). */
    static final String INTERNAL_CATEGORY = "internal";
    static final String INTERNAL_RULE = "agent.internal_error";

    private final int bodyLimit;
    private final boolean failClosed;
    private final DialectResolver dialects = new DialectResolver();
    private final InternalErrors errors;

    public RaspRuntime(AgentConfig config, InternalErrors errors) {
        this.bodyLimit = config.maxInputBytes();
        // Monitor mode promises that sinks run; failing closed only makes sense when blocking.
        this.failClosed = config.onInternalError() == AgentConfig.FailureMode.CLOSED
                && config.mode() == AgentConfig.Mode.BLOCK;
        this.errors = errors;
    }

    // ------------------------------------------------------------------ request lifecycle

    @Override
    public RequestScope openRequest(Object request, Object response) {
        HttpRequestAccess http = HttpRequestAccess.of(request);
        if (http == null) {
            return null;
        }
        long handle;
        String contentType;
        try {
            contentType = http.contentType(request);
            RequestEncoder encoded = new RequestEncoder();
            http.encode(request, contentType, encoded);
            handle = Engine.openContext(encoded.buffer(), encoded.length());
        } catch (Throwable t) {
            errors.record("request start", t);
            return null;
        }
        if (handle == 0L) {
            errors.contextUnavailable();
        }
        int keep = handle != 0L && BodyCapture.wanted(contentType) ? bodyLimit : 0;
        return new RequestScope(handle, request, response, keep);
    }

    @Override
    public Throwable closeRequest(RequestScope scope, Throwable thrown) {
        scope.guarded = true;
        try {
            if (scope.blocked && scope.blockResponseBody != null && !BlockResponder.isCommitted(scope.response)) {
                // the application (or an error page) reopened the answer after the block
                BlockResponder.write(scope.response, scope.blockResponseBody);
            }
        } catch (Throwable t) {
            errors.record("request end", t);
        } finally {
            if (scope.handle != 0L) {
                Engine.closeContext(scope.handle);
            }
        }
        // The 403 is out and closed. What escapes now is our block exception, or the application
        // tripping over the closed response while it tries to answer itself (getWriter() after our
        // getOutputStream(), ...). Letting it through only makes the container log an error per
        // attack; Errors (OutOfMemoryError, ...) still propagate.
        return scope.blocked && (thrown instanceof Exception || causedByBlock(thrown)) ? null : thrown;
    }

    static boolean causedByBlock(Throwable thrown) {
        for (int depth = 0; thrown != null && depth < 16; depth++, thrown = thrown.getCause()) {
            if (thrown instanceof RaspBlockedException) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ sinks

    @Override
    public void checkSql(RequestScope scope, Object target, boolean isConnection, int api, String sql) {
        // The instrumentation also matches look-alike classes (see JdbcInstrumentation).
        if (isConnection ? !(target instanceof Connection) : !(target instanceof Statement)) {
            return;
        }
        scope.guarded = true;
        try {
            int dialect = dialects.dialectOf(target, isConnection);
            pushBodyIfGrown(scope);
            if (sql == scope.lastAllowedSql && dialect == scope.lastAllowedDialect) {
                return; // the same String instance passed a wrapper's check a moment ago
            }
            int verdict = Engine.checkSql(scope.handle, dialect, api, sql);
            switch (verdict) {
                case Verdict.ALLOW:
                    remember(scope, sql, dialect);
                    return;
                case Verdict.MONITOR:
                    Engine.takeEvent(scope.handle, ShortStack.capture());
                    remember(scope, sql, dialect);
                    return;
                case Verdict.BLOCK:
                    EngineEvent event = Engine.takeEvent(scope.handle, ShortStack.capture());
                    if (event == null) {
                        event = new EngineEvent("unknown", "", "sqli"); // engine kept no event (e.g. queue full)
                    }
                    block(scope, event.category.isEmpty() ? "sqli" : event.category, event.ruleId, event.eventId);
                    return;
                default:
                    // the engine counted it already
                    if (failClosed) {
                        block(scope, INTERNAL_CATEGORY, INTERNAL_RULE, "");
                    }
            }
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            errors.record("SQL check", t);
            if (failClosed) {
                block(scope, INTERNAL_CATEGORY, INTERNAL_RULE, "");
            }
        } finally {
            scope.guarded = false;
        }
    }

    private static void remember(RequestScope scope, String sql, int dialect) {
        scope.lastAllowedSql = sql;
        scope.lastAllowedDialect = dialect;
    }

    /** Before a sink check: the engine must see the body the application has read so far. */
    private static void pushBodyIfGrown(RequestScope scope) {
        if (scope.capturesBody() && scope.bodyChangedSincePush()) {
            Engine.setBody(scope.handle, scope.bodyBuffer(), scope.bodyLength(), scope.bodyTruncated());
            scope.markBodyPushed();
            scope.lastAllowedSql = null; // new inputs: an earlier "allow" proves nothing any more
        }
    }

    /** Writes the 403 now, marks the request, and stops the sink. */
    private void block(RequestScope scope, String category, String ruleId, String eventId) {
        scope.blocked = true;
        byte[] body = BlockResponder.body(category, ruleId, eventId);
        scope.blockResponseBody = body;
        try {
            BlockResponder.write(scope.response, body);
        } catch (Throwable t) {
            errors.record("writing the 403", t);
        }
        throw new RaspBlockedException(category, ruleId, eventId);
    }

    @Override
    public void internalError(Throwable t) {
        errors.record("bridge", t);
    }
}
