package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cases where the database's own lexical rules decide: Derby, whose literals have no backslash escapes, and Unicode
 * spaces between keywords, which H2 2.x ({@code Character.isSpaceChar}) and HSQLDB (the SQL standard's list) skip
 * like ASCII spaces. Each attack has a benign twin with the same bytes where they are data.
 */
final class DialectCases {
    private DialectCases() {}

    static final String NBSP = "\u00a0";
    static final String DERBY_BY_NAME = "/dialect/derby/users/by-name";

    /** One request: a GET with one query parameter, to a path of the Spring application. */
    record Target(String path, String param, String dialect) {
        String uri(String payload) {
            return path + "?" + param + "=" + Http.enc(payload);
        }

        @Override
        public String toString() {
            return dialect + " " + path;
        }
    }

    static final Target DERBY = new Target(DERBY_BY_NAME, "name", "derby");
    static final Target H2_BY_ID = new Target("/h2/users/by-id", "id", "h2");
    static final Target HSQLDB_BY_ID = new Target("/hsqldb/users/by-id", "id", "hsqldb");
    static final Target H2_BY_NAME = new Target("/h2/users/by-name", "name", "h2");
    static final Target HSQLDB_BY_NAME = new Target("/hsqldb/users/by-name", "name", "hsqldb");
    static final Target HSQLDB_SORTED = new Target("/hsqldb/users/sorted", "sort", "hsqldb");

    /** An attack: what it does without the agent, and the rule that must block it. */
    record Attack(Target target, String payload, String rule, Effect effect) {
        @Override
        public String toString() {
            return target + " " + printable(payload) + " -> " + rule;
        }
    }

    /** A benign request: the answer it must get with and without the agent. */
    record Benign(Target target, String payload, String expectation, Consumer<JsonNode> check) {
        @Override
        public String toString() {
            return target + " " + printable(payload) + " -> 200 " + expectation;
        }
    }

    /** What an attack achieves on an unprotected application. */
    enum Effect {
        ALL_ROWS, LEAKS_SECRETS;

        void check(Http.Resp r) {
            assertEquals(200, r.status(), r.toString());
            if (this == ALL_ROWS) {
                assertEquals(Case.ALL, Scenario.names(Scenario.json(r.body())), "every user's row: " + r);
            } else {
                assertTrue(r.body().contains("s3cr3t-token-alpha"), "no secret leaked: " + r);
            }
        }
    }

    static String printable(String s) {
        return s.replace(NBSP, "<NBSP>").replace("\u3000", "<U+3000>");
    }

    static List<Attack> attacks() {
        String union = " UNION SELECT id,token,token,token FROM secrets";
        return List.of(
            // No backslash escapes on Derby: the literal ends after the backslash and OR 1=1 is code. A reading
            // with MySQL's escapes would see one literal here.
            new Attack(DERBY, "x\\' OR 1=1 --", "sqli.tautology", Effect.ALL_ROWS),
            new Attack(DERBY, "'" + union + " --", "sqli.union", Effect.LEAKS_SECRETS),
            // Nothing but U+00A0 between the words: one word to an ASCII-only lexer, three tokens to H2 and
            // HSQLDB (WHERE id = id OR TRUE).
            new Attack(H2_BY_ID, "id" + NBSP + "OR" + NBSP + "TRUE", "sqli.tautology", Effect.ALL_ROWS),
            new Attack(HSQLDB_BY_ID, "id" + NBSP + "OR" + NBSP + "TRUE", "sqli.tautology", Effect.ALL_ROWS),
            new Attack(H2_BY_ID, "0" + union.replace(" SELECT", NBSP + "SELECT"), "sqli.union", Effect.LEAKS_SECRETS),
            new Attack(HSQLDB_BY_ID, "0 UNION\u3000SELECT id,token,token,token FROM secrets", "sqli.union",
                Effect.LEAKS_SECRETS));
    }

    static List<Benign> benign() {
        Consumer<JsonNode> none = body -> assertEquals(List.of(), Scenario.names(body), "no rows");
        Consumer<JsonNode> all = body -> assertEquals(Case.ALL.size(), Scenario.names(body).size(), "every row");
        return List.of(
            // A value ending in a backslash: a whole literal on Derby (MySQL would read an escaped quote).
            new Benign(DERBY, "C:\\Users\\", "no rows", none),
            new Benign(DERBY, "alice", "[alice]", body -> assertEquals(List.of("alice"), Scenario.names(body))),
            // A name with a non-breaking space, inside the literal.
            new Benign(H2_BY_NAME, "Jean" + NBSP + "Dupont", "no rows", none),
            new Benign(HSQLDB_BY_NAME, "Jean" + NBSP + "Dupont", "no rows", none),
            // A sort key and direction separated by U+00A0: a sort list, as with a space. (Not on H2: H2 2.1.210
            // to 2.1.214 loop forever on a non-ASCII space between tokens, so the engine blocks it there.)
            new Benign(HSQLDB_SORTED, "name" + NBSP + "DESC", "every row", all));
    }
}
