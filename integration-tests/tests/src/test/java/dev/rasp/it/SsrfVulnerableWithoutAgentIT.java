package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Without the agent every {@link SsrfCases} attack reaches the internal service (or the file) and its twin is served. */
@ExtendWith(AppLogsOnFailure.class)
class SsrfVulnerableWithoutAgentIT {
    static SsrfScenario x;

    @BeforeAll
    static void start(TestInfo info) {
        // JUnit runs this for the Javax subclass too, before the subclass's own start: that one starts the javax
        // app instead (a Spring app started here would be unused, and left running)
        if (info.getTestClass().orElseThrow() != SsrfVulnerableWithoutAgentIT.class) {
            return;
        }
        x = new SsrfScenario("spring-ssrf-noagent", false);
    }

    @AfterAll
    static void stop() {
        if (x != null) {
            x.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void attackWorksWithoutAgent(String name) {
        SsrfCases.Attack c = x.attacks().stream()
            .filter(a -> a.name().equals(name)).findFirst().orElseThrow();
        Http.Resp r = x.s.http.get(c.target());
        assertEquals(200, r.status(), c + ": " + r);
        assertTrue(x.leaked(c, r), c + " did not reach the secret: " + r);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twinNames")
    void twinIsServed(String name) {
        SsrfCases.Twin c = x.twins().stream()
            .filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        Http.Resp r = x.s.http.get(c.target());
        assertEquals(200, r.status(), c + ": " + r);
        assertTrue(r.body().contains(c.expect()), c + ": " + r);
    }

    static List<String> names() {
        return SsrfCases.attackNames(false);
    }

    static List<String> twinNames() {
        return SsrfCases.twinNames(false);
    }
}
