package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Spring app on JDK 25 (Temurin) with rasp.jar in block mode: a smoke set of attacks and twins (SQL, commands, files). */
@ExtendWith(AppLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringJdk25SmokeIT {
    AppProcess app;
    Scenario s;

    /** Application arguments on top of the defaults (a subclass turns on virtual threads). */
    String[] appArgs() {
        return new String[0];
    }

    String name() {
        return "spring-jdk25";
    }

    @BeforeAll
    void start() {
        if (!Files.isExecutable(ItConfig.jdk25Java())) {
            Assumptions.assumeFalse(ItConfig.skipJdk25(), "JDK 25 skipped (-Drasp.it.skipJdk25=true)");
            fail("JDK 25 not found at " + ItConfig.jdk25Java() + " (set -Drasp.it.jdk25.home=<jdk dir>), "
                + "or pass -Drasp.it.skipJdk25=true to skip the JDK 25 smoke tests");
        }
        AppProcess.Builder b = AppProcess.builder(name(), ItConfig.springJar()).java(ItConfig.jdk25Java()).mode("block");
        for (String a : appArgs()) {
            b.appArg(a);
        }
        app = b.start().awaitReady(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    void stop() {
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

    static Stream<SinkCase> sinkAttacks() {
        return Stream.of(
            SinkCases.findAttack("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1; touch {M}"),
            SinkCases.findAttack("spring", SinkEndpoint.ECHO, "$(touch {M})"),
            SinkCases.findAttack("spring", SinkEndpoint.RUN, "touch {M}"),
            SinkCases.findAttack("spring", SinkEndpoint.BASH_ENV, "$(touch {M})"),
            SinkCases.findAttack("spring", SinkEndpoint.ARCHIVE, "--use-compress-program=touch {M}"),
            SinkCases.findAttack("spring", SinkEndpoint.READ, SinkCases.SECRET_UP),
            SinkCases.findAttack("spring", SinkEndpoint.READ_NIO, "/etc/passwd"),
            SinkCases.findAttack("spring", SinkEndpoint.RESOURCE, SinkCases.SECRET_UP),
            SinkCases.findAttack("spring", SinkEndpoint.WRITE, "../x-{N}.txt"),
            SinkCases.findAttack("spring", SinkEndpoint.UPLOAD, "shell-{N}.jsp"),
            SinkCases.findAttack("spring", SinkEndpoint.DELETE, "../../outside/victim-{N}.txt"),
            SinkCases.findAttack("spring", SinkEndpoint.LIST, "../../outside"));
    }

    static Stream<SinkCase> sinkBenign() {
        return Stream.of(
            SinkCases.findBenign("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1"),
            SinkCases.findBenign("spring", SinkEndpoint.LS, "/tmp; touch {M}"),
            SinkCases.findBenign("spring", SinkEndpoint.GREET, "$(touch {M})"),
            SinkCases.findBenign("spring", SinkEndpoint.READ, "report..v2.txt"),
            SinkCases.findBenign("spring", SinkEndpoint.WRITE, "new-{N}.txt"),
            SinkCases.findBenign("spring", SinkEndpoint.LIST, "a/b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sinkAttacks")
    void commandOrPathAttackIsBlocked(SinkCase c) {
        new SinkScenario(app).assertBlocked(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sinkBenign")
    void commandOrPathTwinPasses(SinkCase c) {
        new SinkScenario(app).assertBenign(c);
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
