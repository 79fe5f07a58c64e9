package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent the applications really are injectable: the tautologies return every row, the UNION leaks the
 * secrets, the DELETE deletes everything, the stacked DROP drops; every command injection of {@link SinkCases} runs
 * its {@code touch} and every path attack reads, writes, lists or deletes outside the base. This is what makes the
 * block tests meaningful.
 * Each application runs on fresh databases of its own.
 */
@ExtendWith(AppLogsOnFailure.class)
class AppsAreVulnerableWithoutAgentIT {
    static AppProcess spring;
    static AppProcess javax;

    @BeforeAll
    static void start() {
        spring = SpringBlockModeIT.springApp("spring-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-noagent", ItConfig.javaxJar()).withoutAgent().startShared(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (spring != null) {
            spring.release();
        }
        if (javax != null) {
            javax.release();
        }
    }

    static Stream<Arguments> targets() {
        List<Arguments> out = new ArrayList<>();
        for (String db : SpringBlockModeIT.dbs()) {
            out.add(Arguments.of("spring", db));
        }
        for (String db : JavaxJettyBlockModeIT.DBS) {
            out.add(Arguments.of("javax", db));
        }
        return out.stream();
    }

    static AppProcess app(String which) {
        return which.equals("spring") ? spring : javax;
    }

    static void allRows(Endpoint e, Http.Resp r) {
        assertEquals(200, r.status(), r.toString());
        assertEquals(Case.ALL, e.names(Scenario.json(r.body())), e.describe() + ": " + r);
    }

    @ParameterizedTest(name = "{0} [{1}] tautologies return every row, from every input source")
    @MethodSource("targets")
    void tautologiesReturnEveryRow(String which, String db) {
        Http http = new Http(app(which).baseUrl());
        for (Endpoint e : List.of(Endpoint.BY_NAME, Endpoint.FORM_BY_NAME, Endpoint.JSON_BY_NAME, Endpoint.HEADER_BY_NAME,
            Endpoint.CATCHING, Endpoint.PREPARED_CONCAT)) {
            if (which.equals("spring") || Endpoint.JAVAX.contains(e)) {
                allRows(e, e.send(http, db, "' OR '1'='1"));
                allRows(e, e.send(http, db, "x' OR 'a'='a"));
            }
        }
        allRows(Endpoint.COOKIE_BY_NAME, Endpoint.COOKIE_BY_NAME.send(http, db, "'OR'1'='1"));
        allRows(Endpoint.BY_ID, Endpoint.BY_ID.send(http, db, "1 OR 1=1"));
        if (which.equals("spring")) {
            allRows(Endpoint.IN_LIST, Endpoint.IN_LIST.send(http, db, "1) OR (1=1"));
            allRows(Endpoint.SEARCH, Endpoint.SEARCH.send(http, db, "%' OR '1'='1"));
            // a boolean oracle through ORDER BY: the row order tells whether the condition on secrets holds
            Http.Resp yes = Endpoint.SORTED.send(http, db, "CASE WHEN (SELECT COUNT(*) FROM secrets)>1 THEN name ELSE email END");
            Http.Resp no = Endpoint.SORTED.send(http, db, "CASE WHEN (SELECT COUNT(*) FROM secrets)>5 THEN name ELSE email END");
            assertEquals("O'Brien", Endpoint.SORTED.names(Scenario.json(yes.body())).get(0), "ordered by name: " + yes);
            assertEquals("alice", Endpoint.SORTED.names(Scenario.json(no.body())).get(0), "ordered by email: " + no);
        }
        List<String> admin = Endpoint.BY_NAME.names(Scenario.json(Endpoint.BY_NAME.send(http, db, "admin'--").body()));
        assertEquals(List.of("admin"), admin, "admin'-- comments out the rest of the WHERE clause");
    }

    @ParameterizedTest(name = "{0} [{1}] UNION leaks the secrets")
    @MethodSource("targets")
    void unionLeaksSecrets(String which, String db) {
        Http http = new Http(app(which).baseUrl());
        for (Endpoint e : List.of(Endpoint.BY_NAME, Endpoint.JSON_BY_NAME, Endpoint.HEADER_BY_NAME)) {
            Http.Resp r = e.send(http, db, "' UNION SELECT id,token,token,token FROM secrets--");
            assertTrue(r.body().contains("s3cr3t-token-alpha"), e.describe() + " did not leak: " + r);
        }
        Http.Resp n = Endpoint.BY_ID.send(http, db, "0 UNION SELECT id,token,token,token FROM secrets");
        assertTrue(n.body().contains("s3cr3t-token-alpha"), "numeric UNION did not leak: " + n);
    }

    @ParameterizedTest(name = "{0} [{1}] DELETE with a tautology deletes every row")
    @MethodSource("targets")
    void deleteDeletesEverything(String which, String db) {
        Scenario s = new Scenario(app(which));
        try {
            Http.Resp r = Endpoint.DELETE.send(s.http, db, "x' OR 'a'='a");
            assertEquals(200, r.status(), r.toString());
            assertEquals(5, Scenario.json(r.body()).path("deleted").asInt(), r.toString());
            JsonNode st = s.state(db);
            assertEquals(0, st.path("userCount").asInt(), "state " + st);
        } finally {
            s.reset(db);
        }
    }

    @ParameterizedTest(name = "{0} [{1}] stacked DROP TABLE really drops")
    @MethodSource("targets")
    void stackedDropDrops(String which, String db) {
        Scenario s = new Scenario(app(which));
        try {
            // executeUpdate runs every statement of the string on all four drivers
            Endpoint.DELETE.send(s.http, db, "'; DROP TABLE users; --");
            assertFalse(s.state(db).path("usersExists").asBoolean(true), "users still exists after the DELETE; DROP");
            s.reset(db);
            // executeQuery runs the stacked statement on H2, HSQLDB and PostgreSQL (SQLite runs only the first)
            Endpoint.BY_NAME.send(s.http, db, "'; DROP TABLE users; --");
            boolean exists = s.state(db).path("usersExists").asBoolean(true);
            assertEquals(db.equals("sqlite"), exists, "users exists after the SELECT; DROP on " + db);
        } finally {
            s.reset(db);
        }
    }

    static Stream<Arguments> sinkAttacks() {
        List<Arguments> out = new ArrayList<>();
        for (String which : List.of("spring", "javax")) {
            for (SinkCase c : SinkCases.attackTable(which)) {
                if (c.effect.observable()) {
                    out.add(Arguments.of(which, c));
                }
            }
        }
        return out.stream();
    }

    static Stream<Arguments> sinkBenign() {
        List<Arguments> out = new ArrayList<>();
        for (String which : List.of("spring", "javax")) {
            SinkCases.benignTable(which).forEach(c -> out.add(Arguments.of(which, c)));
        }
        return out.stream();
    }

    /** Every command and file attack of the block tables really works: marker created, secret served, file written/deleted. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sinkAttacks")
    void commandAndFileAttacksTakeEffect(String which, SinkCase c) {
        SinkScenario.assertTakesEffect(app(which), c);
    }

    /** The benign twins answer the same without the agent (so a failing twin under the agent is the agent's doing). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sinkBenign")
    void commandAndFileTwinsAnswerTheSame(String which, SinkCase c) {
        SinkCase.Run run = new SinkCase.Run(c, app(which));
        run.prepare();
        Http.Resp r = run.send(new Http(app(which).baseUrl()));
        List<String> problems = new ArrayList<>();
        SinkScenario.checkBenignAnswer(run, r, problems);
        assertTrue(problems.isEmpty(), c + " on " + which + ": " + problems + "\n  answer: " + r);
    }

    @Test
    void noEventsFileWithoutTheAgent() {
        assertFalse(Files.exists(spring.eventsFile()));
        assertFalse(Files.exists(javax.eventsFile()));
    }
}
