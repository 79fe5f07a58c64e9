package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring Boot with rasp.jar in block mode against the {@code /files2/} endpoints ({@link FileShapes}): every attack is
 * answered 403 with exactly one blocked event naming the input and the rule, and nothing happened (no content, no
 * existence answer, no link); every benign twin answers 200 with its own content and no event.
 */
@ExtendWith(AppLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringFileShapesBlockModeIT {
    private AppProcess app;
    private Scenario s;

    @BeforeAll
    void start() {
        app = builder().mode("block").startShared(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    /** The application to start (a subclass runs it on another JDK). */
    AppProcess.Builder builder() {
        return SpringBlockModeIT.springApp("spring-fileshapes-block");
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
    void attackIsBlocked(FileShapes.Shape c) {
        int mark = s.events.mark();
        Http.Resp r = c.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        Scenario.checkBlockAnswer(r, problems, "path");
        for (String leak : new String[] {app.secret(), FileShapes.PRIVATE_CONTENT, "\"exists\"", "\"size\"", "webroot"}) {
            if (r.body().contains(leak)) {
                problems.add("the answer shows the attack took effect: it contains " + leak);
            }
        }
        if (c.path().equals("/files2/link") && FileShapes.linkExists(app, c.params().get("name"))) {
            problems.add("the link was created: " + FileShapes.linkPath(app, c.params().get("name")));
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        } else {
            JsonNode ev = EventLog.parse(evs.get(0));
            Scenario.expectEq(problems, "event action", "blocked", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, "event rule_id", c.rule(), EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, "event category", "path", EventLog.text(ev, "category"));
            Scenario.expectEq(problems, "event input.name", c.input(), EventLog.text(ev, "input.name"));
            Scenario.expectEq(problems, "event input.value", c.value(), EventLog.text(ev, "input.value"));
            Scenario.expectEq(problems, "event input.transform", c.transform(), EventLog.text(ev, "input.transform"));
            Scenario.expectEq(problems, "event sink.kind", "path", EventLog.text(ev, "sink.kind"));
            Scenario.expectEq(problems, "event request.path", c.path(), EventLog.text(ev, "request.path"));
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + String.join("; ", problems) + "\n  answer: " + r + "\n  events: " + evs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benign")
    void benignTwinPasses(FileShapes.Shape c) {
        int mark = s.events.mark();
        Http.Resp r = c.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200");
        }
        String want = expectedContent(c);
        if (!r.body().contains(want)) {
            problems.add("the answer lacks " + want);
        }
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs.size());
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + String.join("; ", problems) + "\n  answer: " + r + "\n  events: " + evs);
        }
    }

    /** What a benign twin's answer shows. */
    static String expectedContent(FileShapes.Shape c) {
        return switch (c.path()) {
            case "/files2/exists", "/files2/exists-nio" -> "\"exists\":true";
            case "/files2/cwd-list" -> "notes.txt";
            default -> FileShapes.NOTES_CONTENT;
        };
    }
}
