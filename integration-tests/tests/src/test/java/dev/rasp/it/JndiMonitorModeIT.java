package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The javax app with rasp.jar in monitor mode: each JNDI lookup of {@link JndiCases} runs (the trap receives the
 * connection) and is reported exactly once, by the hook it entered through. A name InitialContext's hook judged is
 * handed to the URL context for its scheme, whose hook must not judge it again (no second event); a URL context used
 * without InitialContext is reported by its own hook. (The connection itself is also reported, as
 * {@code ssrf.internal} at {@code Socket.connect}: input chose a loopback address; only the JNDI events are counted.)
 */
@ExtendWith(AppLogsOnFailure.class)
class JndiMonitorModeIT {
    static LookupTrap trap;
    static AppProcess javax;
    static Scenario scenario;

    @BeforeAll
    static void start() {
        trap = new LookupTrap();
        javax = AppProcess.builder("javax-jndi-monitor", ItConfig.javaxJar()).mode("monitor").start();
        javax.awaitReady(Duration.ofSeconds(120));
        scenario = new Scenario(javax);
    }

    @AfterAll
    static void stop() {
        if (javax != null) {
            javax.stop();
        }
        if (trap != null) {
            trap.close();
        }
    }

    static List<JndiCases.Attack> attacks() {
        return JndiCases.attacks("javax", trap.port());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void lookupRunsAndIsReportedOnce(JndiCases.Attack c) {
        int mark = scenario.events.mark();
        int before = trap.connections();
        Http.Resp r = c.send(scenario.http);
        List<String> all = scenario.eventsSince(mark);
        List<String> evs = new ArrayList<>();
        for (String line : all) {
            if ("jndi".equals(EventLog.text(EventLog.parse(line), "sink.kind"))) {
                evs.add(line);
            }
        }
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200 (monitor mode)");
        }
        if (!trap.connectedSince(before, 5000)) {
            problems.add("no connection reached the trap: monitor mode stopped the lookup");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new JNDI event (one operation, one judgement), got " + evs.size());
        }
        if (!evs.isEmpty()) {
            JsonNode ev = EventLog.parse(evs.get(0));
            Scenario.expectEq(problems, "event action", "monitored", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, "event rule_id", "jndi.remote_lookup", EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, "sink.api", c.api(), EventLog.text(ev, "sink.api"));
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.target() + "\n  - " + String.join("\n  - ", problems) + "\n  answer: " + r + "\n  events: " + all);
        }
    }
}
