package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Without the agent the ORM endpoints really are injectable: the JPQL/HQL tautology returns every user, through
 * the EntityManager, a Hibernate Session and a native query; the benign twins return what they should. This is what
 * makes {@link OrmBlockModeIT} meaningful.
 */
@ExtendWith(AppLogsOnFailure.class)
class OrmVulnerableWithoutAgentIT {
    static AppProcess app;
    static Http http;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-orm-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        http = new Http(app.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    @ParameterizedTest(name = "{0}: the tautology returns every user")
    @EnumSource(OrmCases.class)
    void tautologyReturnsEveryUser(OrmCases c) {
        Http.Resp r = c.send(http, OrmCases.ATTACK);
        assertEquals(200, r.status(), r.toString());
        assertEquals(Case.ALL.stream().sorted(byId()).toList(), OrmCases.names(r.body()), r.toString());
    }

    @ParameterizedTest(name = "{0}: benign twins")
    @EnumSource(OrmCases.class)
    void benignTwinsWork(OrmCases c) {
        Http.Resp r = c.send(http, "alice");
        assertEquals(200, r.status(), r.toString());
        assertEquals(List.of("alice"), OrmCases.names(r.body()), r.toString());
        r = c.sendSafe(http, "O'Brien");
        assertEquals(200, r.status(), r.toString());
        assertEquals(List.of("O'Brien"), OrmCases.names(r.body()), r.toString());
        r = c.sendSafe(http, OrmCases.ATTACK);
        assertEquals(200, r.status(), r.toString());
        assertEquals(List.of(), OrmCases.names(r.body()), "a bound parameter is data: " + r);
    }

    /** Case.ALL is in id order already; kept explicit so a reordering there does not silently change this test. */
    private static java.util.Comparator<String> byId() {
        return java.util.Comparator.comparingInt(Case.ALL::indexOf);
    }
}
