package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/** One row of a test table: an endpoint, a payload, attack or benign, and for benign what the answer must hold. */
public final class Case {
    static final List<String> ALL = List.of("alice", "bob", "carol", "O'Brien", "admin");

    final Endpoint endpoint;
    final String payload;
    final boolean attack;
    final String expectation;
    final Consumer<JsonNode> check;

    private Case(Endpoint endpoint, String payload, boolean attack, String expectation, Consumer<JsonNode> check) {
        this.endpoint = endpoint;
        this.payload = payload;
        this.attack = attack;
        this.expectation = expectation;
        this.check = check;
    }

    static Case attack(Endpoint e, String payload) {
        return new Case(e, payload, true, "403 + one blocked event", b -> { });
    }

    /** Benign: 200 and exactly these user names, in this order. */
    static Case names(Endpoint e, String payload, String... names) {
        List<String> want = List.of(names);
        return new Case(e, payload, false, "200 " + want, body -> assertEquals(want, e.names(body),
            "user names answered by " + e.describe() + " for " + payload));
    }

    /** Benign ORDER BY: all rows, ordered by the column (Java order, or case-insensitive for collations that fold case). */
    static Case sorted(Endpoint e, String payload, String column, boolean desc) {
        return new Case(e, payload, false, "200, all rows ordered by " + column + (desc ? " desc" : ""), body -> {
            List<String> got = new ArrayList<>();
            for (JsonNode r : body) {
                got.add(r.path(column).asText());
            }
            assertEquals(ALL.size(), got.size(), "row count of " + body);
            Comparator<String> exact = Comparator.naturalOrder();
            Comparator<String> folded = String.CASE_INSENSITIVE_ORDER;
            if (desc) {
                exact = exact.reversed();
                folded = folded.reversed();
            }
            List<String> a = new ArrayList<>(got);
            a.sort(exact);
            List<String> b = new ArrayList<>(got);
            b.sort(folded);
            assertTrue(got.equals(a) || got.equals(b), "not ordered by " + column + (desc ? " desc" : "") + ": " + got);
        });
    }

    static Case deleted(Endpoint e, String payload, int n) {
        return new Case(e, payload, false, "200 deleted=" + n, body -> assertEquals(n, body.path("deleted").asInt(-1),
            "deleted count in " + body));
    }

    @Override
    public String toString() {
        String shown = payload.length() > 80 ? payload.substring(0, 40) + "...(" + payload.length() + " chars)" : payload;
        return endpoint.describe() + " <- " + shown + (attack ? "" : "  (benign: " + expectation + ")");
    }
}
