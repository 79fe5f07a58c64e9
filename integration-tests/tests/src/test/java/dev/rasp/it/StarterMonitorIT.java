package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The starter configured from an application.yml (passed as spring.config.additional-location): global monitor
 * mode, a per-rule block, an exclusion and a request size, all honoured by the agent. The JVM runs with
 * -Djdk.attach.allowAttachSelf=true, so the starter loads the agent in-process instead of from a helper JVM,
 * and rasp.attach.background=true, so while the application context is created (the other starter tests load
 * it before the context exists).
 */
@ExtendWith(AppLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StarterMonitorIT {
    static final String YAML = """
        rasp:
          mode: monitor
          attach:
            background: true
          request:
            max-input-bytes: 512KB
          rules:
            mode:
              "[sqli.union]": block
          exclusion:
            search-box:
              routes: /h2/users/search
              rules: sqli.*
        """;

    AppProcess app;
    Scenario s;

    @BeforeAll
    void start() {
        Path yaml = StarterApp.yaml("starter-monitor", YAML);
        app = StarterApp.builder("starter-monitor")
            .jvmArg("-Djdk.attach.allowAttachSelf=true")
            .appArg("--spring.config.additional-location=file:" + yaml)
            .start().awaitReady(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void yamlValuesReachTheAgent() {
        List<String> starts = StarterApp.agentStartLines(app);
        assertEquals(1, starts.size(), "agent start lines: " + app.agentLogLines());
        assertTrue(starts.get(0).contains("mode=monitor"), starts.get(0));
        assertTrue(starts.get(0).contains("max_input_bytes=524288"), "512KB is 524288 bytes: " + starts.get(0));
        JsonNode e = StarterApp.endpoint(app);
        assertEquals("monitor", e.path("mode").asText(), e.toString());
        assertEquals("self-attach", e.path("installation").path("method").asText(), e.toString());
        assertEquals("block", e.path("installation").path("agentProperties").path("rasp.rules.mode.sqli.union").asText(), e.toString());
        assertEquals("/h2/users/search", e.path("installation").path("agentProperties").path("rasp.exclusion.search-box.routes").asText(),
            e.toString());
    }

    /**
     * rasp.attach.background=true: the application context is created while the agent loads (the web
     * server is made meanwhile), and the web server opens its port only once the agent is in.
     */
    @Test
    void inTheBackgroundTheAgentLoadsWhileTheContextIsCreatedAndIsInBeforeThePortOpens() {
        String out = app.stdoutText();
        int made = out.indexOf("Tomcat initialized with port");
        int loaded = out.indexOf("RASP: agent loaded into the running JVM");
        int open = out.indexOf("Tomcat started on port");
        assertTrue(made >= 0 && loaded > made && open > loaded, "made, loaded, then opened:\n" + out);
        assertEquals("ATTACHED", StarterApp.endpoint(app).path("installation").path("state").asText());
    }

    @Test
    void sqlAttackRunsAndIsReported() {
        s.assertMonitored("h2", Endpoint.BY_NAME, "' OR '1'='1", r -> SpringMonitorModeIT.allRows(Endpoint.BY_NAME, r));
        JsonNode e = StarterApp.endpoint(app);
        assertTrue(e.path("verdicts").path("monitored").path("sqli.tautology").asLong() >= 1, e.toString());
        assertEquals("monitored", e.path("recentEvents").path(0).path("action").asText(), e.toString());
        assertTrue(StarterApp.metric(app, "rasp.verdicts", "COUNT", "rule:sqli.tautology", "action:monitored") >= 1);
    }

    @Test
    void commandAttackRunsAndIsReported() {
        new SinkScenario(app).assertMonitored(SinkCases.findAttack("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1; touch {M}"));
    }

    @Test
    void aRuleSetToBlockBlocksInMonitorMode() {
        // rasp.rules.mode[sqli.union]=block overrides the global monitor for that rule alone
        s.assertBlocked("h2", Case.attack(Endpoint.BY_NAME, "' UNION SELECT id,token,token,token FROM secrets--"));
    }

    @Test
    void anExcludedRouteIsNotReported() {
        // the exclusion drops sqli.* findings on /h2/users/search: the attack runs there and writes no event,
        // while the same input on another route is reported (sqlAttackRunsAndIsReported)
        int mark = s.events.mark();
        Http.Resp r = Endpoint.SEARCH.send(s.http, "h2", "' OR '1'='1' --");
        List<String> evs = s.eventsSince(mark);
        assertEquals(200, r.status(), r.toString());
        assertEquals(List.of(), evs, "events for an excluded route");
    }
}
