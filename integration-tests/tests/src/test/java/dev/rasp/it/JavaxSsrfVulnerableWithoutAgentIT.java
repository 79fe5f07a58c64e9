package dev.rasp.it;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/** {@link SsrfVulnerableWithoutAgentIT}'s checks on the javax app (Jetty 10). */
class JavaxSsrfVulnerableWithoutAgentIT extends SsrfVulnerableWithoutAgentIT {

    @BeforeAll
    static void start() {
        x = new SsrfScenario("javax-ssrf-noagent", false, true);
    }

    static List<String> names() {
        return SsrfCases.attackNames(true);
    }

    static List<String> twinNames() {
        return SsrfCases.twinNames(true);
    }
}
