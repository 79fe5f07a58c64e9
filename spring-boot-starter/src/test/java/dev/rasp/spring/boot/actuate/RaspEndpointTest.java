package dev.rasp.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rasp.bootstrap.RaspTelemetry;
import dev.rasp.spring.boot.RaspInstallation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RaspEndpointTest {

    @Test
    @SuppressWarnings("unchecked")
    void reportsModeRuleSetVerdictsAndRecentEvents() {
        RaspInstallation.record(new RaspInstallation(RaspInstallation.State.ATTACHED, "loaded", 812, "helper-jvm",
                Map.of("rasp.mode", "block")));
        RaspTelemetry.agentStarted("1.2.3", "block", false, () -> "{\"contexts_live\":0}");
        RaspTelemetry.ruleSetLoaded("rasp-default@1+abcdef12");
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, true, "test.endpoint", "sqli", "ev-endpoint", "SELECT", "GET", "/x");

        Map<String, Object> out = new RaspEndpoint().rasp();
        assertThat(out).containsEntry("protected", true).containsEntry("mode", "block");
        assertThat((Map<String, Object>) out.get("installation")).containsEntry("state", "ATTACHED")
                .containsEntry("attachMillis", 812L).containsEntry("method", "helper-jvm");
        assertThat((Map<String, Object>) out.get("agent")).containsEntry("version", "1.2.3").containsEntry("loadedBy", "attach");
        assertThat((Map<String, Object>) out.get("ruleSet")).containsEntry("id", "rasp-default@1+abcdef12");
        Map<String, Map<String, Long>> verdicts = (Map<String, Map<String, Long>>) out.get("verdicts");
        assertThat(verdicts.get("blocked")).containsKey("test.endpoint");
        List<Object> events = (List<Object>) out.get("recentEvents");
        assertThat((Map<String, Object>) events.get(0)).containsEntry("event_id", "ev-endpoint").containsEntry("rule_id", "test.endpoint");
        assertThat((Map<String, Object>) out.get("engine")).containsEntry("contexts_live", 0);
        assertThat((Map<String, Object>) out.get("checks")).containsKeys("sql", "cmd", "path", "url", "expr", "jndi", "class", "xml");
    }
}
