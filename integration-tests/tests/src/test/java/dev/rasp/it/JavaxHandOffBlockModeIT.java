package dev.rasp.it;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * javax.servlet on Jetty 10 with rasp.jar in block mode: the lookup run inside {@code AsyncContext.start(runnable)}
 * (handoff via async-context) and in an async dispatch started from an application thread is blocked: 403 with the
 * contract body and one blocked event; the benign twin passes without an event. Proven injectable by
 * {@link HandOffVulnerableWithoutAgentIT}.
 */
@ExtendWith(AppLogsOnFailure.class)
class JavaxHandOffBlockModeIT {
    static AppProcess app;
    static HandOffScenario h;

    @BeforeAll
    static void start() {
        app = AppProcess.builder("javax-handoff-block", ItConfig.javaxJar()).mode("block").startShared(Duration.ofSeconds(120));
        h = new HandOffScenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    static Stream<HandOff> handOffs() {
        return HandOff.javax();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handOffs")
    void attackIsBlocked(HandOff ho) {
        h.assertBlocked(ho);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handOffs")
    void benignTwinPasses(HandOff ho) {
        h.assertBenign(ho);
    }
}
