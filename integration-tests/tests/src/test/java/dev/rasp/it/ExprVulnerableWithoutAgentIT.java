package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Without the agent every {@link ExprCases} attack runs (its marker file appears) and every twin is served. */
@ExtendWith(AppLogsOnFailure.class)
class ExprVulnerableWithoutAgentIT {
    static final AtomicInteger SEQ = new AtomicInteger();
    static AppProcess app;
    static Scenario s;
    static AppProcess javax;
    static Scenario javaxScenario;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-expr-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-expr-noagent", ItConfig.javaxJar()).withoutAgent().startShared(Duration.ofSeconds(120));
        s = new Scenario(app);
        javaxScenario = new Scenario(javax);
    }

    @AfterAll
    static void stop() {
        for (AppProcess a : new AppProcess[] {app, javax}) {
            if (a != null) {
                a.release();
            }
        }
    }

    static Path marker(AppProcess app) {
        return app.markersDir().resolve("expr-" + SEQ.incrementAndGet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.ExprCases#attackNames")
    void attackRuns(String name) throws Exception {
        ExprCases.Attack c = ExprCases.attack(name);
        AppProcess app = ExprCases.onJavax(name) ? javax : ExprVulnerableWithoutAgentIT.app;
        Scenario s = ExprCases.onJavax(name) ? javaxScenario : ExprVulnerableWithoutAgentIT.s;
        Path marker = marker(app);
        if (c.before(marker) != null) {
            assertEquals(200, s.http.get(c.before(marker)).status());
        }
        Http.Resp r = s.http.get(c.target(marker));
        for (int i = 0; i < 50 && !Files.exists(marker); i++) {
            Thread.sleep(100); // the stored rule's touch runs as a child process
        }
        assertTrue(Files.exists(marker), c + " did not create " + marker + ": " + r);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.ExprCases#twinNames")
    void twinIsServed(String name) {
        ExprCases.Twin c = ExprCases.twin(name);
        Scenario s = ExprCases.onJavax(name) ? javaxScenario : ExprVulnerableWithoutAgentIT.s;
        if (c.before() != null) {
            assertEquals(200, s.http.get(c.before()).status());
        }
        Http.Resp r = s.http.get(c.target());
        assertEquals(200, r.status(), c + ": " + r);
        assertEquals(c.expect(), r.body(), c + ": " + r);
    }
}
