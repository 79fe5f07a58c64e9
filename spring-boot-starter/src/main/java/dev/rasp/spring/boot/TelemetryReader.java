package dev.rasp.spring.boot;

import dev.rasp.bootstrap.RaspTelemetry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The only class of the starter's core that refers to RaspTelemetry; loaded after {@link AgentTelemetry#available()}. */
final class TelemetryReader {

    private TelemetryReader() {
    }

    static AgentTelemetry.Snapshot snapshot() {
        Map<String, AgentTelemetry.SinkChecks> checks = new LinkedHashMap<>();
        List<String> sinks = RaspTelemetry.sinkNames();
        for (int i = 0; i < sinks.size(); i++) {
            checks.put(sinks.get(i), new AgentTelemetry.SinkChecks(RaspTelemetry.checks(i), RaspTelemetry.checkNanos(i)));
        }
        List<AgentTelemetry.VerdictCount> verdicts = new ArrayList<>();
        for (RaspTelemetry.VerdictCount v : RaspTelemetry.verdicts()) {
            verdicts.add(new AgentTelemetry.VerdictCount(v.action, v.ruleId, v.category, v.count()));
        }
        verdicts.sort((a, b) -> a.action().equals(b.action()) ? a.ruleId().compareTo(b.ruleId()) : a.action().compareTo(b.action()));
        return new AgentTelemetry.Snapshot(RaspTelemetry.started(), RaspTelemetry.agentVersion(), RaspTelemetry.mode(),
                RaspTelemetry.attached(), RaspTelemetry.startedAtMillis(), RaspTelemetry.ruleSetId(),
                RaspTelemetry.ruleSetLoadedAtMillis(), RaspTelemetry.ruleSetLoads(), checks, verdicts,
                RaspTelemetry.recentEvents(), RaspTelemetry.engineStats());
    }
}
