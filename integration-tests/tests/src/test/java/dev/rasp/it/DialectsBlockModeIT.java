package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Spring Boot 3 with rasp.jar in block mode, on the cases where the database's own lexical rules decide
 * ({@link DialectCases}): each attack gets the 403 block body and exactly one event naming the input, the rule and
 * the dialect, with no rows; each twin (a Derby value ending in a backslash, a name or a sort direction after a
 * non-breaking space) gets its 200 answer and no event.
 */
@ExtendWith(AppLogsOnFailure.class)
class DialectsBlockModeIT {
    static AppProcess app;
    static Scenario s;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-dialects-block").mode("block").startShared(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    static List<DialectCases.Attack> attacks() {
        return DialectCases.attacks();
    }

    static List<DialectCases.Benign> benign() {
        return DialectCases.benign();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackIsBlocked(DialectCases.Attack a) {
        int mark = s.events.mark();
        Http.Resp r = s.http.get(a.target().uri(a.payload()));
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems);
        if (body != null) {
            Scenario.expectEq(problems, "body.rule", a.rule(), body.path("rule").asText(null));
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size() + ": " + evs);
        } else {
            JsonNode ev = EventLog.parse(evs.get(0));
            String p = "event: ";
            Scenario.expectEq(problems, p + "action", "blocked", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, p + "category", "sqli", EventLog.text(ev, "category"));
            Scenario.expectEq(problems, p + "rule_id", a.rule(), EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, p + "input.source", "query", EventLog.text(ev, "input.source"));
            Scenario.expectEq(problems, p + "input.name", a.target().param(), EventLog.text(ev, "input.name"));
            Scenario.expectEq(problems, p + "input.value", a.payload(), EventLog.text(ev, "input.value"));
            Scenario.expectEq(problems, p + "sink.dialect", a.target().dialect(), EventLog.text(ev, "sink.dialect"));
            Scenario.expectEq(problems, p + "request.path", a.target().path(), EventLog.text(ev, "request.path"));
            String sink = EventLog.text(ev, "sink.value");
            if (sink == null || !sink.contains(a.payload())) {
                problems.add(p + "sink.value does not contain the input: " + sink);
            }
            if (body != null) {
                Scenario.expectEq(problems, p + "event_id (vs the 403 body)", body.path("event_id").asText(null),
                    EventLog.text(ev, "event_id"));
            }
        }
        assertTrue(problems.isEmpty(), a + ": " + problems + "\n  answer: " + r);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benign")
    void twinPasses(DialectCases.Benign b) {
        int mark = s.events.mark();
        Http.Resp r = s.http.get(b.target().uri(b.payload()));
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200");
        } else {
            try {
                b.check().accept(Scenario.json(r.body()));
            } catch (AssertionError e) {
                problems.add(e.getMessage());
            }
        }
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs.size() + ": " + evs);
        }
        assertTrue(problems.isEmpty(), b + ": " + problems + "\n  answer: " + r);
    }
}
