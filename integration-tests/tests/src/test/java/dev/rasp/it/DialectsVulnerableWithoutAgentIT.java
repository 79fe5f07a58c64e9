package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent the {@link DialectCases} attacks really work: on Derby a backslash does not escape the quote
 * after it, and H2 and HSQLDB skip U+00A0 and U+3000 between keywords like spaces, so the tautologies return every
 * row and the UNIONs leak the secrets. The benign twins get the answers {@link DialectsBlockModeIT} expects.
 */
@ExtendWith(AppLogsOnFailure.class)
class DialectsVulnerableWithoutAgentIT {
    static AppProcess app;
    static Http http;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-dialects-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        http = new Http(app.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    static List<DialectCases.Attack> attacks() {
        return DialectCases.attacks();
    }

    static List<DialectCases.Benign> benign() {
        return DialectCases.benign();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackTakesEffect(DialectCases.Attack a) {
        a.effect().check(http.get(a.target().uri(a.payload())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benign")
    void twinAnswers(DialectCases.Benign b) {
        Http.Resp r = http.get(b.target().uri(b.payload()));
        assertEquals(200, r.status(), r.toString());
        JsonNode body = Scenario.json(r.body());
        b.check().accept(body);
    }
}
