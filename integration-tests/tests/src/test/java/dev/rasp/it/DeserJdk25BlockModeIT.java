package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Spring app on JDK 25 (Temurin) with rasp.jar in block mode: the hook point (ObjectStreamClass.initNonProxy)
 * is the same there, so the CommonsCollections gadget stream is blocked through both endpoints and a benign stream
 * is echoed without an event ({@link DeserBlockModeIT} on the build's JDK 17).
 */
@ExtendWith(AppLogsOnFailure.class)
class DeserJdk25BlockModeIT {
    static AppProcess app;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(ItConfig.jdk25Java())) {
            Assumptions.assumeFalse(ItConfig.skipJdk25(), "JDK 25 skipped (-Drasp.it.skipJdk25=true)");
            fail("JDK 25 not found at " + ItConfig.jdk25Java() + " (set -Drasp.it.jdk25.home=<jdk dir>), "
                + "or pass -Drasp.it.skipJdk25=true to skip the JDK 25 tests");
        }
        app = SpringBlockModeIT.springApp("spring-deser-jdk25").java(ItConfig.jdk25Java()).mode("block").startShared(Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    @Test
    void gadgetChainIsBlockedAndTheTwinServed() {
        List<String> problems = new java.util.ArrayList<>();
        for (String endpoint : DeserCases.ENDPOINTS) {
            problems.addAll(DeserBlockModeIT.blocked(app, endpoint, DeserCases.gadget(app.markersDir()),
                DeserCases.GADGET_RULE, "org.apache.commons.collections.functors."));
        }
        Scenario s = new Scenario(app);
        int mark = s.events.mark();
        problems.addAll(DeserVulnerableWithoutAgentIT.benignProblems(s.http, "/deser/object", DeserCases.benign().get(0)));
        List<String> evs = s.eventsSince(mark);
        if (!evs.isEmpty()) {
            problems.add("expected no event for the benign stream, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail("JDK 25\n  - " + String.join("\n  - ", problems));
        }
    }
}
