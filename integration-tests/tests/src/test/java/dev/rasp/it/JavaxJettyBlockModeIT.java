package dev.rasp.it;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The javax.servlet application on embedded Jetty 10 with rasp.jar in block mode. */
@ExtendWith(AppLogsOnFailure.class)
class JavaxJettyBlockModeIT {
    static final List<String> DBS = List.of("h2", "sqlite", "hsqldb");
    static AppProcess app;
    static Scenario s;

    @BeforeAll
    static void start() {
        app = AppProcess.builder("javax-block", ItConfig.javaxJar()).mode("block").startShared(Duration.ofSeconds(120));
        s = new Scenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    static Stream<Arguments> attacks() {
        return DBS.stream().flatMap(db -> Cases.attacks(Endpoint.JAVAX).stream().map(c -> Arguments.of(db, c)));
    }

    static Stream<Arguments> benign() {
        return DBS.stream().flatMap(db -> Cases.benign(Endpoint.JAVAX).stream().map(c -> Arguments.of(db, c)));
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
