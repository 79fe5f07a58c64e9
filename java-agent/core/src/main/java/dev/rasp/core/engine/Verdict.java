package dev.rasp.core.engine;

/** The codes a native check returns. */
public final class Verdict {
    public static final int ALLOW = 0;
    /** Let the sink run; an event is pending (takeEvent). */
    public static final int MONITOR = 1;
    /** Do not let the sink run; an event is pending (takeEvent). */
    public static final int BLOCK = 2;
    /** Stale handle or internal failure in the engine (already counted there). */
    public static final int ERROR = -1;
    /** Added by checkUrl when request input chose the destination (also when it was allowed). */
    public static final int CHOSEN_BY_INPUT = 16;

    private Verdict() {
    }
}
