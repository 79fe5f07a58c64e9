package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The checks of the hand-off endpoints ({@link HandOff}) against one running application: the request's context
 * follows the work to the thread that reaches the sink. Events are counted with the sentinel of {@link Scenario}.
 */
public final class HandOffScenario {
    static final String DB = "h2";
    static final String ATTACK = "' OR '1'='1";
    static final String BENIGN = "alice";
    static final String BLOCKED_EXCEPTION = "dev.rasp.bootstrap.RaspBlockedException";
    /** Names of threads that serve requests: Tomcat (platform, virtual) and Jetty. */
    static final Pattern CONTAINER_THREAD = Pattern.compile("^(http-nio-|tomcat-handler-|qtp)");
    static final Set<String> VIAS = Set.of("executor", "thread", "async-context");

    /** The command sink through the pool: {@code sh -c "getent hosts " + host} in a pool task. */
    static final SinkCase CMD_ATTACK = SinkCase.attack(SinkEndpoint.HANDOFF_LOOKUP_SH, "cmdi.shell", "127.0.0.1; touch {M}",
        SinkCase.Effect.marker());
    static final SinkCase CMD_BENIGN = SinkCase.benign(SinkEndpoint.HANDOFF_LOOKUP_SH, "127.0.0.1", "getent finds localhost",
        SinkCase.exitAndOutput(0, "localhost"));
    /** The file sink through the pool: {@code new FileInputStream(new File(base, name))} in a pool task. */
    static final SinkCase FILE_ATTACK = SinkCase.attack(SinkEndpoint.HANDOFF_READ, "path.traversal", SinkCases.SECRET_UP,
        SinkCase.Effect.leaksSecret());
    static final SinkCase FILE_BENIGN = SinkCase.benign(SinkEndpoint.HANDOFF_READ, "notes.txt", "notes",
        SinkCase.content(SinkCase.NOTES));

    private static final AtomicInteger SEQ = new AtomicInteger();

    final AppProcess app;
    final Scenario s;

    public HandOffScenario(AppProcess app) {
        this.app = app;
        this.s = new Scenario(app);
    }

    Http.Resp send(HandOff h, String name) {
        return s.http.get(h.path(DB) + "?name=" + Http.enc(name));
    }

    // ------------------------------------------------------------------ without protection

