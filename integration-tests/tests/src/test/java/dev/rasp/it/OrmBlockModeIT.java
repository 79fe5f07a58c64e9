package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spring Boot 3 with JPA (Hibernate 6) and rasp.jar in block mode: JPQL, HQL and native-query injection is blocked at
 * the ORM method, before translation: 403 with the contract body, exactly one event (the JDBC statement the ORM would
 * have run never runs, and a call through Spring's EntityManager proxy is judged once), no user row served. The
 * benign twins pass with no event.
 */
@ExtendWith(AppLogsOnFailure.class)
class OrmBlockModeIT {
    static AppProcess app;
    static Scenario s;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-orm-block").mode("block").startShared(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    @ParameterizedTest(name = "{0}: the tautology is blocked")
    @EnumSource(OrmCases.class)
    void attackIsBlocked(OrmCases c) {
        int mark = s.events.mark();
        Http.Resp r = c.send(s.http, OrmCases.ATTACK);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems);
        for (String u : Case.ALL) {
            if (r.body().contains("\"" + u + "\"") || r.body().contains("example.com")) {
                problems.add("the answer serves user rows: " + r.body());
                break;
            }
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size() + ": " + evs);
        }
        if (!evs.isEmpty()) {
            JsonNode ev = EventLog.parse(evs.get(0));
            expect(problems, "action", "blocked", EventLog.text(ev, "action"));
            expect(problems, "rule_id", "sqli.tautology", EventLog.text(ev, "rule_id"));
            expect(problems, "category", "sqli", EventLog.text(ev, "category"));
            if (body != null) {
                expect(problems, "event_id (vs the 403 body)", body.path("event_id").asText(null), EventLog.text(ev, "event_id"));
            }
            expect(problems, "input.source", "query", EventLog.text(ev, "input.source"));
            expect(problems, "input.name", "name", EventLog.text(ev, "input.name"));
            expect(problems, "input.value", OrmCases.ATTACK, EventLog.text(ev, "input.value"));
            expect(problems, "sink.kind", "sql", EventLog.text(ev, "sink.kind"));
            expect(problems, "sink.api", c.api, EventLog.text(ev, "sink.api"));
            expect(problems, "sink.dialect", c.dialect, EventLog.text(ev, "sink.dialect"));
            String sinkValue = EventLog.text(ev, "sink.value");
            if (sinkValue == null || !sinkValue.contains(OrmCases.ATTACK)) {
                problems.add("sink.value does not contain the input: " + sinkValue);
            }
            expect(problems, "request.path", c.path, EventLog.text(ev, "request.path"));
        }
        report(c + " attack", r, evs, problems);
    }

    @ParameterizedTest(name = "{0}: benign twins pass without an event")
    @EnumSource(OrmCases.class)
    void benignTwinsPass(OrmCases c) {
        benign(c, () -> c.send(s.http, "alice"), List.of("alice"));
        benign(c, () -> c.sendSafe(s.http, "O'Brien"), List.of("O'Brien"));
        benign(c, () -> c.sendSafe(s.http, OrmCases.ATTACK), List.of());
    }

    private static void benign(OrmCases c, Supplier<Http.Resp> request, List<String> want) {
        int mark = s.events.mark();
        Http.Resp r = request.get();
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200");
        } else if (!OrmCases.names(r.body()).equals(want)) {
            problems.add("rows " + OrmCases.names(r.body()) + ", expected " + want);
        }
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        report(c + " benign " + r.target(), r, evs, problems);
    }

    private static void expect(List<String> problems, String what, String want, String got) {
        if (want == null ? got != null : !want.equals(got)) {
            problems.add("event " + what + " is '" + got + "', expected '" + want + "'");
        }
    }

    private static void report(String what, Http.Resp r, List<String> evs, List<String> problems) {
        if (!problems.isEmpty()) {
            fail(what + ":\n  " + String.join("\n  ", problems) + "\n  response: " + r + "\n  events: " + evs);
        }
    }
}
