package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The checks the test classes share, against one running application.
 *
 * <p>Counting events: the agent writes events from a background thread, so "no event" and "exactly one event"
 * need a point where the writer has caught up. After each request under test a <em>sentinel</em> attack with a
 * unique marker is sent (to /sqlite/users/by-name, a plain DriverManager connection); the writer is FIFO, so once the
 * sentinel's event is in the file, every event of the request under test is too. Lines carrying a sentinel marker
 * are never counted for a case.
 */
public final class Scenario {
    static final String SENTINEL_DB = "sqlite";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Pattern SENTINEL = Pattern.compile("zq\\d+zq");
    static final Set<String> BLOCK_BODY_KEYS = Set.of("blocked", "category", "rule", "event_id");

    final AppProcess app;
    final Http http;
    final EventLog events;
    private boolean sentinelWorks = true;

    public Scenario(AppProcess app) {
        this.app = app;
        this.http = new Http(app.baseUrl());
        this.events = new EventLog(app.eventsFile());
    }

    // ------------------------------------------------------------------ event bookkeeping

    /** The events written since the mark by the request(s) sent since, sentinel lines excluded. */
    List<String> eventsSince(int mark) {
        String marker = "zq" + SEQ.incrementAndGet() + "zq";
        String payload = "' OR '" + marker + "'='" + marker;
        Http.Resp r = http.get("/" + SENTINEL_DB + "/users/by-name?name=" + Http.enc(payload));
        List<String> lines;
        if (sentinelWorks) {
            try {
                lines = events.awaitLine(mark, n -> n.toString().contains(marker), Duration.ofSeconds(10),
                    "the sentinel attack " + payload + " (answered " + r.status() + ")");
            } catch (AssertionError e) {
                sentinelWorks = false;
                System.err.println("WARNING: the sentinel attack produced no event (" + e.getMessage()
                    + "); event counts fall back to waiting 1 s after each request");
                lines = events.linesSince(mark);
            }
        } else {
            AppProcess.sleep(1000);
            lines = events.linesSince(mark);
        }
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (!SENTINEL.matcher(l).find()) {
                out.add(l);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ database state

    JsonNode state(String db) {
        Http.Resp r = http.get("/" + db + "/state");
        if (r.status() != 200) {
            return null;
        }
        return json(r.body());
    }

    static boolean intact(JsonNode s) {
        if (s == null || !s.path("usersExists").asBoolean(false) || s.path("userCount").asInt() != Case.ALL.size()
            || s.path("secretsCount").asInt() != 2) {
            return false;
        }
        List<String> names = new ArrayList<>();
        s.path("names").forEach(n -> names.add(n.asText()));
        return names.equals(Case.ALL);
    }

    void reset(String db) {
        Http.Resp r = http.post("/reset/" + db);
        if (r.status() != 200) {
            throw new AssertionError("reset of " + db + " failed: " + r);
        }
    }

    // ------------------------------------------------------------------ block mode

    /** 403 + the contract body, exactly one blocked event naming the input, the database unchanged, no leak. */
    public void assertBlocked(String db, Case c) {
        int mark = events.mark();
        Http.Resp r = c.endpoint.send(http, db, c.payload);
        List<String> evs = eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode state = stateAfter(db, problems);
        JsonNode body = checkBlockAnswer(r, problems);
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        if (!evs.isEmpty()) {
            checkEvent(EventLog.parse(evs.get(0)), "blocked", db, c.endpoint, c.payload, body, problems);
        }
        report(db, c, r, evs, state, problems);
    }

    /**
     * The same attack sent {@code times} times in a row, nothing between them: from the third on,
     * the engine opens the request's context with the inputs it compiled for an earlier one
     * (rasp_engine::context_cache; the engine's {@code contexts_shared} counter must grow by at
     * least {@code times - 2} unless the payload makes the record too long to keep), and its SQL
     * check finds the statement lexed by an earlier one (rasp_engine::statement_cache; the
     * {@code statements_cached} counter grows by as much unless the statement is over 1 KiB): the
     * verdict is still worked out from each request's own input. Each one is blocked with its own
     * event and request id, and the database is intact.
     */
    public void assertRepeatedlyBlocked(String db, Case c, int times) {
        JsonNode before = engineStats();
        long sharedBefore = before.path("contexts_shared").asLong();
        long cachedBefore = before.path("statements_cached").asLong();
        int mark = events.mark();
        List<Http.Resp> answers = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            answers.add(c.endpoint.send(http, db, c.payload));
        }
        JsonNode after = engineStats();
        long shared = after.path("contexts_shared").asLong() - sharedBefore;
        long cached = after.path("statements_cached").asLong() - cachedBefore;
        List<String> evs = eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode state = stateAfter(db, problems);
        // Records over 2 KiB are compiled for every request (rasp_engine::context_cache): a
        // payload of half that already makes one, with the test client's headers.
        if (c.payload.length() < 1024 && shared < times - 2) {
            problems.add(times + " identical requests shared compiled inputs " + shared + " times, expected "
                + (times - 2) + " or more");
        }
        if (c.payload.length() < 256 && cached < times - 2) {
            problems.add(times + " identical requests found their statement kept " + cached + " times, expected "
                + (times - 2) + " or more");
        }
        List<JsonNode> bodies = new ArrayList<>();
        for (Http.Resp r : answers) {
            bodies.add(checkBlockAnswer(r, problems));
        }
        if (evs.size() != times) {
            problems.add("expected " + times + " new event lines, got " + evs.size());
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < evs.size() && i < times; i++) {
            JsonNode event = EventLog.parse(evs.get(i));
            checkEvent(event, "blocked", db, c.endpoint, c.payload, bodies.get(i), problems);
            if (!ids.add(event.path("request_id").asText())) {
                problems.add("two events of request " + event.path("request_id").asText());
            }
        }
        report(db, c, answers.get(times - 1), evs, state, problems);
    }

    /**
     * The database's state after a request; when the request changed it, a problem is added and
     * the database is reset for the next test.
     */
    private JsonNode stateAfter(String db, List<String> problems) {
        JsonNode state = state(db);
        if (!intact(state)) {
            reset(db);
            problems.add("the database changed (reset afterwards): state " + state);
        }
        return state;
    }

    /**
     * A search box sent a new term every request, as real users do: no two statements alike, so
     * the statement cache never finds one. From the third term on the engine knows the statement's
     * shape (its text around the term, the term inside its {@code LIKE} literals:
     * rasp_engine::statement_shapes) and judges it without lexing ({@code statements_judged_by_shape}
     * grows by at least {@code terms - 2}); each term is served, no event. Then {@code attack}, in the
     * same place of the same statement, is blocked with one event and the database intact, and a
     * new term after it is served again.
     */
    public void assertNewTermsServedThenBlocked(String db, Case attack, int terms) {
        List<String> problems = new ArrayList<>();
        long judgedBefore = engineStats().path("statements_judged_by_shape").asLong();
        int mark = events.mark();
        String run = Long.toString(System.nanoTime(), 36);
        for (int i = 0; i < terms; i++) {
            Http.Resp r = Endpoint.SEARCH.send(http, db, "red running shoes " + run + " " + i);
            JsonNode body = r.status() == 200 ? jsonOrNull(r.body()) : null;
            if (body == null || !body.isArray()) {
                problems.add("term " + i + ": status " + r.status() + ", body " + r.body());
            }
        }
        long judged = engineStats().path("statements_judged_by_shape").asLong() - judgedBefore;
        if (judged < terms - 2) {
            problems.add(terms + " new terms judged by shape " + judged + " times, expected " + (terms - 2)
                + " or more");
        }
        List<String> evs = eventsSince(mark);
        if (!evs.isEmpty()) {
            problems.add("expected no event for the benign terms, got " + evs.size());
        }
        if (!problems.isEmpty()) {
            fail("[" + db + "] new search terms: " + String.join("; ", problems) + "\nevents: " + evs);
        }
        assertBlocked(db, attack);
        assertBenign(db, Case.names(Endpoint.SEARCH, "blue hat " + run));
    }

    /** The agent's engine counters (the test application's {@code /debug/rasp-stats}). */
    JsonNode engineStats() {
        Http.Resp r = http.get("/debug/rasp-stats");
        if (r.status() != 200) {
            throw new AssertionError("GET /debug/rasp-stats: " + r);
        }
        JsonNode n = jsonOrNull(r.body());
        if (n == null || !n.has("contexts_live")) {
            throw new AssertionError("engine stats without contexts_live: " + r.body());
        }
        return n;
    }

    /** Checks the 403 answer of a SQL block; returns its JSON body (or null). */
    static JsonNode checkBlockAnswer(Http.Resp r, List<String> problems) {
        return checkBlockAnswer(r, problems, "sqli");
    }

    /** Checks the 403 answer (the contract body, with this category); returns its JSON body (or null). */
    static JsonNode checkBlockAnswer(Http.Resp r, List<String> problems, String category) {
        if (r.status() != 403) {
            problems.add("status " + r.status() + ", expected 403");
        }
        if (!r.contentType().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            problems.add("content type '" + r.contentType() + "', expected application/json");
        }
        if (r.body().contains("s3cr3t")) {
            problems.add("the answer leaks a secret token");
        }
        JsonNode body = jsonOrNull(r.body());
        if (body == null || !body.isObject()) {
            problems.add("body is not a JSON object: " + r.body());
            return null;
        }
        if (!body.has("blocked")) {
            problems.add("body is the application's, not the block body");
            return null;
        }
        Set<String> keys = new TreeSet<>();
        body.fieldNames().forEachRemaining(keys::add);
        if (!keys.equals(new TreeSet<>(BLOCK_BODY_KEYS))) {
            problems.add("body keys " + keys + ", expected " + new TreeSet<>(BLOCK_BODY_KEYS));
        }
        if (!body.path("blocked").isBoolean() || !body.path("blocked").asBoolean()) {
            problems.add("body.blocked is not true");
        }
        if (!category.equals(body.path("category").asText(null))) {
            problems.add("body.category is '" + body.path("category").asText(null) + "', expected '" + category + "'");
        }
        if (body.path("rule").asText("").isEmpty()) {
            problems.add("body.rule is missing or empty");
        }
        if (body.path("event_id").asText("").isEmpty()) {
            problems.add("body.event_id is missing or empty");
        }
        return body;
    }

    /** The contract's event fields; blockBody (may be null) must agree on event_id and rule. */
    static void checkEvent(JsonNode ev, String action, String db, Endpoint e, String payload, JsonNode blockBody,
                           List<String> problems) {
        String p = "event: ";
        expectEq(problems, p + "action", action, EventLog.text(ev, "action"));
        expectEq(problems, p + "category", "sqli", EventLog.text(ev, "category"));
        for (String f : new String[] {"time", "event_id", "request_id", "rule_id", "confidence", "agent_version"}) {
            if (isEmpty(EventLog.text(ev, f))) {
                problems.add(p + f + " is missing or empty");
            }
        }
        if (blockBody != null) {
            expectEq(problems, p + "event_id (vs the 403 body)", blockBody.path("event_id").asText(null), EventLog.text(ev, "event_id"));
            expectEq(problems, p + "rule_id (vs the 403 body's rule)", blockBody.path("rule").asText(null), EventLog.text(ev, "rule_id"));
        }
        String source = EventLog.text(ev, "input.source");
        if (e.source == Endpoint.Source.PATH ? source == null || !source.startsWith("path") : !e.source.eventName.equals(source)) {
            problems.add(p + "input.source is '" + source + "', expected '" + e.source.eventName + "'");
        }
        String name = EventLog.text(ev, "input.name");
        boolean nameOk = name != null && (e.source == Endpoint.Source.HEADER ? name.equalsIgnoreCase(e.input)
            : e.source == Endpoint.Source.JSON ? name.equals(e.input) || name.endsWith("." + e.input) || name.endsWith("/" + e.input)
            // the contract does not name path segments; any name will do
            : e.source == Endpoint.Source.PATH ? true
            : name.equals(e.input));
        if (!nameOk) {
            problems.add(p + "input.name '" + name + "', expected '" + e.input + "'");
        }
        expectEq(problems, p + "input.value", payload, EventLog.text(ev, "input.value"));
        String sinkValue = EventLog.text(ev, "sink.value");
        if (sinkValue == null || !sinkValue.contains(payload)) {
            problems.add(p + "sink.value does not contain the input: " + sinkValue);
        }
        if (isEmpty(EventLog.text(ev, "sink.api"))) {
            problems.add(p + "sink.api is missing");
        }
        if (isEmpty(EventLog.text(ev, "sink.kind"))) {
            problems.add(p + "sink.kind is missing");
        }
        String dialect = EventLog.text(ev, "sink.dialect");
        if (!dialectMatches(db, dialect)) {
            problems.add(p + "sink.dialect '" + dialect + "' does not name the " + db + " dialect");
        }
        if (!ev.path("sink").has("span")) {
            problems.add(p + "sink.span is missing");
        }
        expectEq(problems, p + "request.method", e.method(), EventLog.text(ev, "request.method"));
        String path = EventLog.text(ev, "request.path");
        if (!e.requestPaths(db, payload).contains(path)) {
            problems.add(p + "request.path is '" + path + "', expected one of " + e.requestPaths(db, payload));
        }
        if (isEmpty(EventLog.text(ev, "request.client"))) {
            problems.add(p + "request.client is missing");
        }
        if (!ev.path("stack").isArray() || ev.path("stack").size() == 0) {
            problems.add(p + "stack is not a non-empty array");
        }
    }

    static boolean dialectMatches(String db, String dialect) {
        if (dialect == null) {
            return false;
        }
        String d = dialect.toLowerCase(Locale.ROOT);
        Map<String, String[]> want = Map.of(
            "h2", new String[] {"h2", "6"},
            "sqlite", new String[] {"sqlite", "5"},
            "hsqldb", new String[] {"hsql", "7"},
            "pg", new String[] {"postgres", "2"});
        for (String w : want.get(db)) {
            if (w.length() == 1 ? d.equals(w) : d.contains(w)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ benign twins

    /** 200 with the right data and no new event. */
    public void assertBenign(String db, Case c) {
        int mark = events.mark();
        Http.Resp r = c.endpoint.send(http, db, c.payload);
        List<String> evs = eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode state = stateAfter(db, problems);
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200");
        } else {
            JsonNode body = jsonOrNull(r.body());
            if (body == null) {
                problems.add("body is not JSON");
            } else {
                try {
                    c.check.accept(body);
                } catch (AssertionError e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs.size());
        }
        report(db, c, r, evs, state, problems);
    }

    // ------------------------------------------------------------------ monitor mode

    /**
     * The attack runs (the caller checks the effect on the answer) and exactly one "monitored" event is written.
     */
    public Http.Resp assertMonitored(String db, Endpoint e, String payload, Consumer<Http.Resp> effect) {
        int mark = events.mark();
        Http.Resp r = e.send(http, db, payload);
        List<String> evs = eventsSince(mark);
        List<String> problems = new ArrayList<>();
        try {
            effect.accept(r);
        } catch (AssertionError err) {
            problems.add("the attack did not take effect: " + err.getMessage());
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        if (!evs.isEmpty()) {
            checkEvent(EventLog.parse(evs.get(0)), "monitored", db, e, payload, null, problems);
        }
        report(db, Case.attack(e, payload), r, evs, state(db), problems);
        return r;
    }

    // ------------------------------------------------------------------ helpers

    private void report(String db, Case c, Http.Resp r, List<String> evs, JsonNode state, List<String> problems) {
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append("[").append(db).append("] ").append(c).append(" on ").append(app.name()).append(":\n");
        for (String p : problems) {
            b.append("  - ").append(p).append('\n');
        }
        b.append("  request : ").append(c.endpoint.method()).append(' ').append(c.endpoint.path(db))
            .append(" ").append(c.endpoint.source.eventName).append(' ').append(c.endpoint.input).append('=')
            .append(c.payload).append('\n');
        b.append("  answer  : ").append(r).append('\n');
        b.append("  events  : ").append(evs.isEmpty() ? "none" : String.join("\n            ", evs)).append('\n');
        b.append("  state   : ").append(state);
        fail(b.toString());
    }

    static void expectEq(List<String> problems, String what, String want, String got) {
        if (want == null ? got != null : !want.equals(got)) {
            problems.add(what + " is '" + got + "', expected '" + want + "'");
        }
    }

    static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    static JsonNode json(String s) {
        try {
            return EventLog.JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    static JsonNode jsonOrNull(String s) {
        try {
            return EventLog.JSON.readTree(s);
        } catch (IOException e) {
            return null;
        }
    }

    static List<String> names(JsonNode rows) {
        List<String> names = new ArrayList<>();
        if (rows != null) {
            for (Iterator<JsonNode> it = rows.elements(); it.hasNext(); ) {
                names.add(it.next().path("name").asText());
            }
        }
        return names;
    }
}
