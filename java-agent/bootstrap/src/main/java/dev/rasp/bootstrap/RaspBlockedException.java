package dev.rasp.bootstrap;

/**
 * Thrown in place of a sink call that the engine blocked. It lives on the bootstrap class path
 * so that application code, containers and frameworks can all see (and catch) the same class.
 * By the time it is thrown the 403 answer has already been written and the response closed.
 */
public final class RaspBlockedException extends SecurityException {
    private static final long serialVersionUID = 1L;

    private final String category;
    private final String ruleId;
    private final String eventId;

    public RaspBlockedException(String category, String ruleId, String eventId) {
        super("request blocked by RASP: " + category + " (rule " + ruleId + ", event " + eventId + ")");
        this.category = category;
        this.ruleId = ruleId;
        this.eventId = eventId;
    }

    /** e.g. "sqli". */
    public String getCategory() {
        return category;
    }

    public String getRuleId() {
        return ruleId;
    }

    /** The event_id of the event line written for this block (may be empty when none was made). */
    public String getEventId() {
        return eventId;
    }

    /**
     * The block exception in {@code thrown}'s cause chain (ExecutionException, CompletionException,
     * an application's own wrapper, ...), or null; the chain is followed 16 causes deep at most.
     */
    public static RaspBlockedException in(Throwable thrown) {
        for (int depth = 0; thrown != null && depth < 16; depth++, thrown = thrown.getCause()) {
            if (thrown instanceof RaspBlockedException) {
                return (RaspBlockedException) thrown;
            }
        }
        return null;
    }
}
