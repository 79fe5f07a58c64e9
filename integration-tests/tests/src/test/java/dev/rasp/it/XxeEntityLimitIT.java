package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * rasp.xxe.max_entity_expansions and rasp.xxe.max_entity_chars lowered (100 references, 20,000 characters) on the
 * javax app's {@code /xxe/sax} (the JDK's own entity limits off): documents that the default limits serve
 * (XxeBlockModeIT's twins) are stopped, documents under the lowered limits are served; a value out of range stops
 * the JVM with one clear line.
 */
@ExtendWith(AppLogsOnFailure.class)
class XxeEntityLimitIT {
    static AppProcess app;
    static Scenario s;

    @BeforeAll
    static void start() {
        app = AppProcess.builder("javax-xxe-limits", ItConfig.javaxJar()).mode("block")
            .jvmArg("-Drasp.xxe.max_entity_expansions=100").env("RASP_XXE_MAX_ENTITY_CHARS", "20000").start();
        s = new Scenario(app.awaitReady(Duration.ofSeconds(120)));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void aBombPastTheLoweredExpansionLimitIsBlocked() {
        // 1,111 expansions, 10,000 characters: past 100 references only
        expectBlocked(XxeCases.bomb(3, 10));
    }

    @Test
    void textPastTheLoweredCharacterLimitIsBlocked() {
        // 3 expansions of 8,000 characters: past 20,000 characters only
        expectBlocked(XxeCases.bigEntity(8000, 3));
    }

    @Test
    void documentsUnderTheLoweredLimitsAreServed() {
        expectServed(XxeCases.bomb(1, 10), "length=100\n"); // 11 expansions
        expectServed(XxeCases.bigEntity(8000, 2), "length=16000\n"); // 16,000 characters
    }

    @Test
    void anOutOfRangeLimitStopsTheJvmWithOneClearLine() {
        AppProcess bad = AppProcess.builder("javax-xxe-badlimit", ItConfig.javaxJar()).mode("block")
            .jvmArg("-Drasp.xxe.max_entity_expansions=0").start();
        try {
            assertNotEquals(0, bad.awaitExit(Duration.ofSeconds(60)), "exit status");
            String want = "rasp: bad value '0' for rasp.xxe.max_entity_expansions (RASP_XXE_MAX_ENTITY_EXPANSIONS): "
                + "use a whole number of entity references from 1 to 100000000";
            assertTrue(bad.stderrText().lines().anyMatch(l -> l.contains(want)),
                "stderr lacks the line '" + want + "':\n" + bad.stderrText());
        } finally {
            bad.stop();
        }
    }

    private static void expectBlocked(String document) {
        int mark = s.events.mark();
        Http.Resp r = XxeCases.send(s.http, "POST", "/xxe/sax", document);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        Scenario.checkBlockAnswer(r, problems, "xxe");
        if (r.body().startsWith("length=")) {
            problems.add("the document was expanded");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        } else {
            JsonNode ev = EventLog.parse(evs.get(0));
            Scenario.expectEq(problems, "event rule_id", "xxe.entity_expansion", EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, "event sink.op", "expand", EventLog.text(ev, "sink.op"));
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n  - ", problems) + "\n  answer: " + XxeVulnerableWithoutAgentIT.abbreviated(r)
                + "\n  events: " + evs);
        }
    }

    private static void expectServed(String document, String answer) {
        int mark = s.events.mark();
        Http.Resp r = XxeCases.send(s.http, "POST", "/xxe/sax", document);
        assertEquals(200, r.status(), XxeVulnerableWithoutAgentIT.abbreviated(r));
        assertTrue(r.body().startsWith(answer), XxeVulnerableWithoutAgentIT.abbreviated(r));
        assertEquals(List.of(), s.eventsSince(mark));
    }
}
