package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The configuration contract (on the javax app, which starts in about a second). */
@ExtendWith(AppLogsOnFailure.class)
class AgentConfigIT {

    @Test
    void badModeStopsTheJvmWithOneClearLine() {
        AppProcess app = AppProcess.builder("javax-badmode", ItConfig.javaxJar()).mode("bogus").start();
        try {
            int status = app.awaitExit(Duration.ofSeconds(60));
            assertNotEquals(0, status, "exit status");
            String want = "rasp: bad value 'bogus' for rasp.mode (RASP_MODE): use block, monitor or off";
            assertTrue(app.stderrText().lines().anyMatch(l -> l.contains(want)),
                "stderr lacks the line '" + want + "':\n" + app.stderrText());
        } finally {
            app.stop();
        }
    }

    @Test
    void modeFromTheEnvironment() {
        AppProcess app = AppProcess.builder("javax-env-monitor", ItConfig.javaxJar()).mode(null).env("RASP_MODE", "monitor")
            .start().awaitReady(Duration.ofSeconds(120));
        try {
            new Scenario(app).assertMonitored("h2", Endpoint.BY_NAME, "' OR '1'='1", r -> {
                assertEquals(200, r.status(), r.toString());
                assertEquals(Case.ALL, Endpoint.BY_NAME.names(Scenario.json(r.body())), r.toString());
            });
        } finally {
            app.stop();
        }
    }

    /** Config file gives mode=monitor and the events file; the environment's RASP_MODE=block wins over the file. */
    @Test
    void configFileAndPrecedence() throws Exception {
        Path dir = ItConfig.newWorkDir("config-file");
        Path events = dir.resolve("from-config-file.jsonl");
        Path props = dir.resolve("rasp.properties");
        Files.writeString(props, "rasp.mode=monitor\nrasp.events.file=" + events.toString().replace("\\", "\\\\") + "\n");
        AppProcess app = AppProcess.builder("javax-config-file", ItConfig.javaxJar()).mode(null).noEventsFileProperty()
            .jvmArg("-Drasp.config.file=" + props).env("RASP_MODE", "block")
            .start().awaitReady(Duration.ofSeconds(120));
        try {
            Http http = new Http(app.baseUrl());
            Http.Resp r = Endpoint.BY_NAME.send(http, "h2", "' OR '1'='1");
            List<String> problems = new ArrayList<>();
            Scenario.checkBlockAnswer(r, problems);
            assertTrue(problems.isEmpty(), "RASP_MODE=block should beat rasp.mode=monitor of the config file: " + problems + " " + r);
            EventLog log = new EventLog(events);
            log.awaitLine(0, n -> "blocked".equals(EventLog.text(n, "action")), Duration.ofSeconds(10),
                "the block, in the events file named by the config file");
        } finally {
            app.stop();
        }
    }
}
