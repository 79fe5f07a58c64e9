package dev.rasp.bootstrap;

/**
 * What the agent core does behind {@link RaspBridge}. The core (in its own isolated class loader)
 * implements it and installs it once with {@link RaspBridge#install(RaspHooks)}.
 *
 * <p>Implementations may throw only {@link RaspBlockedException} from {@link #checkSql}; the
 * bridge contains anything else, but an implementation should not rely on that.
 */
public interface RaspHooks {

    /**
     * The outermost servlet entry on a thread. Returns the scope that tracks this request, or
     * null when the object is not an HTTP request (then nothing is tracked).
     */
    RequestScope openRequest(Object request, Object response);

    /**
     * The outermost servlet exit (also when the application threw). Must release the native
     * context. Returns the throwable the instrumented method should finish with: {@code thrown}
     * itself, or null to end normally (used to swallow our own block exception once the 403 is out).
     */
    Throwable closeRequest(RequestScope scope, Throwable thrown);

    /** One SQL sink check; {@code api} is a SqlApi code of the native contract. */
    void checkSql(RequestScope scope, Object connectionOrStatement, boolean isConnection, int api, String sql);

    /** Count (and maybe log) a failure the bridge contained. */
    void internalError(Throwable t);
}
