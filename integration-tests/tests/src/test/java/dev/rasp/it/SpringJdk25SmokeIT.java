package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Spring app on JDK 25 (Temurin) with rasp.jar in block mode: a smoke set of attacks and twins (SQL, commands,
 * files), and the hand-offs to virtual threads.
 */
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
        // as DeserJdk25BlockModeIT starts it (SharedApps): one JDK 25 application for both
        AppProcess.Builder b = SpringBlockModeIT.springApp(name()).java(ItConfig.jdk25Java()).mode("block");
        for (String a : appArgs()) {
            b.appArg(a);
        }
        app = b.startShared(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.SmokeCases#sinkAttacks")
    void commandOrPathAttackIsBlocked(SinkCase c) {
        new SinkScenario(app).assertBlocked(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.SmokeCases#sinkBenign")
    void commandOrPathTwinPasses(SinkCase c) {
        new SinkScenario(app).assertBenign(c);
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("dev.rasp.it.SmokeCases#sqlAttacks")
    void attackIsBlocked(String db, Case c) {
        s.assertBlocked(db, c);
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("dev.rasp.it.SmokeCases#sqlBenign")
    void benignTwinPasses(String db, Case c) {
        s.assertBenign(db, c);
    }

    /**
     * The request's context follows the work to virtual threads ({@code Thread.ofVirtual().start},
     * {@code newVirtualThreadPerTaskExecutor}), and to a pool and a platform thread for comparison (see
     * {@link HandOffBlockModeIT}; proven injectable on JDK 25 by {@link HandOffVulnerableWithoutAgentIT}).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.HandOff#springJdk25")
    void handOffAttackIsBlocked(HandOff h) {
        new HandOffScenario(app).assertBlocked(h);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.HandOff#springJdk25")
    void handOffTwinPasses(HandOff h) {
        new HandOffScenario(app).assertBenign(h);
    }
}
