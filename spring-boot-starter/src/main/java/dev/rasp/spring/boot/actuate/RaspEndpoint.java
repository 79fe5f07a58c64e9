package dev.rasp.spring.boot.actuate;

import dev.rasp.spring.boot.AgentTelemetry;
import dev.rasp.spring.boot.RaspInstallation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;

/**
 * {@code /actuator/rasp}: whether the application is protected and how the agent got there, its mode,
 * the rule set, checks per sink, monitored and blocked verdicts per rule, the most recent events
 * (newest first) and the engine's counters.
 *
 * <p>The recent events hold request data (the attack strings themselves, the request path): expose the
 * endpoint only where the other actuator endpoints with request data are exposed.
 */
@Endpoint(id = "rasp")
public class RaspEndpoint {

    private final JsonParser json = JsonParserFactory.getJsonParser();

    @ReadOperation
    public Map<String, Object> rasp() {
        RaspInstallation installation = RaspInstallation.current();
        AgentTelemetry.Snapshot t = AgentTelemetry.snapshot();
        Map<String, Object> out = new LinkedHashMap<>();
        boolean active = t != null && t.started();
        out.put("protected", active);
        out.put("mode", active ? t.mode() : "none");

        Map<String, Object> install = new LinkedHashMap<>();
        install.put("state", installation.state().name());
        install.put("detail", installation.detail());
        if (installation.attachMillis() >= 0) {
            install.put("attachMillis", installation.attachMillis());
            install.put("method", installation.method());
        }
        install.put("agentProperties", installation.agentProperties());
        out.put("installation", install);
        if (t == null) {
            return out;
        }

        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("version", t.agentVersion());
        agent.put("loadedBy", t.attached() ? "attach" : "-javaagent");
        if (t.startedAtMillis() > 0) {
            agent.put("startedAt", Instant.ofEpochMilli(t.startedAtMillis()).toString());
        }
        out.put("agent", agent);

        Map<String, Object> rules = new LinkedHashMap<>();
        rules.put("id", t.ruleSetId());
        if (t.ruleSetLoadedAtMillis() > 0) {
            rules.put("loadedAt", Instant.ofEpochMilli(t.ruleSetLoadedAtMillis()).toString());
        }
        rules.put("loads", t.ruleSetLoads());
        out.put("ruleSet", rules);

        Map<String, Object> checks = new LinkedHashMap<>();
        t.checks().forEach((sink, c) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", c.count());
            m.put("totalMillis", c.nanos() / 1e6);
            m.put("meanMicros", c.count() == 0 ? 0.0 : c.nanos() / 1e3 / c.count());
            checks.put(sink, m);
        });
        out.put("checks", checks);

        Map<String, Map<String, Long>> byAction = new LinkedHashMap<>();
        byAction.put("blocked", new LinkedHashMap<>());
        byAction.put("monitored", new LinkedHashMap<>());
        for (AgentTelemetry.VerdictCount v : t.verdicts()) {
            byAction.computeIfAbsent(v.action(), a -> new LinkedHashMap<>()).merge(v.ruleId(), v.count(), Long::sum);
        }
        out.put("verdicts", byAction);

        List<Object> events = new ArrayList<>();
        for (String line : t.recentEvents()) {
            events.add(parse(line));
        }
        out.put("recentEvents", events);
        if (t.engineStats() != null) {
            out.put("engine", parse(t.engineStats()));
        }
        return out;
    }

    private Object parse(String line) {
        try {
            return json.parseMap(line);
        } catch (IllegalArgumentException e) { // JsonParseException too
            return line;
        }
    }
}
