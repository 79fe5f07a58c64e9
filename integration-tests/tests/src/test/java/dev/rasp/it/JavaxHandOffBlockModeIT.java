package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JavaxHandOffBlockModeIT {
    static AppProcess app;
    static HandOffScenario h;
    /** The agent's internal-error lines before this class's requests (the app is shared). */
    static int errorLinesBefore;

    @BeforeAll
    static void start() {
        app = AppProcess.builder("javax-handoff-block", ItConfig.javaxJar()).mode("block").startShared(Duration.ofSeconds(120));
        h = new HandOffScenario(app);
        errorLinesBefore = internalErrorLines().size();
    }

    static List<String> internalErrorLines() {
        return app.agentLogLines().stream().filter(l -> l.startsWith("[rasp] internal error")).collect(Collectors.toList());
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
    @Order(10)
    void attackIsBlocked(HandOff ho) {
        h.assertBlocked(ho);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handOffs")
    @Order(20)
    void benignTwinPasses(HandOff ho) {
        h.assertBenign(ho);
    }

    /** Answering and ending the blocked async requests (a complete() Jetty refuses, ...) contained no error. */
    @Test
    @Order(30)
    void noInternalErrorContained() {
        List<String> lines = internalErrorLines();
        assertEquals(List.of(), lines.subList(Math.min(errorLinesBefore, lines.size()), lines.size()));
    }
}
