package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Spring Boot 3 / Tomcat 10 with rasp.jar in block mode: every attack on every database, and the benign twins. */
@ExtendWith(AppLogsOnFailure.class)
class SpringBlockModeIT {
    static AppProcess app;
    static Scenario s;

    /** h2, sqlite, hsqldb, and pg when RASP_IT_PG_URL is set. */
    static List<String> dbs() {
        List<String> dbs = new ArrayList<>(List.of("h2", "sqlite", "hsqldb"));
        if (ItConfig.pgUrl() != null) {
            dbs.add("pg");
        }
        return dbs;
    }

    static AppProcess.Builder springApp(String name) {
        AppProcess.Builder b = AppProcess.builder(name, ItConfig.springJar());
        if (ItConfig.pgUrl() != null) {
            b.appArg("--pg.url=" + ItConfig.pgUrl());
        }
        return b;
    }

    @BeforeAll
    static void start() {
        app = springApp("spring-block").mode("block").startShared(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    static Stream<Arguments> attacks() {
        return dbs().stream().flatMap(db -> Cases.attacks(Endpoint.SPRING).stream().map(c -> Arguments.of(db, c)));
    }

    static Stream<Arguments> benign() {
        return dbs().stream().flatMap(db -> Cases.benign(Endpoint.SPRING).stream().map(c -> Arguments.of(db, c)));
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("attacks")
    void attackIsBlocked(String db, Case c) {
        s.assertBlocked(db, c);
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("benign")
    void benignTwinPasses(String db, Case c) {
        s.assertBenign(db, c);
    }

    /** How often {@link #everyRepetitionOfAnAttackIsBlocked} sends each request. */
    static final int REPETITIONS = 4;

    static Stream<Case> h2Attacks() {
        return Cases.attacks(Endpoint.SPRING).stream();
    }

    static Stream<Case> h2Benign() {
        return Cases.benign(Endpoint.SPRING).stream();
    }

    /**
     * The same attack, byte for byte the same request, sent again and again: from the third time
     * on the engine shares the inputs it compiled for an earlier one (rasp_engine::context_cache).
     * Blocked every time, one event each with its own request's id, the database intact.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("h2Attacks")
    void everyRepetitionOfAnAttackIsBlocked(Case c) {
        s.assertRepeatedlyBlocked("h2", c, REPETITIONS);
    }

    /** The benign twins, sent as often: served every time, no event. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("h2Benign")
    void everyRepetitionOfABenignTwinIsServed(Case c) {
        for (int i = 0; i < REPETITIONS; i++) {
            s.assertBenign("h2", c);
        }
    }

    static Stream<Case> h2SearchAttacks() {
        return Cases.attacks(Endpoint.SPRING).stream().filter(c -> c.endpoint == Endpoint.SEARCH);
    }

    /** How many new terms {@link #newSearchTermsAreServedAndAnAttackAfterThemBlocked} sends first. */
    static final int NEW_TERMS = 6;

    /**
     * A new search term every request (what the statement cache cannot help with): served, the
     * statement judged by its shape from the third term on, and a {@code LIKE} attack in the same
     * place afterwards still blocked (Scenario#assertNewTermsServedThenBlocked).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("h2SearchAttacks")
    void newSearchTermsAreServedAndAnAttackAfterThemBlocked(Case attack) {
        s.assertNewTermsServedThenBlocked("h2", attack, NEW_TERMS);
    }

    @Test
    void postgresIsPartOfTheRun() {
        if (ItConfig.pgUrl() == null) {
            Assumptions.assumeFalse(ItConfig.skipPostgres(), "PostgreSQL skipped (-Drasp.it.skipPostgres=true)");
            fail("RASP_IT_PG_URL is not set, so the pg database was not tested. Start a throwaway server with "
                + "`integration-tests/postgres.sh start` and export RASP_IT_PG_URL=<the URL it prints>, "
                + "or pass -Drasp.it.skipPostgres=true to skip PostgreSQL.");
        }
    }
}
