package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The checks of the input-source tables ({@link SourceCases}) against one running application. */
final class SourceScenario {
    final AppProcess app;
    final Scenario s;

    SourceScenario(AppProcess app) {
        this.app = app;
        this.s = new Scenario(app);
    }

    /**
     * Block mode: 403 with the contract body, exactly one blocked event naming the input as the application read it
     * (source, name, value) and the sink, and nothing happened (no rows in the answer, no file written outside).
     */
    void assertBlocked(SourceCase c) {
        SourceCase.Run run = new SourceCase.Run(c, app);
        run.prepare();
        SourceCase.Req req = run.attackRequest();
        int mark = s.events.mark();
        Http.Resp r = req.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems, c.kind.category);
        if (run.effectHappened(r)) {
            problems.add(c.kind == SourceCase.Kind.SQL ? "the rows were served" : "the file was written: " + run.fill(c.effectFile));
        }
        if (r.body().contains("@example.com")) {
            problems.add("the answer holds user rows");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        if (!evs.isEmpty()) {
            checkEvent(EventLog.parse(evs.get(0)), run, body, problems);
        }
        report(run, req, r, evs, problems);
    }

    /** The benign twin (same encoding, same format): 200 with the right answer, and no event. */
    void assertBenign(SourceCase c) {
        SourceCase.Run run = new SourceCase.Run(c, app);
        SourceCase.Req req = run.benignRequest();
        int mark = s.events.mark();
        Http.Resp r = req.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        run.checkBenign(r, problems);
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs.size());
        }
        report(run, req, r, evs, problems);
    }

    /** Without the agent: the attack takes effect through the value the application was meant to read. */
    static void assertTakesEffect(AppProcess app, SourceCase c) {
        SourceCase.Run run = new SourceCase.Run(c, app);
        run.prepare();
        SourceCase.Req req = run.attackRequest();
        Http.Resp r = req.send(new Http(app.baseUrl()));
        List<String> problems = new ArrayList<>();
        run.checkTookEffect(r, problems);
        if (!problems.isEmpty()) {
            fail(c + " on " + app.name() + ":\n  - " + String.join("\n  - ", problems) + "\n  request : " + req + "\n  answer  : " + r
                + "\n  seen    : " + SourceCase.Run.seen(r));
        }
    }

    /** Without the agent: the twin answers as the block tests expect. */
    static void assertTwinAnswers(AppProcess app, SourceCase c) {
        SourceCase.Run run = new SourceCase.Run(c, app);
        SourceCase.Req req = run.benignRequest();
        Http.Resp r = req.send(new Http(app.baseUrl()));
        List<String> problems = new ArrayList<>();
        run.checkBenign(r, problems);
        if (!problems.isEmpty()) {
            fail(c + " (twin " + run.fill(c.benign) + ") on " + app.name() + ":\n  - " + String.join("\n  - ", problems)
                + "\n  request : " + req + "\n  answer  : " + r + "\n  seen    : " + SourceCase.Run.seen(r));
        }
    }

    /** The contract's fields, with the input as the application read it. */
    static void checkEvent(JsonNode ev, SourceCase.Run run, JsonNode blockBody, List<String> problems) {
        SourceCase c = run.c;
        String p = "event: ";
        Scenario.expectEq(problems, p + "action", "blocked", EventLog.text(ev, "action"));
        Scenario.expectEq(problems, p + "category", c.kind.category, EventLog.text(ev, "category"));
        for (String f : new String[] {"time", "event_id", "request_id", "rule_id", "confidence", "agent_version"}) {
            if (Scenario.isEmpty(EventLog.text(ev, f))) {
                problems.add(p + f + " is missing or empty");
            }
        }
        if (c.rule != null) {
            Scenario.expectEq(problems, p + "rule_id", c.rule, EventLog.text(ev, "rule_id"));
        }
        if (blockBody != null) {
            Scenario.expectEq(problems, p + "event_id (vs the 403 body)", blockBody.path("event_id").asText(null),
                EventLog.text(ev, "event_id"));
            Scenario.expectEq(problems, p + "rule_id (vs the 403 body's rule)", blockBody.path("rule").asText(null),
                EventLog.text(ev, "rule_id"));
        }
        String source = EventLog.text(ev, "input.source");
        if (source == null || !c.sources.contains(source)) {
            problems.add(p + "input.source is '" + source + "', expected " + (c.sources.size() == 1 ? "'" + c.sources.iterator().next() + "'"
                : "one of " + c.sources));
        }
        String name = EventLog.text(ev, "input.name");
        if (!c.inputName.test(name)) {
            problems.add(p + "input.name is '" + name + "', expected " + c.nameRule);
        }
        // the value the application used; a derived form the engine matched (decoded once more) is input.transformed
        String value = EventLog.text(ev, "input.value");
        String transformed = EventLog.text(ev, "input.transformed");
        Set<String> want = run.eventValues();
        if ((value == null || !want.contains(value)) && (transformed == null || !want.contains(transformed))) {
            problems.add(p + "input.value is '" + value + "'" + (transformed == null ? "" : " (transformed '" + transformed + "')")
                + ", expected " + (want.size() == 1 ? "'" + want.iterator().next() + "'" : "one of " + want));
        }
        String sinkValue = EventLog.text(ev, "sink.value");
        String matched = transformed != null ? transformed : value;
        if (sinkValue == null || matched == null || !sinkValue.contains(matched)) {
            problems.add(p + "sink.value does not contain the input: " + sinkValue);
        }
        if (c.kind == SourceCase.Kind.PATH) {
            Scenario.expectEq(problems, p + "sink.kind", "path", EventLog.text(ev, "sink.kind"));
            String op = EventLog.text(ev, "sink.op") != null ? EventLog.text(ev, "sink.op") : EventLog.text(ev, "sink.dialect");
            Scenario.expectEq(problems, p + "sink.op (or sink.dialect)", "write", op);
        } else {
            if (Scenario.isEmpty(EventLog.text(ev, "sink.kind"))) {
                problems.add(p + "sink.kind is missing");
            }
            if (!Scenario.dialectMatches("h2", EventLog.text(ev, "sink.dialect"))) {
                problems.add(p + "sink.dialect '" + EventLog.text(ev, "sink.dialect") + "' does not name h2");
            }
        }
        if (Scenario.isEmpty(EventLog.text(ev, "sink.api"))) {
            problems.add(p + "sink.api is missing");
        }
        if (!ev.path("sink").has("span")) {
            problems.add(p + "sink.span is missing");
        }
        Scenario.expectEq(problems, p + "request.method", c.method(), EventLog.text(ev, "request.method"));
        String path = EventLog.text(ev, "request.path");
        if (c.requestPathIsPrefix ? path == null || !path.startsWith(c.requestPath) : !c.requestPath.equals(path)) {
            problems.add(p + "request.path is '" + path + "', expected " + (c.requestPathIsPrefix ? "a path under " : "") + c.requestPath);
        }
        if (Scenario.isEmpty(EventLog.text(ev, "request.client"))) {
            problems.add(p + "request.client is missing");
        }
        if (!ev.path("stack").isArray() || ev.path("stack").size() == 0) {
            problems.add(p + "stack is not a non-empty array");
        }
    }

    private void report(SourceCase.Run run, SourceCase.Req req, Http.Resp r, List<String> evs, List<String> problems) {
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append(run.c).append(" on ").append(app.name()).append(":\n");
        for (String p : problems) {
            b.append("  - ").append(p).append('\n');
        }
        b.append("  why     : ").append(run.c.why).append('\n');
        b.append("  request : ").append(req).append('\n');
        b.append("  answer  : ").append(r).append('\n');
        b.append("  events  : ").append(evs.isEmpty() ? "none" : String.join("\n            ", evs));
        fail(b.toString());
    }
}
