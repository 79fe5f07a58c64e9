package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent every row of {@link SourceCases} is real: the container or the parser accepts the request and the
 * application reads the value the row says ({@code X-Seen-Name}): the tautology returns every row, the multipart
 * file name and the zip entry write outside the upload area; every twin sent the same way answers as the block tests
 * expect (alice; the file in the webroot or under tmp/unzip-n). This is what makes the block tests meaningful.
 */
@ExtendWith(AppLogsOnFailure.class)
class SourcesVulnerableWithoutAgentIT {
    static AppProcess spring;
    static AppProcess javax;

    @BeforeAll
    static void start() {
        spring = SpringBlockModeIT.springApp("spring-sources-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-sources-noagent", ItConfig.javaxJar()).withoutAgent().startShared(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (spring != null) {
            spring.release();
        }
        if (javax != null) {
            javax.release();
        }
    }

    static AppProcess app(String which) {
        return which.equals("spring") ? spring : javax;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String which : List.of("spring", "javax")) {
            SourceCases.table(which).forEach(c -> out.add(Arguments.of(c)));
            SourceCases.notCapturedYet(which).forEach(c -> out.add(Arguments.of(c)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void attackTakesEffect(SourceCase c) {
        SourceScenario.assertTakesEffect(app(c.app), c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void twinAnswers(SourceCase c) {
        SourceScenario.assertTwinAnswers(app(c.app), c);
    }

    @Test
    void noEventsFileWithoutTheAgent() {
        assertFalse(Files.exists(spring.eventsFile()));
        assertFalse(Files.exists(javax.eventsFile()));
    }
}
