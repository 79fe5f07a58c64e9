package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks of the command and file tables against one running application (events are counted with the SQL
 * sentinel of {@link Scenario}).
 */
public final class SinkScenario {
    final Scenario s;
    final AppProcess app;

    public SinkScenario(AppProcess app) {
        this.app = app;
        this.s = new Scenario(app);
    }

    /**
     * Block mode: 403 with the contract body, exactly one blocked event naming the rule, the input and the sink,
     * and the attack's side effect did not happen (no marker, nothing served, no file written or deleted).
     */
    public JsonNode assertBlocked(SinkCase c) {
        SinkCase.Run run = new SinkCase.Run(c, app);
        run.prepare();
        int mark = s.events.mark();
        Http.Resp r = run.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems, c.endpoint.kind.category);
        if (c.effect.happened(run, r)) {
            problems.add("the attack took effect: " + c.effect);
        }
        run.checkNoLeak(r, problems);
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        if (!evs.isEmpty()) {
            checkEvent(EventLog.parse(evs.get(0)), "blocked", run, body, problems);
        }
        report(run, r, evs, problems);
        return EventLog.parse(evs.get(0));
    }

    /**
     * Path events name the operation in sink.op (read, write, delete, list): one blocked attack per op.
     */
    public void assertPathEventsNameTheOp(String appName) {
        List<String> problems = new ArrayList<>();
        for (SinkCase c : List.of(
            SinkCases.findAttack(appName, SinkEndpoint.READ, SinkCases.SECRET_UP),
            SinkCases.findAttack(appName, SinkEndpoint.WRITE, "../x-{N}.txt"),
            SinkCases.findAttack(appName, SinkEndpoint.DELETE, "../../outside/victim-{N}.txt"),
            SinkCases.findAttack(appName, SinkEndpoint.LIST, "../../outside"))) {
            JsonNode ev = assertBlocked(c);
            String op = EventLog.text(ev, "sink.op");
            if (!c.endpoint.op.equals(op)) {
                problems.add(c.endpoint.describe() + ": sink.op is '" + op + "', expected '" + c.endpoint.op
                    + "' (sink.dialect is '" + EventLog.text(ev, "sink.dialect") + "'); sink " + ev.path("sink"));
            }
        }
        if (!problems.isEmpty()) {
            fail("path events should carry the operation in sink.op:\n  - " + String.join("\n  - ", problems));
        }
    }

    /** Benign twin: the expected status and answer, no event, no leak, no marker. */
    public void assertBenign(SinkCase c) {
        SinkCase.Run run = new SinkCase.Run(c, app);
        run.prepare();
        int mark = s.events.mark();
        Http.Resp r = run.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        checkBenignAnswer(run, r, problems);
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs.size());
        }
        report(run, r, evs, problems);
    }

    /** Monitor mode: the attack runs (its side effect is there) and exactly one monitored event is written. */
    public void assertMonitored(SinkCase c) {
        SinkCase.Run run = new SinkCase.Run(c, app);
        run.prepare();
        int mark = s.events.mark();
        Http.Resp r = run.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (!c.effect.happened(run, r)) {
            problems.add("the attack did not take effect (" + c.effect + ") although monitor mode lets it run");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        if (!evs.isEmpty()) {
            checkEvent(EventLog.parse(evs.get(0)), "monitored", run, null, problems);
        }
        report(run, r, evs, problems);
    }

    /** Without protection (no agent, or mode off): the attack takes effect. Returns the answer. */
    static Http.Resp assertTakesEffect(AppProcess app, SinkCase c) {
        SinkCase.Run run = new SinkCase.Run(c, app);
        run.prepare();
        Http.Resp r = run.send(new Http(app.baseUrl()));
        if (!c.effect.happened(run, r)) {
            fail(c + " on " + app.name() + ": the attack did not take effect (" + c.effect + ")\n  sent   : "
                + run.values + " " + run.extra + "\n  answer : " + r);
        }
        return r;
    }

    static void checkBenignAnswer(SinkCase.Run run, Http.Resp r, List<String> problems) {
        SinkCase c = run.c;
        if (r.status() != c.status) {
            problems.add("status " + r.status() + ", expected " + c.status);
        } else {
            JsonNode body = Scenario.jsonOrNull(r.body());
            if (body == null) {
                problems.add("body is not JSON");
            } else if (c.check != null) {
                try {
                    c.check.check(run, r, body);
                } catch (AssertionError | IOException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        run.checkNoLeak(r, problems);
    }

    /** The contract's event fields for a cmd or path event. */
    static void checkEvent(JsonNode ev, String action, SinkCase.Run run, JsonNode blockBody, List<String> problems) {
        SinkCase c = run.c;
        SinkEndpoint e = c.endpoint;
        String p = "event: ";
        Scenario.expectEq(problems, p + "action", action, EventLog.text(ev, "action"));
        Scenario.expectEq(problems, p + "category", e.kind.category, EventLog.text(ev, "category"));
        Scenario.expectEq(problems, p + "rule_id", c.rule, EventLog.text(ev, "rule_id"));
        for (String f : new String[] {"time", "event_id", "request_id", "rule_id", "confidence", "agent_version"}) {
            if (Scenario.isEmpty(EventLog.text(ev, f))) {
                problems.add(p + f + " is missing or empty");
            }
        }
        if (blockBody != null) {
            Scenario.expectEq(problems, p + "event_id (vs the 403 body)", blockBody.path("event_id").asText(null),
                EventLog.text(ev, "event_id"));
            Scenario.expectEq(problems, p + "rule_id (vs the 403 body's rule)", blockBody.path("rule").asText(null),
                EventLog.text(ev, "rule_id"));
        }
        if (e.send.source != null) {
            Scenario.expectEq(problems, p + "input.source", e.send.source, EventLog.text(ev, "input.source"));
        }
        String name = EventLog.text(ev, "input.name");
        boolean nameOk = e.send.source == null || name != null && (name.equals(e.input)
            || e.send == SinkEndpoint.Send.JSON && (name.endsWith("." + e.input) || name.endsWith("/" + e.input)));
        if (!nameOk) {
            problems.add(p + "input.name '" + name + "', expected '" + e.input + "'");
        }
        // input.value is the value as the request carried it; when the engine matched a form the
        // application derived from it (decoded once more, backslashes as slashes), that form is
        // input.transformed and is what the sink contains.
        String value = EventLog.text(ev, "input.value");
        String transformed = EventLog.text(ev, "input.transformed");
        Set<String> want = run.eventInputs();
        if (!want.contains(value) && (transformed == null || !want.contains(transformed))) {
            problems.add(p + "input.value is '" + value + "', expected " + (want.size() == 1 ? "'" + want.iterator().next() + "'" : "one of " + want));
        }
        Scenario.expectEq(problems, p + "sink.kind", e.kind.sinkKind, EventLog.text(ev, "sink.kind"));
        if (Scenario.isEmpty(EventLog.text(ev, "sink.api"))) {
            problems.add(p + "sink.api is missing");
        }
        String sinkValue = EventLog.text(ev, "sink.value");
        String matched = transformed != null ? transformed : value;
        if (sinkValue == null || matched == null || !sinkValue.contains(matched)) {
            problems.add(p + "sink.value does not contain the input: " + sinkValue);
        }
        if (e.kind == SinkEndpoint.Kind.PATH) {
            // the op is meant for sink.op; engines that still put it into sink.dialect pass here (see pathEventsNameTheOp)
            String op = EventLog.text(ev, "sink.op") != null ? EventLog.text(ev, "sink.op") : EventLog.text(ev, "sink.dialect");
            Scenario.expectEq(problems, p + "sink.op (or sink.dialect)", e.op, op);
        }
        if (!ev.path("sink").has("span")) {
            problems.add(p + "sink.span is missing");
        }
        Scenario.expectEq(problems, p + "request.method", e.method(), EventLog.text(ev, "request.method"));
        Scenario.expectEq(problems, p + "request.path", e.path, EventLog.text(ev, "request.path"));
        if (Scenario.isEmpty(EventLog.text(ev, "request.client"))) {
            problems.add(p + "request.client is missing");
        }
        if (!ev.path("stack").isArray() || ev.path("stack").size() == 0) {
            problems.add(p + "stack is not a non-empty array");
        }
    }

    private void report(SinkCase.Run run, Http.Resp r, List<String> evs, List<String> problems) {
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append(run.c).append(" on ").append(app.name()).append(":\n");
        for (String p : problems) {
            b.append("  - ").append(p).append('\n');
        }
        b.append("  request : ").append(run.c.endpoint.method()).append(' ').append(run.c.endpoint.path).append(' ')
            .append(run.c.endpoint.input).append('=').append(run.values).append(run.extra.isEmpty() ? "" : " " + run.extra)
            .append('\n');
        b.append("  answer  : ").append(r).append('\n');
        b.append("  events  : ").append(evs.isEmpty() ? "none" : String.join("\n            ", evs));
        fail(b.toString());
    }
}
