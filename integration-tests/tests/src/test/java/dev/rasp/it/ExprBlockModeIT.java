package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring Boot 3 (Tomcat) and javax (Jetty) with rasp.jar in block mode: every {@link ExprCases} attack is answered 403 with the block body
 * (category {@code expr}), its marker never appears (the expression was never parsed), exactly one blocked event names
 * the rule, the expression language and the input (none for the stored rule, which the policy stops); every twin is
 * served without an event. {@link ExprVulnerableWithoutAgentIT} proves the attacks run without the agent.
 */
@ExtendWith(AppLogsOnFailure.class)
class ExprBlockModeIT {
    static AppProcess app;
    static Scenario s;
    static AppProcess javax;
    static Scenario javaxScenario;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-expr-block").mode("block").startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-expr-block", ItConfig.javaxJar()).mode("block").startShared(Duration.ofSeconds(120));
        s = new Scenario(app);
        javaxScenario = new Scenario(javax);
    }

    @AfterAll
    static void stop() {
        for (AppProcess a : new AppProcess[] {app, javax}) {
            if (a != null) {
                a.release();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.ExprCases#attackNames")
    void attackIsBlocked(String name) throws Exception {
        ExprCases.Attack c = ExprCases.attack(name);
        AppProcess app = ExprCases.onJavax(name) ? javax : ExprBlockModeIT.app;
        Scenario s = ExprCases.onJavax(name) ? javaxScenario : ExprBlockModeIT.s;
        Path marker = ExprVulnerableWithoutAgentIT.marker(app);
        if (c.before(marker) != null) {
            s.http.get(c.before(marker));
        }
        int mark = s.events.mark();
        Http.Resp r = s.http.get(c.target(marker));
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems, "expr");
        Thread.sleep(200);
        if (Files.exists(marker)) {
            problems.add("the expression ran: " + marker + " exists");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        } else {
            JsonNode ev = EventLog.parse(evs.get(0));
            Scenario.expectEq(problems, "event action", "blocked", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, "event rule_id", c.rule(), EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, "event sink.kind", "expr", EventLog.text(ev, "sink.kind"));
            if (EventLog.text(ev, "sink.dialect") == null) {
                problems.add("the event names no expression language");
            }
            if (c.dialect() != null) {
                Scenario.expectEq(problems, "event sink.dialect", c.dialect(), EventLog.text(ev, "sink.dialect"));
            }
            if (body != null) {
                Scenario.expectEq(problems, "event_id vs the 403 body", body.path("event_id").asText(null),
                    EventLog.text(ev, "event_id"));
            }
            boolean policy = c.rule().startsWith("expr.policy.");
            if (!policy && EventLog.text(ev, "input.value") == null) {
                problems.add("the event names no input");
            }
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.target(marker) + "\n  - " + String.join("\n  - ", problems) + "\n  answer: " + r + "\n  events: " + evs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.ExprCases#twinNames")
    void benignTwinIsServed(String name) {
        ExprCases.Twin c = ExprCases.twin(name);
        Scenario s = ExprCases.onJavax(name) ? javaxScenario : ExprBlockModeIT.s;
        if (c.before() != null) {
            s.http.get(c.before());
        }
        int mark = s.events.mark();
        Http.Resp r = s.http.get(c.target());
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (r.status() != 200 || !r.body().equals(c.expect())) {
            problems.add("not served as expected: " + r);
        }
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.target() + "\n  - " + String.join("\n  - ", problems));
        }
    }
}
