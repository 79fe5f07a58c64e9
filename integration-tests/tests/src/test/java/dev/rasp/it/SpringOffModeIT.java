package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** -Drasp.mode=off: attacks pass, no event is written, and the agent says that it is off. */
@ExtendWith(AppLogsOnFailure.class)
class SpringOffModeIT {
    static AppProcess app;

    @BeforeAll
    static void start() {
        app = AppProcess.builder("spring-off", ItConfig.springJar()).mode("off").start().awaitReady(Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void attacksPassAndNoEventIsWritten() throws Exception {
        Http http = new Http(app.baseUrl());
        for (String db : List.of("h2", "sqlite", "hsqldb")) {
            Http.Resp r = Endpoint.BY_NAME.send(http, db, "' OR '1'='1");
            assertEquals(200, r.status(), r.toString());
            assertEquals(Case.ALL, Endpoint.BY_NAME.names(Scenario.json(r.body())), r.toString());
            Http.Resp j = Endpoint.JSON_BY_NAME.send(http, db, "' UNION SELECT id,token,token,token FROM secrets--");
            assertTrue(j.body().contains("s3cr3t"), "the UNION should have leaked with the agent off: " + j);
        }
        AppProcess.sleep(1500); // give a (wrongly) running background writer time to write
        assertTrue(!Files.exists(app.eventsFile()) || Files.size(app.eventsFile()) == 0,
            "events file has content in off mode: " + (Files.exists(app.eventsFile()) ? Files.readString(app.eventsFile()) : ""));
    }

    @Test
    void commandAndFileAttacksPassAndNoEventIsWritten() throws Exception {
        for (SinkCase c : List.of(
            SinkCases.findAttack("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1; touch {M}"),
            SinkCases.findAttack("spring", SinkEndpoint.ARCHIVE, "--use-compress-program=touch {M}"),
            SinkCases.findAttack("spring", SinkEndpoint.READ, SinkCases.SECRET_UP),
            SinkCases.findAttack("spring", SinkEndpoint.WRITE, "../x-{N}.txt"),
            SinkCases.findAttack("spring", SinkEndpoint.UPLOAD, "shell-{N}.jsp"))) {
            SinkScenario.assertTakesEffect(app, c);
        }
        AppProcess.sleep(1500);
        assertTrue(!Files.exists(app.eventsFile()) || Files.size(app.eventsFile()) == 0,
            "events file has content in off mode: " + (Files.exists(app.eventsFile()) ? Files.readString(app.eventsFile()) : ""));
    }

    @Test
    void agentLogSaysOff() {
        List<String> lines = app.agentLogLines();
        assertTrue(lines.stream().anyMatch(l -> l.toLowerCase(Locale.ROOT).contains("off")),
            "no [rasp] line on stderr mentions 'off'; agent lines: " + lines);
    }
}
