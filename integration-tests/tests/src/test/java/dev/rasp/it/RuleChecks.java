package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the rules ITs check on one request: the answer, and the events it caused (sentinel-counted, see {@link Scenario}). */
final class RuleChecks {
    private RuleChecks() {}

    /** One request and the events it wrote. */
    record Outcome(Http.Resp resp, List<JsonNode> events) {
        JsonNode only() {
            assertEquals(1, events.size(), "exactly one event for " + resp + ": " + events);
            return events.get(0);
        }

        @Override
        public String toString() {
            return resp + " events=" + events;
        }
    }

    /** Sends {@code GET pathAndQuery} and collects its events. */
    static Outcome get(Scenario s, String pathAndQuery, String... headers) {
        return send(s, () -> s.http.get(pathAndQuery, headers));
    }

    /** Sends a form POST and collects its events. */
    static Outcome postForm(Scenario s, String path, java.util.Map<String, String> form) {
        return send(s, () -> s.http.postForm(path, form));
    }

    /** Sends the payload to one of the apps' endpoints (as the block-mode tables do) and collects its events. */
    static Outcome send(Scenario s, Endpoint e, String db, String payload) {
        return send(s, () -> e.send(s.http, db, payload));
    }

    static Outcome send(Scenario s, java.util.function.Supplier<Http.Resp> request) {
        int mark = s.events.mark();
        Http.Resp r = request.get();
        return new Outcome(r, parsed(s.eventsSince(mark)));
    }

    private static List<JsonNode> parsed(List<String> lines) {
        List<JsonNode> out = new ArrayList<>();
        for (String l : lines) {
            out.add(EventLog.parse(l));
        }
        return out;
    }

    /** 403 with the contract body naming {@code rule}, and one blocked event for it; returns the event. */
    static JsonNode assertBlockedBy(Outcome o, String category, String rule) {
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(o.resp(), problems, category);
        assertTrue(problems.isEmpty(), problems + " " + o);
        assertEquals(rule, body.path("rule").asText(), "the rule in the 403 body: " + o);
        JsonNode ev = o.only();
        assertEquals("blocked", EventLog.text(ev, "action"), o.toString());
        assertEquals(rule, EventLog.text(ev, "rule_id"), o.toString());
        assertEquals(body.path("event_id").asText(), EventLog.text(ev, "event_id"), o.toString());
        return ev;
    }

    /** The sink ran (status 200) and one monitored event names {@code rule}; returns the event. */
    static JsonNode assertMonitoredBy(Outcome o, String rule) {
        assertEquals(200, o.resp().status(), o.toString());
        JsonNode ev = o.only();
        assertEquals("monitored", EventLog.text(ev, "action"), o.toString());
        assertEquals(rule, EventLog.text(ev, "rule_id"), o.toString());
        return ev;
    }

    /** Served (200) and no event at all. */
    static void assertServedQuietly(Outcome o) {
        assertEquals(200, o.resp().status(), o.toString());
        assertEquals(List.of(), o.events(), "no event expected: " + o);
    }

    /** The ids in the event's other_rules. */
    static List<String> otherRules(JsonNode ev) {
        List<String> ids = new ArrayList<>();
        ev.path("other_rules").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    /** Waits until the agent's stderr holds a complete line containing {@code text}; returns that line. */
    static String awaitLogLine(AppProcess app, String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String l : app.stderrCompleteLines()) {
                if (l.contains(text)) {
                    return l;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log line containing '" + text + "' within " + timeout + "; agent lines: "
                    + app.agentLogLines());
            }
            AppProcess.sleep(50);
        }
    }

    /** How many stderr lines contain {@code text}. */
    static long countLogLines(AppProcess app, String text) {
        return app.stderrText().lines().filter(l -> l.contains(text)).count();
    }
}
