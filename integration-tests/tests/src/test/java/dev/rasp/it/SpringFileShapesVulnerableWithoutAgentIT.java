package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent the {@code /files2/} endpoints ({@link FileShapes}) really leak: the existence oracle answers
 * differently for a file outside and a missing one, the canonical and normalised prefix tests serve the private file,
 * file: URLs read the secret outside, the symbolic link is created and read. Their benign twins answer the same as
 * with the agent. This is what makes {@link SpringFileShapesBlockModeIT} meaningful.
 */
@ExtendWith(AppLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringFileShapesVulnerableWithoutAgentIT {
    private AppProcess app;
    private Http http;

    @BeforeAll
    void start() {
        app = SpringBlockModeIT.springApp("spring-fileshapes-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        http = new Http(app.baseUrl());
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.release();
        }
    }

    Stream<FileShapes.Shape> attacks() {
        return FileShapes.attacks(app).stream();
    }

    Stream<FileShapes.Shape> benign() {
        return FileShapes.benign(app).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackTakesEffect(FileShapes.Shape c) {
        Http.Resp r = c.send(http);
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200");
        }
        String want = switch (c.path()) {
            case "/files2/exists", "/files2/exists-nio" -> "\"exists\":true";
            case "/files2/size-abs" -> "\"size\":" + (app.secret().length() + 1);
            case "/files2/canonical", "/files2/normalized" -> FileShapes.PRIVATE_CONTENT;
            case "/files2/cwd-list" -> "webroot";
            default -> app.secret();
        };
        if (!r.body().contains(want)) {
            problems.add("the answer lacks " + want);
        }
        if (c.path().equals("/files2/link") && !FileShapes.linkExists(app, c.params().get("name"))) {
            problems.add("no link was created");
        }
        if (!problems.isEmpty()) {
            fail(c + " did not take effect: " + String.join("; ", problems) + "\n  answer: " + r);
        }
    }

    /** The oracle: a file outside answers differently from a missing one. */
    @Test
    void existenceOracleTellsFilesOutsideApart() {
        for (String path : new String[] {"/files2/exists", "/files2/exists-nio"}) {
            Http.Resp there = FileShapes.attack("there", "GET", path, Map.of("name", "../../outside/secret.txt"), "name",
                null, null).send(http);
            Http.Resp missing = FileShapes.attack("missing", "GET", path, Map.of("name", "../../outside/missing.txt"),
                "name", null, null).send(http);
            if (!there.body().contains("\"exists\":true") || !missing.body().contains("\"exists\":false")) {
                fail(path + ": the oracle should answer true for the secret and false for a missing file: " + there
                    + " / " + missing);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benign")
    void benignTwinAnswers(FileShapes.Shape c) {
        Http.Resp r = c.send(http);
        String want = SpringFileShapesBlockModeIT.expectedContent(c);
        if (r.status() != 200 || !r.body().contains(want)) {
            fail(c + ": expected 200 with " + want + "\n  answer: " + r);
        }
    }
}
