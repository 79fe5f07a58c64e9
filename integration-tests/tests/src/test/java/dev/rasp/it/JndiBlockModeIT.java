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
 * Spring Boot 3 (Tomcat) and javax (Jetty) with rasp.jar in block mode: every attack of {@link JndiCases} is
 * answered 403 with the block body, no connection reaches the {@link LookupTrap}, and exactly one event names
 * {@code jndi.remote_lookup}, the input as the request carried it and, for Log4j's lookup syntax, the
 * {@code lookup-decoded} transform. Twins are served without an event. {@link JndiVulnerableWithoutAgentIT} proves
 * the attacks connect without the agent.
 */
@ExtendWith(AppLogsOnFailure.class)
class JndiBlockModeIT {
    static LookupTrap trap;
    static AppProcess spring;
    static AppProcess javax;
    static Scenario springScenario;
    static Scenario javaxScenario;

    @BeforeAll
    static void start() {
        trap = new LookupTrap();
        spring = SpringBlockModeIT.springApp("spring-jndi-block").mode("block").start();
        javax = AppProcess.builder("javax-jndi-block", ItConfig.javaxJar()).mode("block").start();
        spring.awaitReady(Duration.ofSeconds(180));
        javax.awaitReady(Duration.ofSeconds(120));
        springScenario = new Scenario(spring);
        javaxScenario = new Scenario(javax);
    }

    @AfterAll
    static void stop() {
        for (AppProcess a : new AppProcess[] {spring, javax}) {
            if (a != null) {
                a.stop();
            }
        }
        if (trap != null) {
            trap.close();
        }
    }

    static Scenario scenario(String app) {
        return app.equals("spring") ? springScenario : javaxScenario;
    }

    static List<JndiCases.Attack> attacks() {
        List<JndiCases.Attack> out = new ArrayList<>(JndiCases.attacks("spring", trap.port()));
        out.addAll(JndiCases.attacks("javax", trap.port()));
        return out;
    }

    static List<JndiCases.Twin> twins() {
        List<JndiCases.Twin> out = new ArrayList<>(JndiCases.twins("spring"));
        out.addAll(JndiCases.twins("javax"));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void lookupIsBlocked(JndiCases.Attack c) {
        Scenario s = scenario(c.app());
        int mark = s.events.mark();
        int before = trap.connections();
        Http.Resp r = c.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems, "jndi");
        if (trap.connectedSince(before, 1000)) {
            problems.add("a connection reached the trap: the lookup ran");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        if (!evs.isEmpty()) {
            JsonNode ev = EventLog.parse(evs.get(0));
            Scenario.expectEq(problems, "event action", "blocked", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, "event rule_id", "jndi.remote_lookup", EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, "sink.kind", "jndi", EventLog.text(ev, "sink.kind"));
            if (body != null) {
                Scenario.expectEq(problems, "event_id vs the 403 body", body.path("event_id").asText(null),
                    EventLog.text(ev, "event_id"));
            }
            Scenario.expectEq(problems, "input.value (as the request carried it)", c.input(), EventLog.text(ev, "input.value"));
            Scenario.expectEq(problems, "input.transform", c.transform(), EventLog.text(ev, "input.transform"));
            String transformed = EventLog.text(ev, "input.transformed");
            String sink = EventLog.text(ev, "sink.value");
            if (c.transform() != null && (transformed == null || sink == null || !sink.contains(transformed))) {
                problems.add("input.transformed '" + transformed + "' is not in sink.value '" + sink + "'");
            }
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.target() + "\n  - " + String.join("\n  - ", problems) + "\n  answer: " + r + "\n  events: " + evs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twins")
    void twinIsServed(JndiCases.Twin c) {
        Scenario s = scenario(c.app());
        int mark = s.events.mark();
        Http.Resp r = c.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200");
        }
        if (!r.body().contains(c.expect())) {
            problems.add("the answer lacks " + c.expect());
        }
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.target() + "\n  - " + String.join("\n  - ", problems) + "\n  answer: " + r);
        }
    }
}
