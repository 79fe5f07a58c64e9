package dev.rasp.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Failures of the agent itself that were contained so the application could go on. Counted;
 * the first few are logged so a broken deployment is noticed, the rest only counted so a
 * systematic failure cannot flood the log.
 */
public final class InternalErrors {

    private static final int LOGGED = 5;

    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong contextsUnavailable = new AtomicLong();

    public void record(String where, Throwable t) {
        long n = errors.incrementAndGet();
        if (n <= LOGGED) {
            AgentLog.info("internal error in " + where + " (contained, the application goes on): " + t
                    + at(t) + (n == LOGGED ? "; further internal errors are only counted" : ""));
        }
    }

    /** openContext returned 0: this request runs unprotected. */
    public void contextUnavailable() {
        long n = contextsUnavailable.incrementAndGet();
        if ((n & (n - 1)) == 0) { // 1, 2, 4, 8, ...: visible without flooding
            AgentLog.info("native context table full: " + n + " request(s) ran unprotected so far");
        }
    }

    public long errors() {
        return errors.get();
    }

    public long contextsUnavailable() {
        return contextsUnavailable.get();
    }

    private static String at(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        return frames.length == 0 ? "" : " at " + frames[0];
    }
}
