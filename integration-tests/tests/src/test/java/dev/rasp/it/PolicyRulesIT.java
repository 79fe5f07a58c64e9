package dev.rasp.it;

import static dev.rasp.it.RuleChecks.assertBlockedBy;
import static dev.rasp.it.RuleChecks.assertServedQuietly;
import static dev.rasp.it.RuleChecks.otherRules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rule set built into rasp.jar at work in the Spring app (block mode): path policy rules on a file endpoint,
 * SQL policy rules (time delay, INTO OUTFILE) made decisive with per-rule modes, and an input signature catching
 * an input the application lower-cased before building the statement. Each attack has a benign twin; each block
 * shows the sink did not run.
 *
 * <p>{@code rasp.rules.mode.sqli.tautology} and {@code sqli.structure} are set to monitor, so the SQL policy rule
 * is the strongest finding and names the event, the built-in detector's finding listed in {@code other_rules}.
 * A SQL policy pattern inside a string literal or comment is data and fires nothing (docs/rules.md, SQL sink rules).
 */
@ExtendWith(AppLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyRulesIT {
    private AppProcess app;
    private Scenario s;

    /** The app's name; a subclass runs the same checks in another JVM ({@link PolicyRulesPortableIT}). */
    protected String appName() {
        return "spring-policy-rules";
    }

    /** More JVM options for the subclass's JVM. */
    protected AppProcess.Builder configure(AppProcess.Builder b) {
        return b;
    }

    /** The backend the start line may name. */
    protected String expectedBackend() {
        return "(hyperscan|portable)";
    }

    @BeforeAll
    void start() {
        AppProcess.Builder b = configure(AppProcess.builder(appName(), ItConfig.springJar())
            .jvmArg("-Drasp.rules.mode.sqli.tautology=monitor")
            .jvmArg("-Drasp.rules.mode.sqli.structure=monitor"));
        if (ItConfig.pgUrl() != null) {
            b.appArg("--pg.url=" + ItConfig.pgUrl());
        }
        app = b.start().awaitReady(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    /** The built-in detectors are at monitor here: a test that let one through must not leave h2 changed. */
    @AfterEach
    void reseedIfChanged() {
        if (app != null && app.isAlive() && !Scenario.intact(s.state("h2"))) {
            s.reset("h2");
        }
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private static void assertBuiltInSet(JsonNode ev) {
        assertTrue(EventLog.text(ev, "rule_set").startsWith("rasp-default@"), "the built-in set decided: " + ev);
    }

    @Test
    void theBuiltInSetIsLoadedAtStart() {
        String line = RuleChecks.awaitLogLine(app, "[rasp] rules rasp-default@", Duration.ofSeconds(1));
        assertTrue(line.matches("\\[rasp] rules rasp-default@\\S+ loaded \\(\\d+ rules, " + expectedBackend() + " backend\\)"),
            line);
    }

    @Test
    void aDotEnvFileNamedByTheRequestIsNotServed() throws Exception {
        Path base = app.filesRoot().resolve("www").resolve("data");
        String secret = "DB_PASSWORD=" + UUID.randomUUID();
        Files.writeString(base.resolve(".env"), secret + "\n");

        RuleChecks.Outcome env = RuleChecks.get(s, "/files/read?name=.env");
        JsonNode ev = assertBlockedBy(env, "path", "path.policy.env_file");
        assertFalse(env.resp().body().contains(secret), "the file was not read: " + env);
        assertEquals("path", EventLog.text(ev, "sink.kind"));
        assertEquals(".env", EventLog.text(ev, "input.value"));
        assertEquals(java.util.List.of(), otherRules(ev), "no built-in detector sees a plain file name: " + ev);
        assertBuiltInSet(ev);

        RuleChecks.Outcome notes = RuleChecks.get(s, "/files/read?name=notes.txt");
        assertServedQuietly(notes);
        assertTrue(notes.resp().body().contains("quarterly numbers"), notes.toString());
    }

    @Test
    void gitMetadataBehindATraversalNamesBothRules() throws Exception {
        Path git = Files.createDirectories(app.filesRoot().resolve("www").resolve(".git"));
        String token = "ghp_" + UUID.randomUUID().toString().replace("-", "");
        Files.writeString(git.resolve("config"), "[remote \"origin\"]\n\turl = https://deploy:" + token + "@git.example/app\n");

        RuleChecks.Outcome config = RuleChecks.get(s, "/files/read?name=" + Http.enc("../.git/config"));
        JsonNode ev = assertBlockedBy(config, "path", "path.traversal");
        assertTrue(otherRules(ev).contains("path.policy.vcs_metadata"), "the policy rule fired too: " + ev);
        assertFalse(config.resp().body().contains(token), config.toString());

        assertServedQuietly(RuleChecks.get(s, "/files/read?name=" + Http.enc("a/b/c.txt")));
    }

    @Test
    void aTimeDelayInAnInputIsBlockedByThePolicyRule() {
        RuleChecks.Outcome byId = RuleChecks.get(s, "/h2/users/by-id?id=" + Http.enc("1 AND SLEEP(5)=0"));
        JsonNode ev = assertBlockedBy(byId, "sqli", "sql.policy.time_delay");
        assertTrue(otherRules(ev).contains("sqli.structure"), "the built-in finding, at monitor, is listed: " + ev);
        assertBuiltInSet(ev);

        // the same attack on a DELETE the database would run: the table keeps its rows
        RuleChecks.Outcome delete = RuleChecks.postForm(s, "/h2/users/delete",
            Map.of("name", "x' OR SLEEP(5)=0 OR 'a'='a"));
        ev = assertBlockedBy(delete, "sqli", "sql.policy.time_delay");
        assertTrue(otherRules(ev).contains("sqli.tautology"), ev.toString());
        assertTrue(Scenario.intact(s.state("h2")), "no row deleted: " + s.state("h2"));

        // a time delay inside a string literal is data (the SQL literal rule): the search for it runs
        RuleChecks.Outcome literal = RuleChecks.get(s, "/h2/users/by-name?name=" + Http.enc("SLEEP(5)"));
        assertServedQuietly(literal);
        // twins: words that only look like it
        RuleChecks.Outcome mask = RuleChecks.postForm(s, "/h2/users/delete", Map.of("name", "sleep mask (2 pack)"));
        assertServedQuietly(mask);
        assertEquals(0, Scenario.json(mask.resp().body()).path("deleted").asInt(), mask.toString());
        assertServedQuietly(RuleChecks.get(s, "/h2/users/by-id?id=2"));
    }

    /** On PostgreSQL the delay is real: the 403 comes back long before pg_sleep would have returned. */
    @Test
    void aRealDelayOnPostgresqlNeverStarts() {
        Assumptions.assumeTrue(ItConfig.pgUrl() != null, "RASP_IT_PG_URL is not set");
        long start = System.nanoTime();
        RuleChecks.Outcome o = RuleChecks.get(s, "/pg/users/by-id?id=" + Http.enc("1 AND 1=(SELECT 1 FROM pg_sleep(10))"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertBlockedBy(o, "sqli", "sql.policy.time_delay");
        assertTrue(millis < 8000, "answered in " + millis + " ms: the statement never ran");
        RuleChecks.Outcome twin = RuleChecks.get(s, "/pg/users/by-id?id=2");
        assertServedQuietly(twin);
        assertTrue(twin.resp().body().contains("bob@"), twin.toString());
    }

    @Test
    void intoOutfileInAnInputIsBlockedByThePolicyRule() {
        Path target = app.markersDir().resolve("outfile-" + UUID.randomUUID());
        RuleChecks.Outcome out = RuleChecks.get(s, "/h2/users/by-id?id=" + Http.enc("1 INTO OUTFILE '" + target + "'"));
        JsonNode ev = assertBlockedBy(out, "sqli", "sql.policy.file_write");
        assertTrue(otherRules(ev).contains("sqli.structure"), ev.toString());
        assertFalse(Files.exists(target), "nothing written");

        RuleChecks.Outcome bob = RuleChecks.get(s, "/h2/users/by-id?id=2");
        assertServedQuietly(bob);
        assertTrue(bob.resp().body().contains("bob@"), bob.toString());
    }

    @Test
    void aLowerCasedUnionIsCaughtWhereItsDerivedFormLies() {
        // The application trims and lower-cases the name: the engine searches that form of the input too, so the
        // structural detector judges it where it lies (before the derived forms, the input signature caught it at
        // medium confidence).
        String attack = "Nobody' UNION SELECT ID, TOKEN, TOKEN, TOKEN FROM SECRETS-- ";
        RuleChecks.Outcome o = RuleChecks.get(s, "/h2/users/by-name-normalized?name=" + Http.enc(attack));
        JsonNode ev = assertBlockedBy(o, "sqli", "sqli.union");
        assertEquals("high", EventLog.text(ev, "confidence"), ev.toString());
        assertEquals("trimmed,lower-case", EventLog.text(ev, "input.transform"), ev.toString());
        assertEquals(attack, EventLog.text(ev, "input.value"));
        assertFalse(o.resp().body().contains("s3cr3t"), "no token served: " + o);
        assertBuiltInSet(ev);

        // the same attack already in lower case reaches the statement verbatim: the structural detector decides
        RuleChecks.Outcome verbatim = RuleChecks.get(s, "/h2/users/by-name-normalized?name="
            + Http.enc("nobody' union select id, token, token, token from secrets--"));
        JsonNode v = assertBlockedBy(verbatim, "sqli", "sqli.union");
        assertEquals("high", EventLog.text(v, "confidence"), v.toString());

        // twins: the app's own normalisation of ordinary names, and a name that only mentions a union
        RuleChecks.Outcome alice = RuleChecks.get(s, "/h2/users/by-name-normalized?name=" + Http.enc("  Alice "));
        assertServedQuietly(alice);
        assertTrue(alice.resp().body().contains("alice@"), alice.toString());
        RuleChecks.Outcome guide = RuleChecks.get(s, "/h2/users/by-name-normalized?name="
            + Http.enc("Credit Union Selection Guide"));
        assertServedQuietly(guide);
        assertEquals(0, Scenario.json(guide.resp().body()).size(), guide.toString());
    }
}