    /** No agent: the tautology returns every row, and the lookup ran where the endpoint says. */
    void assertVulnerable(HandOff h) {
        Http.Resp r = send(h, ATTACK);
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200");
        } else {
            List<String> names = Scenario.names(Scenario.jsonOrNull(r.body()));
            if (!names.equals(Case.ALL)) {
                problems.add("the injection did not return every row: " + names);
            }
            checkWorkerHeaders(h, r, problems);
        }
        report(h, ATTACK, r, List.of(), problems);
    }

    // ------------------------------------------------------------------ block mode

    /**
     * 403 with the contract body, exactly one blocked event: rule sqli.tautology, input query name = the attack,
     * the sink holds it, the request is this one, and (but for the async dispatch and ForkJoinTask work, which may run
     * on the serving thread) a handoff saying the thread
     * that ran the check and how the work got there; block_response as {@link HandOff.Answer} says.
     */
    JsonNode assertBlocked(HandOff h) {
        int mark = s.events.mark();
        Http.Resp r = send(h, ATTACK);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems);
        if (body != null) {
            Scenario.expectEq(problems, "body.rule", "sqli.tautology", body.path("rule").asText(null));
        }
        if (r.body().contains("bob@example.com")) {
            problems.add("the answer carries rows: the query ran");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        JsonNode ev = evs.isEmpty() ? null : EventLog.parse(evs.get(0));
        if (ev != null) {
            checkSqlEvent(ev, h, ATTACK, body, problems);
            if (h.answer != HandOff.Answer.ASYNC_DISPATCH && h.answer != HandOff.Answer.FORK_JOIN_TASK) {
                checkHandOff(ev, h.via, h.threadPrefix, h.workerIsNotAContainerThread(), h == HandOff.VIRTUAL_EXECUTOR, problems);
            }
            String br = EventLog.text(ev, "block_response");
            switch (h.answer) {
                case SERVING_THREAD_WAITS:
                    Scenario.expectEq(problems, "event: block_response", "deferred", br);
                    break;
                case ASYNC_CONTEXT_HELD:
                    Scenario.expectEq(problems, "event: block_response", "sent", br);
                    break;
                case ASYNC_CONTEXT:
                case ASYNC_DISPATCH:
                case FORK_JOIN_TASK:
                    if (!"sent".equals(br) && !"deferred".equals(br)) {
                        problems.add("event: block_response is '" + br + "', expected 'sent' or 'deferred' (the client got the 403)");
                    }
                    break;
                default:
                    break;
            }
        }
        report(h, ATTACK, r, evs, problems);
        return ev;
    }

    /** alice: 200 with exactly alice's row, the worker thread as expected, no event. */
    void assertBenign(HandOff h) {
        int mark = s.events.mark();
        Http.Resp r = send(h, BENIGN);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        checkBenignAnswer(h, r, problems);
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs.size());
        }
        report(h, BENIGN, r, evs, problems);
    }

    static void checkBenignAnswer(HandOff h, Http.Resp r, List<String> problems) {
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200");
            return;
        }
        JsonNode body = Scenario.jsonOrNull(r.body());
        if (body == null || !body.isArray()) {
            problems.add("body is not a JSON array of rows");
            return;
        }
        List<String> names = Scenario.names(body);
        if (!names.equals(List.of(BENIGN))) {
            problems.add("rows " + names + ", expected exactly [alice]");
        }
        checkWorkerHeaders(h, r, problems);
    }

    /** The answer's X-Worker-Thread / X-Serving-Thread: the lookup ran where the endpoint says. */
    static void checkWorkerHeaders(HandOff h, Http.Resp r, List<String> problems) {
        String serving = r.header("X-Serving-Thread");
        String worker = r.header("X-Worker-Thread");
        if (serving == null) {
            problems.add("no X-Serving-Thread header");
        }
        if (h.answer == HandOff.Answer.ASYNC_DISPATCH) {
            return; // the by-name servlet answers; it names no worker
        }
        if (worker == null) {
            problems.add("no X-Worker-Thread header");
            return;
        }
        if (h.threadPrefix != null && !worker.startsWith(h.threadPrefix)) {
            problems.add("the lookup ran on '" + worker + "', expected a thread named " + h.threadPrefix + "*");
        }
        if (h.workerIsNotAContainerThread() && serving != null && worker.equals(serving)) {
            problems.add("the lookup ran on the serving thread " + serving);
        }
        if (h.virtualWorker() && !"true".equals(r.header("X-Worker-Virtual"))) {
            problems.add("the lookup did not run on a virtual thread (X-Worker-Virtual " + r.header("X-Worker-Virtual") + ")");
        }
    }

    /** The contract's fields of a blocked SQL event of a hand-off endpoint. */
    static void checkSqlEvent(JsonNode ev, HandOff h, String payload, JsonNode blockBody, List<String> problems) {
        String p = "event: ";
        Scenario.expectEq(problems, p + "action", "blocked", EventLog.text(ev, "action"));
        Scenario.expectEq(problems, p + "category", "sqli", EventLog.text(ev, "category"));
        Scenario.expectEq(problems, p + "rule_id", "sqli.tautology", EventLog.text(ev, "rule_id"));
        for (String f : new String[] {"time", "event_id", "request_id", "confidence", "agent_version"}) {
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
        Scenario.expectEq(problems, p + "input.source", "query", EventLog.text(ev, "input.source"));
        Scenario.expectEq(problems, p + "input.name", "name", EventLog.text(ev, "input.name"));
        Scenario.expectEq(problems, p + "input.value", payload, EventLog.text(ev, "input.value"));
        String sinkValue = EventLog.text(ev, "sink.value");
        if (sinkValue == null || !sinkValue.contains(payload)) {
            problems.add(p + "sink.value does not contain the input: " + sinkValue);
        }
        if (!Scenario.dialectMatches(DB, EventLog.text(ev, "sink.dialect"))) {
            problems.add(p + "sink.dialect '" + EventLog.text(ev, "sink.dialect") + "' does not name h2");
        }
        Scenario.expectEq(problems, p + "request.method", "GET", EventLog.text(ev, "request.method"));
        String path = EventLog.text(ev, "request.path");
        Set<String> paths = h.answer == HandOff.Answer.ASYNC_DISPATCH
            ? Set.of(h.path(DB), "/" + DB + "/users/by-name") : Set.of(h.path(DB));
        if (!paths.contains(path)) {
            problems.add(p + "request.path is '" + path + "', expected " + (paths.size() == 1 ? "'" + h.path(DB) + "'" : "one of " + paths));
        }
        if (Scenario.isEmpty(EventLog.text(ev, "request.client"))) {
            problems.add(p + "request.client is missing");
        }
        if (!ev.path("stack").isArray() || ev.path("stack").size() == 0) {
            problems.add(p + "stack is not a non-empty array");
        }
    }

    /**
     * The event's handoff: present, via as expected (or one of the contract's), thread named as expected, or at least
     * not a container thread when the worker is the application's.
     */
    static void checkHandOff(JsonNode ev, String via, String threadPrefix, boolean notAContainerThread,
                             boolean threadMayBeUnnamed, List<String> problems) {
        JsonNode ho = ev.get("handoff");
        if (ho == null || !ho.isObject()) {
            problems.add("event: no handoff object (the check ran off the serving thread)");
            return;
        }
        String gotVia = EventLog.text(ev, "handoff.via");
        if (via != null) {
            Scenario.expectEq(problems, "event: handoff.via", via, gotVia);
        } else if (!VIAS.contains(gotVia)) {
            problems.add("event: handoff.via is '" + gotVia + "', expected one of " + VIAS);
        }
        String thread = ho.has("thread") && ho.get("thread").isTextual() ? ho.get("thread").asText() : null;
        if (thread == null) {
            problems.add("event: handoff.thread is missing");
        } else if (thread.isEmpty() && !threadMayBeUnnamed) {
            problems.add("event: handoff.thread is empty");
        } else if (threadPrefix != null && !thread.startsWith(threadPrefix)) {
            problems.add("event: handoff.thread is '" + thread + "', expected " + threadPrefix + "*");
        } else if (notAContainerThread && CONTAINER_THREAD.matcher(thread).find()) {
            problems.add("event: handoff.thread is '" + thread + "', a thread that serves requests, not the worker");
        }
    }

    /**
     * A command or file attack through the pool ({@link SinkScenario#assertBlocked}: 403, one event, no effect) whose
     * event says handoff via executor on a handoff-pool thread, block_response deferred.
     */
    void assertSinkBlockedThroughPool(SinkCase c) {
        JsonNode ev = new SinkScenario(app).assertBlocked(c);
        List<String> problems = new ArrayList<>();
        checkHandOff(ev, "executor", "handoff-pool-", true, false, problems);
        Scenario.expectEq(problems, "event: block_response", "deferred", EventLog.text(ev, "block_response"));
        if (!problems.isEmpty()) {
            fail(c + " on " + app.name() + ":\n  - " + String.join("\n  - ", problems) + "\n  event: " + ev);
        }
    }

    // ------------------------------------------------------------------ the late task

    /** A /handoff/late request: the command input, the key its result is kept under, the marker it would create. */
    record Late(String key, Path marker, String input, Http.Resp answer) {}

    /** GET /handoff/late?name=127.0.0.1; touch <marker>&marker=<key>. */
    Late sendLate() {
        String key = "late-" + SEQ.incrementAndGet() + "-" + System.nanoTime();
        Path marker = app.markersDir().resolve(key);
        String input = "127.0.0.1; touch " + marker;
        Http.Resp r = s.http.get("/handoff/late?name=" + Http.enc(input) + "&marker=" + Http.enc(key));
        return new Late(key, marker, input, r);
    }

    /** Polls /handoff/late-result until the task is done: {done, committed, exit, output} or {.., exception, message}. */
    JsonNode awaitLateResult(Late l, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Http.Resp last;
        do {
            last = s.http.get("/handoff/late-result?marker=" + Http.enc(l.key()));
            if (last.status() == 200) {
                JsonNode n = Scenario.json(last.body());
                if (n.path("done").asBoolean(false)) {
                    return n;
                }
            }
            AppProcess.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the late task " + l.key() + " did not finish within " + timeout + ": " + last);
    }

    /** The scenario is about time: watches for the marker until the given time has passed since the request. */
    static boolean markerAppearsWithin(Path marker, long sentNanos, Duration window) {
        while (System.nanoTime() - sentNanos < window.toNanos()) {
            if (Files.exists(marker)) {
                return true;
            }
            AppProcess.sleep(100);
        }
        return Files.exists(marker);
    }

    // ------------------------------------------------------------------ engine counters

    /** GET /debug/rasp-stats: the engine's counters (the agent's RaspTelemetry.engineStats()). */
    JsonNode stats() {
        return s.engineStats();
    }

    /** POST /debug/gc, then the stats, until contexts_live is 0; fails with the last stats after the timeout. */
    JsonNode awaitNoLiveContext(Duration timeout, String when) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last;
        do {
            Http.Resp gc = s.http.post("/debug/gc");
            if (gc.status() != 200) {
                throw new AssertionError("POST /debug/gc: " + gc);
            }
            last = stats();
            if (last.path("contexts_live").asLong(-1) == 0) {
                return last;
            }
            AppProcess.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(when + ": contexts_live did not return to 0 within " + timeout
            + " (garbage collected between polls); engine stats " + last);
    }

    // ------------------------------------------------------------------ report

    private void report(HandOff h, String payload, Http.Resp r, List<String> evs, List<String> problems) {
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append(h).append(" <- ").append(payload).append(" on ").append(app.name()).append(":\n");
        for (String p : problems) {
            b.append("  - ").append(p).append('\n');
        }
        b.append("  answer  : ").append(r).append(" X-Serving-Thread=").append(r.header("X-Serving-Thread"))
            .append(" X-Worker-Thread=").append(r.header("X-Worker-Thread")).append('\n');
        b.append("  events  : ").append(evs.isEmpty() ? "none" : String.join("\n            ", evs));
        fail(b.toString());
    }
}
