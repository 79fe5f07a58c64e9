package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The checks of the WebSocket endpoints ({@link WsCase}) against one running application. Each message is a request
 * of its own whose payload is the input ({@code input.source} websocket, name message), or whose handshake's query
 * parameter is ({@code query}, name). Events are counted with the sentinel of {@link Scenario} (an HTTP attack sent
 * after the reply arrived: the block's event was queued before the exception reached the handler, so before it).
 *
 * <p>What the endpoints do on an exception (the applications' JsrEndpoints, SpringWsHandlers, WsEndpoints): reply
 * {@code {"error": "<exception class>", "message": ".."}} at once, then rethrow, so the framework closes the session
 * (1011 Spring, 1002 Tomcat's JSR 356, 1003 Jetty: {@link WsCase#errorClose}), or, with {@code ?errors=keep-open} on the handshake, swallow it and keep the session open.
 */
public final class WebSocketScenario {
    static final String ATTACK = HandOffScenario.ATTACK;
    static final String BENIGN = HandOffScenario.BENIGN;
    static final String CMD_BENIGN = "127.0.0.1";
    static final String BLOCKED_EXCEPTION = HandOffScenario.BLOCKED_EXCEPTION;
    /** A normal close: never what a handler exception ends in. */
    static final int NORMAL_CLOSURE = 1000;
    private static final AtomicInteger SEQ = new AtomicInteger();

    final AppProcess app;
    final Scenario s;

    public WebSocketScenario(AppProcess app) {
        this.app = app;
        this.s = new Scenario(app);
    }

    /** An attack's input: the tautology, or {@code 127.0.0.1; touch <fresh marker>}; and the marker (or null). */
    record Input(String value, Path marker) {}

    Input attack(WsCase c) {
        if (c.sink == WsCase.Sink.CMD) {
            Path marker = app.markersDir().resolve("ws-" + SEQ.incrementAndGet() + "-" + System.nanoTime());
            return new Input("127.0.0.1; touch " + marker, marker);
        }
        // an undecodable byte first: the endpoint's decoding makes it U+FFFD inside the literal it then closes
        return new Input(c.via == WsCase.Via.BINARY_MALFORMED ? "\uFFFD" + ATTACK : ATTACK, null);
    }

    static String benign(WsCase c) {
        return c.sink == WsCase.Sink.CMD ? CMD_BENIGN : BENIGN;
    }

    /**
     * Opens a session for the case: the handshake carries ?name=input, the header X-User: input or the header
     * Cookie: user=input (as it is: no quoting, no encoding) for the handshake cases, and ?errors=keep-open.
     */
    WsClient open(WsCase c, String input, boolean keepOpen) {
        Map<String, String> q = new LinkedHashMap<>();
        Map<String, String> h = new LinkedHashMap<>();
        if (c.via == WsCase.Via.HANDSHAKE) {
            q.put("name", input);
        } else if (c.via == WsCase.Via.HEADER) {
            h.put(WsCase.HEADER_NAME, input);
        } else if (c.via == WsCase.Via.COOKIE) {
            h.put("Cookie", WsCase.COOKIE_NAME + "=" + input);
        }
        if (keepOpen) {
            q.put("errors", "keep-open");
        }
        return WsClient.connect(WsClient.uri(app, c.path, q), h);
    }

    /** The input's UTF-8, each U+FFFD in it sent as the byte 0xFF (never valid UTF-8). */
    static byte[] malformed(String input) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String part : input.split("\uFFFD", -1)) {
            out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            out.write(0xFF);
        }
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 1); // no separator after the last part
    }

    /** Sends the input as the case says (text, binary, or the trigger for a handshake case); the reply. */
    static WsClient.Reply send(WsClient ws, WsCase c, String input) {
        switch (c.via) {
            case TEXT: return ws.sendText(input);
            case BINARY: return ws.sendBinary(input.getBytes(StandardCharsets.UTF_8));
            case BINARY_MALFORMED: return ws.sendBinary(malformed(input));
            default: return ws.sendText(WsCase.TRIGGER);
        }
    }

    // ------------------------------------------------------------------ answers

    /** The reply is the rows of exactly these names (SQL). */
    static void checkRows(WsClient.Reply r, List<String> want, List<String> problems) {
        JsonNode body = r.isMessage() ? Scenario.jsonOrNull(r.text()) : null;
        if (body == null || !body.isArray()) {
            problems.add("the reply is not a JSON array of rows: " + r);
            return;
        }
        List<String> names = Scenario.names(body);
        if (!names.equals(want)) {
            problems.add("rows " + names + ", expected " + want);
        }
    }

    /** The reply of the benign twin: exactly alice, or getent's answer for 127.0.0.1. */
    static void checkBenignReply(WsCase c, WsClient.Reply r, List<String> problems) {
        if (c.sink == WsCase.Sink.SQL) {
            checkRows(r, List.of(BENIGN), problems);
            return;
        }
        JsonNode body = r.isMessage() ? Scenario.jsonOrNull(r.text()) : null;
        if (body == null || !body.has("exit")) {
            problems.add("the reply is not {exit, output}: " + r);
            return;
        }
        if (body.path("exit").asInt(-1) != 0 || !body.path("output").asText("").contains("localhost")) {
            problems.add("getent did not find localhost: " + body);
        }
    }

    /** The reply is {"error": ..} naming an exception class; returns the JSON (or null). */
    static JsonNode checkErrorReply(WsClient.Reply r, String wantClass, List<String> problems) {
        JsonNode body = r.isMessage() ? Scenario.jsonOrNull(r.text()) : null;
        if (body == null || !body.isObject() || !body.has("error")) {
            problems.add("expected the endpoint's {\"error\": ..} reply, got " + r);
            return null;
        }
        String got = body.path("error").asText();
        if (wantClass.endsWith(".") ? !got.startsWith(wantClass) : !got.equals(wantClass)) {
            problems.add("the endpoint caught " + got + ", expected " + wantClass + (wantClass.endsWith(".") ? "*" : "")
                + " (" + body.path("message").asText() + ")");
        }
        return body;
    }

    /**
     * After an error reply: nothing (keep-open), or the framework closes the session. exact: the close code must be
     * the framework's own ({@link WsCase#errorClose}); else any close but a normal one (1000) will do.
     */
    static void checkAfterError(WsClient ws, WsCase c, boolean keepOpen, boolean exact, List<String> problems) {
        if (keepOpen) {
            WsClient.Reply more = ws.pollQuietly(Duration.ofMillis(300));
            if (more != null) {
                problems.add("the session should stay open after the error (?errors=keep-open), got " + more);
            }
            return;
        }
        WsClient.Reply close = ws.awaitClose(Duration.ofSeconds(10));
        if (close.kind() != WsClient.Kind.CLOSED) {
            problems.add("expected the framework to close the session after the handler's exception, got " + close);
        } else if (exact ? close.closeCode() != c.errorClose : close.closeCode() == NORMAL_CLOSURE) {
            problems.add("the session was closed with " + close.closeCode() + ", expected "
                + (exact ? "" : "an error code like ") + c.errorClose + " (what the framework does with a handler exception)");
        }
    }

    // ------------------------------------------------------------------ without protection

    /**
     * No agent: the tautology returns every row (text, binary, handshake parameter), the command's injected touch
     * creates the marker; then the benign twin on a new session answers as it should.
     */
    void assertVulnerable(WsCase c) {
        Input in = attack(c);
        List<String> problems = new ArrayList<>();
        WsClient.Reply r;
        try (WsClient ws = open(c, in.value(), false)) {
            r = send(ws, c, in.value());
            if (c.sink == WsCase.Sink.SQL) {
                checkRows(r, Case.ALL, problems);
            } else {
                JsonNode body = r.isMessage() ? Scenario.jsonOrNull(r.text()) : null;
                if (body == null || !body.has("exit")) {
                    problems.add("the reply is not {exit, output}: " + r);
                }
                if (!Files.exists(in.marker())) {
                    problems.add("the injected touch did not create " + in.marker());
                }
            }
        }
        report(c, "attack " + in.value(), r, List.of(), problems);
        assertBenignAnswers(c, false);
    }

    /** The benign twin on a new session: exactly alice (or getent's answer). */
    void assertBenignAnswers(WsCase c, boolean keepOpen) {
        List<String> problems = new ArrayList<>();
        WsClient.Reply r;
        try (WsClient ws = open(c, benign(c), keepOpen)) {
            r = send(ws, c, benign(c));
            checkBenignReply(c, r, problems);
        }
        report(c, "benign " + benign(c), r, List.of(), problems);
    }

    /**
     * The error path of the endpoint, without an agent: {@code O'Brien} makes the SQL invalid (an h2 exception), so the
     * endpoint replies {"error": "org.h2..."}; by default the framework then closes with its code; with keep-open the
     * session stays open and serves alice next (for a handshake case, which can only repeat its lookup, the next
     * message gets the same error).
     */
    void assertErrorPath(WsCase c, boolean keepOpen) {
        List<String> problems = new ArrayList<>();
        WsClient.Reply r;
        WsClient.Reply next = null;
        try (WsClient ws = open(c, "O'Brien", keepOpen)) {
            r = send(ws, c, "O'Brien");
            checkErrorReply(r, "org.h2.", problems);
            checkAfterError(ws, c, keepOpen, true, problems);
            if (keepOpen && problems.isEmpty()) {
                if (c.via.handshake()) {
                    next = send(ws, c, "");
                    checkErrorReply(next, "org.h2.", problems);
                } else {
                    next = send(ws, c, BENIGN);
                    checkRows(next, List.of(BENIGN), problems);
                }
            }
            if (!problems.isEmpty()) {
                problems.add("session: " + ws);
            }
        }
        report(c, "O'Brien" + (keepOpen ? " (keep-open)" : ""), next == null ? r : next, List.of(), problems);
    }

    // ------------------------------------------------------------------ block mode

    /**
     * The attack is blocked: the handler got RaspBlockedException (its error reply names it), no rows came back, the
     * session is closed by the framework with an error code (default; not 1000) or stays open (keep-open); exactly one blocked event with the input
     * (websocket/message or query/name), the sink value holding it, block_response none, request WEBSOCKET on the
     * endpoint's path; the command's marker never appears. Then the benign twin, on the same session when it is
     * still open and the input is the message, else on a new one: exactly alice, no event.
     */
    void assertBlocked(WsCase c, boolean keepOpen) {
        Input in = attack(c);
        List<String> problems = new ArrayList<>();
        List<String> evs;
        WsClient.Reply r;
        WsClient.Reply twin = null;
        List<String> twinEvents = List.of();
        WsClient ws = open(c, in.value(), keepOpen);
        try {
            int mark = s.events.mark();
            r = send(ws, c, in.value());
            JsonNode err = checkErrorReply(r, BLOCKED_EXCEPTION, problems);
            if (r.isMessage() && r.text().contains("bob@example.com")) {
                problems.add("the reply carries rows: the query ran");
            }
            if (err != null) {
                checkAfterError(ws, c, keepOpen, false, problems);
            } // else the handler got no exception: no close to wait for
            evs = s.eventsSince(mark);
            if (in.marker() != null && Files.exists(in.marker())) {
                problems.add("the injected touch ran: " + in.marker() + " exists");
            }
            if (evs.size() != 1) {
                problems.add("expected exactly 1 new event line, got " + evs.size());
            }
            if (!evs.isEmpty()) {
                checkEvent(EventLog.parse(evs.get(0)), c, in.value(), err, problems);
            }

            // the twin: the same session when it is open and each message brings its own input
            boolean sameSession = keepOpen && !c.via.handshake() && !ws.closedByServer();
            if (!sameSession) {
                ws.close();
                ws = open(c, benign(c), keepOpen);
            }
            int mark2 = s.events.mark();
            twin = send(ws, c, benign(c));
            twinEvents = s.eventsSince(mark2);
            List<String> twinProblems = new ArrayList<>();
            checkBenignReply(c, twin, twinProblems);
            if (!twinEvents.isEmpty()) {
                twinProblems.add("expected no event, got " + twinEvents.size());
            }
            String where = sameSession ? "the twin " + benign(c) + " on the same session: " : "the twin " + benign(c) + " on a new session: ";
            twinProblems.forEach(p -> problems.add(where + p));
            if (in.marker() != null && Files.exists(in.marker())) {
                problems.add("the injected touch ran: " + in.marker() + " exists");
            }
            if (!problems.isEmpty()) {
                problems.add("session: " + ws);
            }
        } finally {
            ws.close();
        }
        List<String> all = new ArrayList<>(evs);
        twinEvents.forEach(e -> all.add("(twin) " + e));
        report(c, in.value() + (keepOpen ? " (keep-open)" : ""), twin == null ? r : twin, all, problems);
    }

    /**
     * One keep-open session, five messages: alice, the attack, bob, the attack, carol. Each message is judged against
     * its own payload: the benign ones get their row (the earlier attack left nothing behind), the attacks are blocked
     * (an earlier benign message cleared nothing); exactly two events, both naming the attack. Message cases only.
     */
    void assertEachMessageJudgedAlone(WsCase c) {
        if (c.via.handshake() || c.sink != WsCase.Sink.SQL) {
            throw new IllegalArgumentException("a SQL message case: " + c);
        }
        List<String> problems = new ArrayList<>();
        List<String> evs;
        WsClient.Reply last = null;
        try (WsClient ws = open(c, null, true)) {
            int mark = s.events.mark();
            for (String m : List.of(BENIGN, ATTACK, "bob", ATTACK, "carol")) {
                last = send(ws, c, m);
                List<String> p = new ArrayList<>();
                if (m.equals(ATTACK)) {
                    checkErrorReply(last, BLOCKED_EXCEPTION, p);
                } else {
                    checkRows(last, List.of(m), p);
                }
                p.forEach(x -> problems.add("message " + m + ": " + x));
            }
            WsClient.Reply more = ws.pollQuietly(Duration.ofMillis(200));
            if (more != null) {
                problems.add("unexpected after the last reply: " + more);
            }
            evs = s.eventsSince(mark);
            if (evs.size() != 2) {
                problems.add("expected exactly 2 new event lines (one per attack), got " + evs.size());
            }
            for (String e : evs) {
                JsonNode ev = EventLog.parse(e);
                Scenario.expectEq(problems, "event: input.value", ATTACK, EventLog.text(ev, "input.value"));
                Scenario.expectEq(problems, "event: input.source", c.inputSource(), EventLog.text(ev, "input.source"));
                Scenario.expectEq(problems, "event: request.method", "WEBSOCKET", EventLog.text(ev, "request.method"));
                Scenario.expectEq(problems, "event: block_response", "none", EventLog.text(ev, "block_response"));
            }
            if (!problems.isEmpty()) {
                problems.add("session: " + ws);
            }
        }
        report(c, "alice, attack, bob, attack, carol (keep-open)", last, evs, problems);
    }

    /** The contract's fields of the blocked event of a WebSocket message. */
    static void checkEvent(JsonNode ev, WsCase c, String input, JsonNode errorReply, List<String> problems) {
        String p = "event: ";
        Scenario.expectEq(problems, p + "action", "blocked", EventLog.text(ev, "action"));
        Scenario.expectEq(problems, p + "category", c.sink == WsCase.Sink.SQL ? "sqli" : "cmdi", EventLog.text(ev, "category"));
        Scenario.expectEq(problems, p + "rule_id", c.sink == WsCase.Sink.SQL ? "sqli.tautology" : "cmdi.shell",
            EventLog.text(ev, "rule_id"));
        for (String f : new String[] {"time", "event_id", "request_id", "confidence", "agent_version"}) {
            if (Scenario.isEmpty(EventLog.text(ev, f))) {
                problems.add(p + f + " is missing or empty");
            }
        }
        Scenario.expectEq(problems, p + "input.source", c.inputSource(), EventLog.text(ev, "input.source"));
        String inputName = EventLog.text(ev, "input.name");
        if (!c.inputNameMatches(inputName)) {
            problems.add(p + "input.name is '" + inputName + "', expected '" + c.inputName() + "'"
                + (c.via == WsCase.Via.HEADER ? " (case-insensitively)" : ""));
        }
        Scenario.expectEq(problems, p + "input.value", input, EventLog.text(ev, "input.value"));
        String sinkValue = EventLog.text(ev, "sink.value");
        if (sinkValue == null || !sinkValue.contains(input)) {
            problems.add(p + "sink.value does not contain the input: " + sinkValue);
        }
        if (c.sink == WsCase.Sink.SQL && !Scenario.dialectMatches("h2", EventLog.text(ev, "sink.dialect"))) {
            problems.add(p + "sink.dialect '" + EventLog.text(ev, "sink.dialect") + "' does not name h2");
        }
        Scenario.expectEq(problems, p + "block_response", "none", EventLog.text(ev, "block_response"));
        Scenario.expectEq(problems, p + "request.method", "WEBSOCKET", EventLog.text(ev, "request.method"));
        Scenario.expectEq(problems, p + "request.path", c.path, EventLog.text(ev, "request.path"));
        // RaspBlockedException's message names the event ("..., event <id>)"): the handler got this block's exception
        String message = errorReply == null ? null : errorReply.path("message").asText(null);
        String eventId = EventLog.text(ev, "event_id");
        if (message != null && message.contains("event ") && eventId != null && !eventId.isEmpty()
            && !message.contains(eventId)) {
            problems.add("the handler's RaspBlockedException (" + message + ") does not name the event " + eventId);
        }
    }

    // ------------------------------------------------------------------ report

    private void report(WsCase c, String what, WsClient.Reply r, List<String> evs, List<String> problems) {
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append(c).append(" <- ").append(what).append(" on ").append(app.name()).append(":\n");
        for (String p : problems) {
            b.append("  - ").append(p).append('\n');
        }
        b.append("  last reply: ").append(r).append('\n');
        b.append("  events    : ").append(evs.isEmpty() ? "none" : String.join("\n              ", evs));
        fail(b.toString());
    }
}
