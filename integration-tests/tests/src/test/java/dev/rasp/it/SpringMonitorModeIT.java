package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * -Drasp.mode=monitor: attacks run (their effect is visible: rows, leaked secrets, the injected command's marker
 * file, the file outside the base served) and each writes one "monitored" event.
 */
@ExtendWith(AppLogsOnFailure.class)
class SpringMonitorModeIT {
    static AppProcess app;
    static Scenario s;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-monitor").mode("monitor").startShared(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    static void allRows(Endpoint e, Http.Resp r) {
        assertEquals(200, r.status(), "status: " + r);
        assertEquals(Case.ALL, e.names(Scenario.json(r.body())), "rows: " + r);
    }

    @ParameterizedTest(name = "[{0}] tautology in a query parameter returns every row")
    @ValueSource(strings = {"h2", "sqlite", "hsqldb"})
    void tautologyPasses(String db) {
        s.assertMonitored(db, Endpoint.BY_NAME, "' OR '1'='1", r -> allRows(Endpoint.BY_NAME, r));
    }

    @ParameterizedTest(name = "[{0}] tautology in a JSON body returns every row")
    @ValueSource(strings = {"h2", "sqlite", "hsqldb"})
    void jsonTautologyPasses(String db) {
        s.assertMonitored(db, Endpoint.JSON_BY_NAME, "x' OR 'a'='a", r -> allRows(Endpoint.JSON_BY_NAME, r));
    }

    @ParameterizedTest(name = "[{0}] UNION leaks the secrets")
    @ValueSource(strings = {"h2", "sqlite", "hsqldb"})
    void unionLeaks(String db) {
        s.assertMonitored(db, Endpoint.BY_NAME, "' UNION SELECT id,token,token,token FROM secrets--", r -> {
            assertEquals(200, r.status(), "status: " + r);
            assertTrue(r.body().contains("s3cr3t-token-alpha"), "no secret in " + r);
        });
    }

    @ParameterizedTest(name = "[{0}] catch-all endpoint answers its own 200")
    @ValueSource(strings = {"h2", "sqlite", "hsqldb"})
    void catchingEndpointAnswersNormally(String db) {
        s.assertMonitored(db, Endpoint.CATCHING, "' OR '1'='1", r -> allRows(Endpoint.CATCHING, r));
    }

    @ParameterizedTest(name = "[{0}] DELETE with a tautology deletes every row")
    @ValueSource(strings = {"h2", "sqlite", "hsqldb"})
    void deleteDeletes(String db) {
        try {
            s.assertMonitored(db, Endpoint.DELETE, "x' OR 'a'='a", r -> {
                assertEquals(200, r.status(), "status: " + r);
                assertEquals(5, Scenario.json(r.body()).path("deleted").asInt(), "deleted: " + r);
            });
            assertEquals(0, s.state(db).path("userCount").asInt(), "rows left after the monitored DELETE");
        } finally {
            s.reset(db);
        }
    }

    @Test
    void commandInjectionRunsAndIsMonitored() {
        new SinkScenario(app).assertMonitored(SinkCases.findAttack("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1; touch {M}"));
        new SinkScenario(app).assertMonitored(SinkCases.findAttack("spring", SinkEndpoint.BASH_ENV, "$(touch {M})"));
    }

    @Test
    void traversalRunsAndIsMonitored() {
        new SinkScenario(app).assertMonitored(SinkCases.findAttack("spring", SinkEndpoint.READ, SinkCases.SECRET_UP));
        new SinkScenario(app).assertMonitored(SinkCases.findAttack("spring", SinkEndpoint.UPLOAD, "shell-{N}.jsp"));
    }

    @Test
    void commandAndFileTwinsWriteNoEvent() {
        SinkScenario ss = new SinkScenario(app);
        ss.assertBenign(SinkCases.findBenign("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1"));
        ss.assertBenign(SinkCases.findBenign("spring", SinkEndpoint.READ, "report..v2.txt"));
    }

    @ParameterizedTest(name = "[{0}] benign twin: no event")
    @ValueSource(strings = {"h2", "sqlite", "hsqldb"})
    void benignWritesNoEvent(String db) {
        s.assertBenign(db, Case.names(Endpoint.SAFE_BY_NAME, "O'Brien", "O'Brien"));
        s.assertBenign(db, Case.names(Endpoint.IN_LIST, "1,2,3", "alice", "bob", "carol"));
    }
}
