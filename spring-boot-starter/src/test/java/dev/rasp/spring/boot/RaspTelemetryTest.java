package dev.rasp.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rasp.bootstrap.RaspTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.json.JsonParserFactory;

/**
 * The agent's telemetry as the starter reads it (RaspTelemetry is in the bootstrap jar, which has no tests of
 * its own). Its state is static, so every check here works on differences.
 */
class RaspTelemetryTest {

    @AfterEach
    void noListener() {
        RaspTelemetry.setListener(null);
    }

    @Test
    void checksCountAndTimePerSink() {
        long sql = RaspTelemetry.checks(RaspTelemetry.SINK_SQL);
        long sqlNanos = RaspTelemetry.checkNanos(RaspTelemetry.SINK_SQL);
        long path = RaspTelemetry.checks(RaspTelemetry.SINK_PATH);
        RaspTelemetry.checked(RaspTelemetry.SINK_SQL, 1500);
        RaspTelemetry.checked(RaspTelemetry.SINK_SQL, 500);
        RaspTelemetry.checked(99, 1); // an unknown sink is ignored, not a failure
        assertThat(RaspTelemetry.checks(RaspTelemetry.SINK_SQL)).isEqualTo(sql + 2);
        assertThat(RaspTelemetry.checkNanos(RaspTelemetry.SINK_SQL)).isEqualTo(sqlNanos + 2000);
        assertThat(RaspTelemetry.checks(RaspTelemetry.SINK_PATH)).isEqualTo(path);
        assertThat(RaspTelemetry.sinkNames()).containsExactly("sql", "cmd", "path", "url", "expr", "jndi", "class", "xml");
    }

    @Test
    void verdictsAreCountedByActionRuleAndCategory() {
        long blocked = RaspTelemetry.verdicts("blocked", "test.counted", "sqli");
        long monitored = RaspTelemetry.verdicts("monitored", "test.counted", "sqli");
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, true, "test.counted", "sqli", "e1", "SELECT 1", "GET", "/a");
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, true, "test.counted", "sqli", "e2", "SELECT 2", "GET", "/a");
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, false, "test.counted", "sqli", "e3", "SELECT 3", "GET", "/a");
        assertThat(RaspTelemetry.verdicts("blocked", "test.counted", "sqli")).isEqualTo(blocked + 2);
        assertThat(RaspTelemetry.verdicts("monitored", "test.counted", "sqli")).isEqualTo(monitored + 1);
        assertThat(RaspTelemetry.verdicts()).anySatisfy(v -> {
            assertThat(v.ruleId).isEqualTo("test.counted");
            assertThat(v.action).isEqualTo("blocked");
        });
    }

    @Test
    void recentEventsAreNewestFirstAndBounded() {
        for (int i = 0; i < RaspTelemetry.RECENT_EVENTS + 20; i++) {
            RaspTelemetry.verdict(RaspTelemetry.SINK_PATH, false, "test.ring", "path", "ring-" + i, "/x", "GET", "/r");
        }
        List<String> recent = RaspTelemetry.recentEvents();
        assertThat(recent).hasSize(RaspTelemetry.RECENT_EVENTS);
        assertThat(recent.get(0)).contains("\"event_id\":\"ring-" + (RaspTelemetry.RECENT_EVENTS + 19) + "\"");
        assertThat(recent.get(RaspTelemetry.RECENT_EVENTS - 1)).contains("\"event_id\":\"ring-20\"");
    }

    @Test
    void anEventIsOneValidJsonObject() {
        String nasty = "SELECT '\"\\\n\t\u0001' FROM t WHERE x = '\ud83d\ude00' AND y = '\ud800'";
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, true, "test.json", "sqli", "ev-json", nasty, "POST", "/p?q");
        String line = RaspTelemetry.recentEvents().get(0);
        assertThat(line).doesNotContain("\n");
        Map<String, Object> m = JsonParserFactory.getJsonParser().parseMap(line);
        assertThat(m).containsEntry("event_id", "ev-json").containsEntry("action", "blocked").containsEntry("rule_id", "test.json")
                .containsEntry("category", "sqli").containsKey("time");
        @SuppressWarnings("unchecked")
        Map<String, Object> sink = (Map<String, Object>) m.get("sink");
        assertThat(sink).containsEntry("kind", "sql");
        assertThat((String) sink.get("value")).startsWith("SELECT '\"\\\n\t\u0001' FROM t WHERE x = '\ud83d\ude00'");
        @SuppressWarnings("unchecked")
        Map<String, Object> request = (Map<String, Object>) m.get("request");
        assertThat(request).containsEntry("method", "POST").containsEntry("path", "/p?q");
    }

    @Test
    void longSinkValuesAreCutAndOutsideARequestThereIsNoRequest() {
        String longSql = "SELECT " + "x".repeat(2000);
        RaspTelemetry.verdict(RaspTelemetry.SINK_CMD, true, "test.long", "cmdi", "ev-long", longSql, null, null);
        Map<String, Object> m = JsonParserFactory.getJsonParser().parseMap(RaspTelemetry.recentEvents().get(0));
        @SuppressWarnings("unchecked")
        Map<String, Object> sink = (Map<String, Object>) m.get("sink");
        assertThat((String) sink.get("value")).hasSize(512);
        assertThat(sink).containsEntry("value_cut", true).containsEntry("kind", "cmd");
        assertThat((Map<?, ?>) m.get("request")).isEmpty();
    }

    @Test
    void theListenerHearsVerdictsAndItsFailureStaysInside() {
        List<String> heard = new ArrayList<>();
        RaspTelemetry.setListener((action, rule, category, json) -> {
            heard.add(action + " " + rule + " " + category);
            throw new IllegalStateException("a broken reader");
        });
        RaspTelemetry.verdict(RaspTelemetry.SINK_PATH, true, "test.listener", "path", "ev-l", "/etc/passwd", "GET", "/f");
        assertThat(heard).containsExactly("blocked test.listener path");
    }

    @Test
    void statusIsWhatTheAgentSaid() {
        RaspTelemetry.agentStarted("9.9.9", "monitor", false, () -> "{\"checks\":1}");
        RaspTelemetry.ruleSetLoaded("rasp-default@2026.11.0+1a2b3c4d");
        assertThat(RaspTelemetry.started()).isTrue();
        assertThat(RaspTelemetry.mode()).isEqualTo("monitor");
        assertThat(RaspTelemetry.attached()).isTrue();
        assertThat(RaspTelemetry.ruleSetId()).isEqualTo("rasp-default@2026.11.0+1a2b3c4d");
        assertThat(RaspTelemetry.engineStats()).isEqualTo("{\"checks\":1}");
        RaspTelemetry.agentStarted("9.9.9", "monitor", false, () -> {
            throw new IllegalStateException("engine gone");
        });
        assertThat(RaspTelemetry.engineStats()).isNull();
    }
}
