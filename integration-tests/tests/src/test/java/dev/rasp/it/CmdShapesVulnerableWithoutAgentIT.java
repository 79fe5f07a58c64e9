package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent the command shapes of {@link CmdShapesCases} really are injectable (each attack's {@code touch}
 * creates its marker) and the twins answer normally, so that {@link CmdShapesBlockModeIT} means something.
 */
@ExtendWith(AppLogsOnFailure.class)
class CmdShapesVulnerableWithoutAgentIT {
    static AppProcess app;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-cmd2-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    static Stream<SinkCase> attacks() {
        return CmdShapesCases.attackTable().stream();
    }

    static Stream<SinkCase> benign() {
        return CmdShapesCases.benignTable().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackTakesEffect(SinkCase c) {
        SinkScenario.assertTakesEffect(app, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benign")
    void twinAnswers(SinkCase c) {
        SinkCase.Run run = new SinkCase.Run(c, app);
        run.prepare();
        Http.Resp r = run.send(new Http(app.baseUrl()));
        List<String> problems = new ArrayList<>();
        SinkScenario.checkBenignAnswer(run, r, problems);
        assertTrue(problems.isEmpty(), c + ": " + problems + "\n  answer: " + r);
    }

    @Test
    void noEventsFileWithoutTheAgent() {
        assertFalse(Files.exists(app.eventsFile()));
    }
}
