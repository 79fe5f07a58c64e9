package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every request releases its native context, however it ends: served, blocked, blocked and
 * caught by the application, failing in the application with an exception, or never reaching a
 * sink. At shutdown the agent logs the engine's counters; none may be left open.
 */
@ExtendWith(AppLogsOnFailure.class)
class ContextReleaseIT {

    @Test
    void contextsAreReleasedHoweverRequestsEnd() throws Exception {
        AppProcess app = AppProcess.builder("javax-release", ItConfig.javaxJar()).mode("block")
            .start().awaitReady(Duration.ofSeconds(120));
        Http http = new Http(app.baseUrl());
        int blocked = 0;
        for (int i = 0; i < 5; i++) {
            assertEquals(200, Endpoint.BY_NAME.send(http, "h2", "alice").status(), "benign");
            if (Endpoint.BY_NAME.send(http, "h2", "' OR '1'='1").status() == 403) {
                blocked++;
            }
            if (Endpoint.CATCHING.send(http, "h2", "' OR 1=1-- ").status() == 403) {
                blocked++;
            }
            // `abc` is no attack: the statement reaches H2, which fails it, and the application throws.
            int failing = Endpoint.BY_ID.send(http, "h2", "abc").status();
            assertTrue(failing >= 500, "the application's own failure: " + failing);
            http.get("/no-such-page-" + i); // no sink at all
        }
        assertEquals(10, blocked);
        app.stop();
        assertTrue(app.awaitExit(Duration.ofSeconds(30)) >= 0);

        List<String> statsLines = app.stderrText().lines()
            .filter(l -> l.contains("[rasp] engine stats "))
            .collect(Collectors.toList());
        assertEquals(1, statsLines.size(), "one stats line at shutdown:\n" + app.stderrText());
        String line = statsLines.get(0);
        JsonNode stats = EventLog.parse(line.substring(line.indexOf('{')));
        assertEquals(0, stats.path("contexts_live").asInt(-1), "no context left open: " + stats);
        assertTrue(stats.path("contexts_opened").asInt() >= 20, "a context per request that reached a sink: " + stats);
        assertEquals(10, stats.path("blocks").asInt(), stats.toString());
        assertEquals(0, stats.path("errors").asInt(-1), "no engine error: " + stats);
        assertEquals(0, stats.path("events_dropped").asInt(-1), stats.toString());
    }
}
