package dev.rasp.it;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The javax.servlet application on embedded Jetty 10 with rasp.jar in block mode: every command-injection and path attack of {@link SinkCases} is answered
 * 403 with one blocked event and has no side effect; every benign twin passes without an event.
 */
@ExtendWith(AppLogsOnFailure.class)
class JavaxJettyCmdPathBlockModeIT {
    static final String APP = "javax";
    static AppProcess app;
    static SinkScenario s;

    @BeforeAll
    static void start() {
        app = AppProcess.builder("javax-cmdpath-block", ItConfig.javaxJar()).mode("block").start().awaitReady(Duration.ofSeconds(120));
        s = new SinkScenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
    }

    static Stream<SinkCase> attacks() {
        return SinkCases.attackTable(APP).stream();
    }

    static Stream<SinkCase> benign() {
        return SinkCases.benignTable(APP).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackIsBlocked(SinkCase c) {
        s.assertBlocked(c);
    }

    @Test
    void pathEventsNameTheOp() {
        s.assertPathEventsNameTheOp(APP);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benign")
    void benignTwinPasses(SinkCase c) {
        s.assertBenign(c);
    }
}
