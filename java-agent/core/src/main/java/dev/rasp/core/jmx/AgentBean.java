package dev.rasp.core.jmx;

import dev.rasp.bootstrap.RaspTelemetry;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dev.rasp:type=Agent}: the agent's status and the engine's counters (Engine.stats(), the
 * same JSON the starter's actuator endpoint and the shutdown log line show).
 */
final class AgentBean extends ReadOnlyBean {

    /** The engine counters every engine reports: always attributes (null when the engine gave none). */
    static final String[][] ENGINE_COUNTERS = {
            {"checks", "Sink checks the engine made"},
            {"blocks", "Blocked verdicts"},
            {"monitors", "Monitored verdicts"},
            {"errors", "Engine errors contained (fail-open by default)"},
            {"contexts_opened", "Request contexts opened"},
            {"contexts_shared", "Request contexts opened with the inputs compiled for an earlier request with the same record"},
            {"statements_cached", "SQL checks that found their statement lexed and scanned by an earlier check"},
            {"statements_judged_by_shape", "SQL checks judged without lexing: the statement differed from one lexed before only in input inside its string literals"},
            {"contexts_rejected", "Request contexts the engine could not open (those requests ran unchecked)"},
            {"contexts_live", "Request contexts open now"},
            {"stale_handles", "Calls with a context handle already released"},
            {"rules_loaded", "Rule sets put in use (at start and by reloads)"},
            {"rules_rejected", "Rule set reloads refused (the set in use stayed)"},
            {"events_written", "Events written, all destinations"},
            {"events_dropped", "Events dropped (counted, never silently lost), all destinations"},
    };

    private final Callable<String> stats;

    /** @param stats the engine's stats JSON (RaspTelemetry::engineStats in the agent) */
    AgentBean(Callable<String> stats) {
        super("The RASP agent: status and engine counters");
        this.stats = stats;
    }

    @Override
    Values read() {
        String raw = call(stats);
        EngineStats s = EngineStats.parse(raw);
        Values v = new Values();
        v.put("Version", String.class, RaspTelemetry.agentVersion(), "Agent version");
        v.put("Mode", String.class, RaspTelemetry.mode(), "block or monitor");
        v.put("Attached", Boolean.class, RaspTelemetry.attached(),
                "True when loaded into the running JVM (attach), false with -javaagent");
        v.count("StartTime", millis(RaspTelemetry.startedAtMillis()), "When the agent started, epoch milliseconds");
        String ruleSet = RaspTelemetry.ruleSetId();
        v.put("RuleSetId", String.class, ruleSet != null ? ruleSet : s.string("rule_set"),
                "The rule set in use: name@version+checksum");
        v.count("RuleSetLoadTime", millis(RaspTelemetry.ruleSetLoadedAtMillis()),
                "When the rule set in use was loaded, epoch milliseconds");
        v.count("RuleSetLoads", RaspTelemetry.ruleSetLoads(), "Rule sets loaded (1 after the start, more after reloads)");
        for (String[] c : ENGINE_COUNTERS) {
            v.count(EngineStats.attributeName(c[0]), s.counter(c[0]), c[1]);
        }
        // counters a newer engine adds appear as they are, without a change here
        for (Map.Entry<String, Long> e : s.counters().entrySet()) {
            v.count(EngineStats.attributeName(e.getKey()), e.getValue(), "Engine counter " + e.getKey());
        }
        v.put("EngineStats", String.class, s.available() ? raw : null, "The engine's counters as JSON");
        return v;
    }

    private static Long millis(long m) {
        return m == 0L ? null : m;
    }

    static String call(Callable<String> c) {
        try {
            return c.call();
        } catch (Throwable t) {
            return null;
        }
    }
}
