package dev.rasp.spring.boot;

import java.util.List;
import java.util.Map;

/**
 * The agent's counters and recent events as the application sees them, read from
 * {@code dev.rasp.bootstrap.RaspTelemetry} on the boot class path.
 *
 * <p>That class exists only once an agent is installed, so nothing here refers to it: {@link #available()}
 * checks for it by name, and only then is the class that reads it ({@link TelemetryReader}) loaded.
 */
public final class AgentTelemetry {

    public static final String TELEMETRY_CLASS = "dev.rasp.bootstrap.RaspTelemetry";

    private AgentTelemetry() {
    }

    /** Checks and the time they took, for one sink kind. */
    public record SinkChecks(long count, long nanos) {
    }

    /** One (action, rule, category) count. */
    public record VerdictCount(String action, String ruleId, String category, long count) {
    }

    /** Everything at one moment. */
    public record Snapshot(boolean started, String agentVersion, String mode, boolean attached, long startedAtMillis,
                           String ruleSetId, long ruleSetLoadedAtMillis, long ruleSetLoads,
                           Map<String, SinkChecks> checks, List<VerdictCount> verdicts, List<String> recentEvents,
                           String engineStats) {
    }

    /** True when the agent's telemetry is visible to this class loader (an agent is installed). */
    public static boolean available() {
        try {
            Class.forName(TELEMETRY_CLASS, false, AgentTelemetry.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Null when {@link #available()} is false. */
    public static Snapshot snapshot() {
        return available() ? TelemetryReader.snapshot() : null;
    }
}
