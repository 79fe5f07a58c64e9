package dev.rasp.it;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/** {@link SsrfBlockModeIT}'s checks on the javax app (Jetty 10): the java.net.URL and raw socket attacks and twins. */
class JavaxSsrfBlockModeIT extends SsrfBlockModeIT {

    @BeforeAll
    static void start() {
        x = new SsrfScenario("javax-ssrf-block", true, true);
    }

    static List<String> names() {
        return SsrfCases.attackNames(true);
    }

    static List<String> twinNames() {
        return SsrfCases.twinNames(true);
    }
}
