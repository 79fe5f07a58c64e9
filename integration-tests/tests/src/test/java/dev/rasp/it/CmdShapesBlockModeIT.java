package dev.rasp.it;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Spring application with rasp.jar in block mode against the command shapes of {@link CmdShapesCases}: every
 * attack is answered 403 with the block body, exactly one blocked event naming the input (source, name, value) and
 * the rule, and no marker; every twin answers 200 without an event.
 */
@ExtendWith(AppLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CmdShapesBlockModeIT {
    private AppProcess app;
    private SinkScenario s;

    @BeforeAll
    void start() {
        app = SpringBlockModeIT.springApp("spring-cmd2-block").mode("block").startShared(Duration.ofSeconds(180));
        s = new SinkScenario(app);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.release();
        }
    }

    Stream<SinkCase> attacks() {
        return CmdShapesCases.attackTable().stream();
    }

    Stream<SinkCase> benign() {
        return CmdShapesCases.benignTable().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackIsBlocked(SinkCase c) {
        s.assertBlocked(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benign")
    void twinPasses(SinkCase c) {
        s.assertBenign(c);
    }
}
