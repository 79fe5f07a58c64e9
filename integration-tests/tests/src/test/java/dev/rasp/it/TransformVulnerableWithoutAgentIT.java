package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent every attack of {@link TransformCases} works through the application's own transform (every user,
 * the secrets table, the file outside the base directory are served), and every twin answers as the block tests
 * expect. This is what makes {@link TransformBlockModeIT} meaningful.
 */
@ExtendWith(AppLogsOnFailure.class)
class TransformVulnerableWithoutAgentIT {
    static AppProcess app;
    static Http http;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-transform-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        http = new Http(app.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    static List<TransformCases.Attack> attacks() {
        return TransformCases.attacks();
    }

    static List<TransformCases.Twin> twins() {
        return TransformCases.twins();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackTakesEffect(TransformCases.Attack c) {
        Http.Resp r = c.req().send(http);
        if (r.status() != 200 || !c.effect().tookEffect(app, r)) {
            fail(c + ": " + c.req() + " did not take effect (" + c.effect() + ") without the agent: " + r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twins")
    void twinAnswers(TransformCases.Twin c) {
        List<String> problems = twinProblems(c, c.req().send(http));
        if (!problems.isEmpty()) {
            fail(c + ": " + c.req() + "\n  - " + String.join("\n  - ", problems));
        }
    }

    static List<String> twinProblems(TransformCases.Twin c, Http.Resp r) {
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200: " + r.body());
        }
        if (!r.body().contains(c.expect())) {
            problems.add("the answer lacks " + c.expect() + ": " + r.body());
        }
        for (String n : c.never()) {
            if (r.body().contains(n)) {
                problems.add("the answer holds " + n + ": " + r.body());
            }
        }
        return problems;
    }
}
