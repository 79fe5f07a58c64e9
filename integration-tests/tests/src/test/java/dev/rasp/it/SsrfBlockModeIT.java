package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring Boot 3 with rasp.jar in block mode and {@code rasp.ssrf.allowed_hosts=partner.test}: every {@link SsrfCases}
 * attack is answered 403 with the block body, the internal service never sees the request (the connection was not
 * made), the blocked event names the rule, the API where it was stopped and the input; every twin is served without
 * a block. {@link SsrfVulnerableWithoutAgentIT} proves the attacks work without the agent.
 */
@ExtendWith(AppLogsOnFailure.class)
class SsrfBlockModeIT {
    static SsrfScenario x;

    @BeforeAll
    static void start(TestInfo info) {
        // JUnit runs this for the Javax subclass too, before the subclass's own start: that one starts the javax
        // app instead (a Spring app started here would be unused, and left running)
        if (info.getTestClass().orElseThrow() != SsrfBlockModeIT.class) {
            return;
        }
        x = new SsrfScenario("spring-ssrf-block", true);
    }

    @AfterAll
    static void stop() {
        if (x != null) {
            x.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void attackIsBlocked(String name) {
        SsrfCases.Attack c = x.attacks().stream()
            .filter(a -> a.name().equals(name)).findFirst().orElseThrow();
        int hits = x.service.secretHits.get();
        int mark = x.s.events.mark();
        Http.Resp r = x.s.http.get(c.target());
        List<String> evs = x.s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems, c.category());
        if (x.leaked(c, r)) {
            problems.add("the answer carries the secret");
        }
        if (x.service.secretHits.get() != hits) {
            problems.add("the internal service was asked for its secret");
        }
        // A name judged public by its text is monitored (ssrf.destination) before its connect is blocked.
        List<JsonNode> blocked = new ArrayList<>();
        for (String line : evs) {
            JsonNode ev = EventLog.parse(line);
            if ("blocked".equals(EventLog.text(ev, "action"))) {
                blocked.add(ev);
            } else if (!"ssrf.destination".equals(EventLog.text(ev, "rule_id"))) {
                problems.add("unexpected event " + line);
            }
        }
        if (blocked.size() != 1) {
            problems.add("expected exactly 1 blocked event, got " + blocked.size());
        } else {
            JsonNode ev = blocked.get(0);
            Scenario.expectEq(problems, "event rule_id", c.rule(), EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, "event category", c.category(), EventLog.text(ev, "category"));
            Scenario.expectEq(problems, "event sink.kind", c.category().equals("ssrf") ? "url" : "path",
                EventLog.text(ev, "sink.kind"));
            Scenario.expectEq(problems, "event sink.api", c.api(), EventLog.text(ev, "sink.api"));
            if (body != null) {
                Scenario.expectEq(problems, "event_id vs the 403 body", body.path("event_id").asText(null),
                    EventLog.text(ev, "event_id"));
            }
            if (c.name().contains("redirecting into the network")) {
                // The hop is judged as chosen by the input that chose the first URL.
                Scenario.expectEq(problems, "event input.transform", "redirect", EventLog.text(ev, "input.transform"));
            }
            if (EventLog.text(ev, "input.value") == null) {
                problems.add("the event names no input");
            }
            if (c.category().equals("ssrf") && EventLog.text(ev, "sink.destination") == null) {
                problems.add("the event names no destination");
            }
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.target() + "\n  - " + String.join("\n  - ", problems) + "\n  answer: " + r + "\n  events: " + evs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twinNames")
    void benignTwinIsServed(String name) {
        SsrfCases.Twin c = x.twins().stream()
            .filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        int mark = x.s.events.mark();
        Http.Resp r = x.s.http.get(c.target());
        List<String> evs = x.s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (r.status() != 200 || !r.body().contains(c.expect())) {
            problems.add("not served: " + r);
        }
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.target() + "\n  - " + String.join("\n  - ", problems));
        }
    }

    static List<String> names() {
        return SsrfCases.attackNames(false);
    }

    static List<String> twinNames() {
        return SsrfCases.twinNames(false);
    }
}
