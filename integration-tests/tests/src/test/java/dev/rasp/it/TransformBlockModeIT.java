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
 * Spring Boot 3 with rasp.jar in block mode: input the application transformed before the sink ({@link
 * TransformCases}) is still blocked: 403 with the block body, exactly one event naming the rule, the input as the
 * request carried it and the transform, and the attack had no effect; every twin is served without an event.
 * {@link TransformVulnerableWithoutAgentIT} proves the attacks work without the agent.
 */
@ExtendWith(AppLogsOnFailure.class)
class TransformBlockModeIT {
    static AppProcess app;
    static Scenario s;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-transform-block").mode("block").startShared(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    static List<TransformCases.Attack> attacks() {
        return TransformCases.attacks();
    }

    static List<TransformCases.Twin> twins() {
        return TransformCases.twins();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void transformedAttackIsBlocked(TransformCases.Attack c) {
        int mark = s.events.mark();
        Http.Resp r = c.req().send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems, c.category());
        if (c.effect().tookEffect(app, r)) {
            problems.add("the attack took effect: " + c.effect());
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        if (!evs.isEmpty()) {
            JsonNode ev = EventLog.parse(evs.get(0));
            Scenario.expectEq(problems, "event action", "blocked", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, "event rule_id", c.rule(), EventLog.text(ev, "rule_id"));
            if (body != null) {
                Scenario.expectEq(problems, "event_id vs the 403 body", body.path("event_id").asText(null),
                    EventLog.text(ev, "event_id"));
            }
            if (c.input() != null) {
                Scenario.expectEq(problems, "input.value (as the request carried it)", c.input(), EventLog.text(ev, "input.value"));
            } else if (EventLog.text(ev, "input.value") == null) {
                problems.add("the event names no input");
            }
            Scenario.expectEq(problems, "input.transform", c.transform(), EventLog.text(ev, "input.transform"));
            String transformed = EventLog.text(ev, "input.transformed");
            String sink = EventLog.text(ev, "sink.value");
            if (c.transform() != null && (transformed == null || sink == null || !sink.contains(transformed))) {
                problems.add("input.transformed '" + transformed + "' is not in sink.value '" + sink + "'");
            }
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.req() + "\n  - " + String.join("\n  - ", problems) + "\n  answer: " + r + "\n  events: " + evs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twins")
    void benignTwinIsServed(TransformCases.Twin c) {
        int mark = s.events.mark();
        Http.Resp r = c.req().send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = TransformVulnerableWithoutAgentIT.twinProblems(c, r);
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.req() + "\n  - " + String.join("\n  - ", problems) + "\n  answer: " + r);
        }
    }
}
