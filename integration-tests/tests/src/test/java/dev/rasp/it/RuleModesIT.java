package dev.rasp.it;

import static dev.rasp.it.RuleChecks.assertBlockedBy;
import static dev.rasp.it.RuleChecks.assertMonitoredBy;
import static dev.rasp.it.RuleChecks.assertServedQuietly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-rule modes ({@code rasp.rules.mode.<id>}) and exclusions ({@code rasp.exclusion.<name>.*}) end to end, on the
 * javax app (it starts in about a second, so each configuration gets its own JVM). Every allowed case has a twin
 * outside the setting that is still blocked.
 */
@ExtendWith(AppLogsOnFailure.class)
class RuleModesIT {
    private static final String TAUTOLOGY = "' OR '1'='1";
    private static final String UNION = "' UNION SELECT id, token, token, token FROM secrets-- ";

    private static String byName(String db, String name) {
        return "/" + db + "/users/by-name?name=" + Http.enc(name);
    }

    private static void withApp(String name, String mode, Consumer<Scenario> test, String... properties) {
        AppProcess.Builder b = AppProcess.builder(name, ItConfig.javaxJar()).mode(mode);
        for (String p : properties) {
            b.jvmArg("-D" + p);
        }
        AppProcess app = b.start().awaitReady(Duration.ofSeconds(120));
        try {
            test.accept(new Scenario(app));
        } finally {
            app.stop();
        }
    }

    private static void assertAllRows(RuleChecks.Outcome o) {
        assertEquals(Case.ALL, Endpoint.BY_NAME.names(Scenario.json(o.resp().body())), "every row came back: " + o);
    }

    @Test
    void aRuleAtMonitorUnderGlobalBlockIsMonitoredAndServed() {
        withApp("javax-rule-monitor", "block", s -> {
            RuleChecks.Outcome taut = RuleChecks.get(s, byName("h2", TAUTOLOGY));
            assertMonitoredBy(taut, "sqli.tautology");
            assertAllRows(taut);
            // twin: every other rule keeps the global block
            assertBlockedBy(RuleChecks.get(s, byName("h2", UNION)), "sqli", "sqli.union");
        }, "rasp.rules.mode.sqli.tautology=monitor");
    }

    @Test
    void aRuleAtBlockUnderGlobalMonitorBlocks() {
        withApp("javax-rule-block", "monitor", s -> {
            RuleChecks.Outcome union = RuleChecks.get(s, byName("h2", UNION));
            assertBlockedBy(union, "sqli", "sqli.union");
            assertFalse(union.resp().body().contains("s3cr3t"), union.toString());
            // twin: every other rule keeps the global monitor
            RuleChecks.Outcome taut = RuleChecks.get(s, byName("h2", TAUTOLOGY));
            assertMonitoredBy(taut, "sqli.tautology");
            assertAllRows(taut);
        }, "rasp.rules.mode.sqli.union=block");
    }

    @Test
    void exclusionsByRouteInputAndRule() {
        withApp("javax-exclusions", "block", s -> {
            // by route: the legacy endpoint of one database only
            RuleChecks.Outcome legacy = RuleChecks.get(s, "/h2/users/by-id?id=" + Http.enc("1 OR 1=1"));
            assertServedQuietly(legacy);
            assertEquals(Case.ALL.size(), Scenario.json(legacy.resp().body()).size(), legacy.toString());
            assertBlockedBy(RuleChecks.get(s, "/hsqldb/users/by-id?id=" + Http.enc("1 OR 1=1")), "sqli", "sqli.tautology");

            // by input: the form field "name" (source-qualified), not the query parameter of the same name
            RuleChecks.Outcome form = RuleChecks.send(s, Endpoint.FORM_BY_NAME, "h2", TAUTOLOGY);
            assertServedQuietly(form);
            assertAllRows(form);
            assertBlockedBy(RuleChecks.get(s, byName("h2", TAUTOLOGY)), "sqli", "sqli.tautology");
            // by input: a header, any route
            RuleChecks.Outcome header = RuleChecks.send(s, Endpoint.HEADER_BY_NAME, "h2", TAUTOLOGY);
            assertServedQuietly(header);
            assertAllRows(header);
            assertBlockedBy(RuleChecks.send(s, Endpoint.COOKIE_BY_NAME, "h2", TAUTOLOGY), "sqli", "sqli.tautology");

            // by rule id: UNION findings are dropped everywhere; the tautology twin on the same endpoint still blocks
            RuleChecks.Outcome union = RuleChecks.get(s, byName("sqlite", UNION));
            assertServedQuietly(union);
            assertTrue(union.resp().body().contains("s3cr3t-token"), "the excluded attack ran: " + union);
            assertBlockedBy(RuleChecks.get(s, byName("sqlite", TAUTOLOGY)), "sqli", "sqli.tautology");
        },
            "rasp.exclusion.legacy.routes=/h2/users/by-id",
            "rasp.exclusion.trusted-fields.inputs=form:name,header:X-User",
            "rasp.exclusion.reporting.rules=sqli.union");
    }

    /** A rule id the engine does not know stops the start with one line naming the key (a typo must not pass). */
    @Test
    void anUnknownRuleIdStopsTheStart() {
        String[][] cases = {
            {"rasp.rules.mode.sqli.tautolgy=monitor", "rasp: rasp.rules.mode.sqli.tautolgy names rule 'sqli.tautolgy'"},
            {"rasp.exclusion.x.rules=sql.policy.nope", "rasp: rasp.exclusion.x.rules names rule 'sql.policy.nope'"},
            {"rasp.rules.mode.Sqli.union=off", "rasp: bad key 'rasp.rules.mode.Sqli.union': "},
        };
        for (String[] c : cases) {
            AppProcess app = AppProcess.builder("javax-unknown-rule", ItConfig.javaxJar()).jvmArg("-D" + c[0]).start();
            try {
                assertNotEquals(0, app.awaitExit(Duration.ofSeconds(60)), "exit status for " + c[0]);
                String err = app.stderrText();
                assertTrue(err.lines().anyMatch(l -> l.startsWith(c[1])), "stderr lacks '" + c[1] + "...':\n" + err);
                assertEquals(1, err.lines().filter(l -> l.startsWith("rasp: ")).count(), "one line: " + err);
            } finally {
                app.stop();
            }
        }
    }

    /** The same settings from the config file; the environment cannot set them. */
    @Test
    void ruleKeysFromTheConfigFile() throws Exception {
        Path dir = ItConfig.newWorkDir("rule-keys-file");
        Path props = dir.resolve("rasp.properties");
        Files.writeString(props, "rasp.rules.mode.sqli.tautology=monitor\n");
        withApp("javax-rule-keys-file", "block", s -> {
            assertMonitoredBy(RuleChecks.get(s, byName("h2", TAUTOLOGY)), "sqli.tautology");
            assertFalse(s.app.agentLogLines().stream().anyMatch(l -> l.contains("ignoring unknown key")),
                "rule keys are known keys: " + s.app.agentLogLines());
        }, "rasp.config.file=" + props);
    }
}
