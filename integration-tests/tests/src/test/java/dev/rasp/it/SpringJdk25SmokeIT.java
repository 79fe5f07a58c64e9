package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Spring app on JDK 25 (Temurin) with rasp.jar in block mode: a smoke set of attacks and twins. */
@ExtendWith(AppLogsOnFailure.class)
class SpringJdk25SmokeIT {
    static AppProcess app;
    static Scenario s;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(ItConfig.jdk25Java())) {
            Assumptions.assumeFalse(ItConfig.skipJdk25(), "JDK 25 skipped (-Drasp.it.skipJdk25=true)");
            fail("JDK 25 not found at " + ItConfig.jdk25Java() + " (set -Drasp.it.jdk25.home=<jdk dir>), "
                + "or pass -Drasp.it.skipJdk25=true to skip the JDK 25 smoke tests");
        }
        app = AppProcess.builder("spring-jdk25", ItConfig.springJar()).java(ItConfig.jdk25Java()).mode("block")
            .start().awaitReady(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
            Arguments.of("h2", Case.attack(Endpoint.BY_NAME, "' OR '1'='1")),
            Arguments.of("sqlite", Case.attack(Endpoint.JSON_BY_NAME, "' UNION SELECT id,token,token,token FROM secrets--")),
            Arguments.of("hsqldb", Case.attack(Endpoint.HEADER_BY_NAME, "x' OR 'a'='a")),
            Arguments.of("h2", Case.attack(Endpoint.BY_ID, "1;DROP TABLE users")),
            Arguments.of("sqlite", Case.attack(Endpoint.DELETE, "x' OR 'a'='a")),
            Arguments.of("hsqldb", Case.attack(Endpoint.CATCHING, "' OR '1'='1")),
            Arguments.of("h2", Case.attack(Endpoint.SORTED, "(SELECT CASE WHEN 1=1 THEN name ELSE email END)")),
            Arguments.of("sqlite", Case.attack(Endpoint.COOKIE_BY_NAME, "admin'--")));
    }

    static Stream<Arguments> benign() {
        return Stream.of(
            Arguments.of("h2", Case.names(Endpoint.SAFE_BY_NAME, "O'Brien", "O'Brien")),
            Arguments.of("sqlite", Case.names(Endpoint.IN_LIST, "1,2,3", "alice", "bob", "carol")),
            Arguments.of("hsqldb", Case.names(Endpoint.BY_ID, "42")),
            Arguments.of("h2", Case.sorted(Endpoint.SORTED, "name DESC", "name", true)),
            Arguments.of("sqlite", Case.names(Endpoint.SEARCH, "select the best")),
            Arguments.of("hsqldb", Case.names(Endpoint.JSON_BY_NAME, "alice", "alice")));
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
}
