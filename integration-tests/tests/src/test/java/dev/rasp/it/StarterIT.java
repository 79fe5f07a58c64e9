package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The starter-app with rasp-spring-boot-starter as its only protection (no -javaagent), in block mode, configured
 * through Spring properties: SQL, command and file attacks are blocked with the sink not run, their benign twins
 * served, and the actuator endpoint and the Micrometer meters report the blocks.
 */
@ExtendWith(AppLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StarterIT {
    static final String REDEFINE_LOG = "redefine.log";
    /** The JVM's account of verifications (so links) and retransformations, in one order. */
    static final String LINK_LOG = "link.log";
    AppProcess app;
    Scenario s;

    @BeforeAll
    void start() {
        // Spring reads -D as application properties: the starter's own key and a Spring spelling of an
        // agent key are legitimate there, and the agent, attached by the starter, must not call them typos.
        app = StarterApp.builder("starter-block").jvmArg("-Drasp.attach.timeout=120s")
            .jvmArg("-Drasp.request.max-input-bytes=2MB")
            // the JVM's own account of each class redefinition and of the compiled code it threw away
            .jvmArg("-Xlog:redefine+class+load=info,redefine+class+nmethod=debug:file=" + REDEFINE_LOG)
            .jvmArg("-Xlog:class+init=info,redefine+class+load=debug:file=" + LINK_LOG)
            // the agent's own account of its start (checked at shutdown: where the attach pass read constants)
            .jvmArg("-Drasp.debug.startup=true")
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
    @Order(1)
    void theStarterAloneLoadsTheAgentOnce() {
        assertTrue(app.command().stream().noneMatch(a -> a.startsWith("-javaagent")), "started with -javaagent: " + app.command());
        List<String> starts = StarterApp.agentStartLines(app);
        assertEquals(1, starts.size(), "agent start lines: " + app.agentLogLines());
        assertTrue(starts.get(0).contains("started (attached)"), starts.get(0));
        long ms = StarterApp.attachMillis(app);
        assertTrue(ms > 0 && ms < 60_000, "attach took " + ms + " ms");
        // rasp.events.file came as a Spring property (--rasp.events.file=events.jsonl) and reached the agent
        assertTrue(starts.get(0).contains("events=" + app.eventsFile()), starts.get(0) + " does not name " + app.eventsFile());
        assertTrue(app.agentLogLines().stream().noneMatch(l -> l.contains("ignoring unknown key")),
            "the keys the starter hands over, and Spring's spellings, are known: " + app.agentLogLines());
        assertTrue(starts.get(0).contains("max_input_bytes=2097152"), starts.get(0));
    }

    /** The agent is in before the application context is created (rasp.attach.background is off by default). */
    @Test
    @Order(1)
    void theAgentIsInBeforeTheWebServerIsMade() {
        String out = app.stdoutText();
        int loaded = out.indexOf("RASP: agent loaded into the running JVM");
        int made = out.indexOf("Tomcat initialized with port");
        assertTrue(loaded >= 0 && made > loaded, "loaded, then the web server made:\n" + out);
    }

    /**
     * In a JVM the agent is attached to, the first redefinition of any class throws away all compiled
     * code. The starter loads rasp.jar in-process as soon as the application starts, and its launcher
     * makes that redefinition then (one class of its own), before the properties are read and the agent
     * is started; the agent's own reset and its hooks' retransformation then throw away only the code
     * that depends on the classes they change.
     */
    @Test
    @Order(1)
    void theCompiledCodeIsThrownAwayOnceAtTheApplicationsStart() throws Exception {
        List<String> log = java.nio.file.Files.readAllLines(app.workDir().resolve(REDEFINE_LOG));
        List<String> redefined = log.stream().filter(l -> l.contains("redefined name=")).toList();
        assertTrue(redefined.size() > 2, "the hooks' classes were retransformed too: " + log);
        assertTrue(redefined.get(0).contains("redefined name=dev.rasp.agent.RaspAgent,"), redefined.get(0));
        assertTrue(redefined.get(1).contains("redefined name=dev.rasp.core.CompiledCodeReset,"), redefined.get(1));
        List<String> all = log.stream().filter(l -> l.contains("Marked all nmethods for deopt")).toList();
        assertEquals(1, all.size(), "all compiled code thrown away once: " + log);
        int allAt = log.indexOf(all.get(0));
        assertTrue(log.indexOf(redefined.get(0)) < allAt && allAt < log.indexOf(redefined.get(1)),
            "thrown away at the launcher's redefinition, before the agent's start:\n" + String.join("\n", log));
        String loaded = app.stdoutText().lines().filter(l -> l.contains("RASP: agent loaded into the running JVM")).findFirst()
            .orElse("");
        assertTrue(loaded.contains("(in-process; loaded at the application's start in "), "loaded early, in-process: " + loaded);
        assertTrue(log.stream().anyMatch(l -> l.matches(".*Marked \\d+ dependent nmethods for deopt.*")),
            "the hooks' retransformation throws away only dependent code: " + log);
    }

    /**
     * An application class loaded but not linked before the starter attached (the spring-app's main loads
     * EarlyLoadedExecutor so) is linked by the agent's retransformation pass before the JVM rebuilds its class
     * file: in the JVM's log its verification comes before the retransformation loads its new version. Without
     * that, the JVM links it only inside the retransformation, after rebuilding the file from bytecodes another
     * thread may be rewriting at that moment (JDK-8277444: a garbage class file, a VerifyError or a crash).
     */
    @Test
    @Order(1)
    void aClassLoadedNotLinkedBeforeTheAttachIsLinkedBeforeItIsRetransformed() throws Exception {
        String name = "dev.rasp.it.spring.EarlyLoadedExecutor";
        List<String> log = java.nio.file.Files.readAllLines(app.workDir().resolve(LINK_LOG));
        int verified = indexOf(log, "Start class verification for: " + name);
        int rebuilt = indexOf(log, "loading name=" + name + " ");
        assertTrue(indexOf(log, "redefined name=" + name + ",") > 0, name + " retransformed by the pass");
        assertTrue(verified >= 0 && verified < rebuilt,
            name + " verified (line " + verified + ") before the retransformation loaded its new version (line " + rebuilt + ")");
        // the JVM's own answer (JVM TI GetClassStatus, through the native class hook) spares the linked ones
        String pass = app.agentLogLines().stream().filter(l -> l.contains("loaded classes retransformed in the background:"))
            .findFirst().orElse("");
        java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("background: (\\d+) of .* linked first: (\\d+), of which threw: (\\d+)\\)").matcher(pass);
        assertTrue(m.find(), "the pass's start-up line: " + pass);
        int retransformed = Integer.parseInt(m.group(1));
        int linkedFirst = Integer.parseInt(m.group(2));
        assertTrue(linkedFirst >= 1 && linkedFirst < retransformed,
            "some, not all, of the retransformed classes linked first (the JVM said which were linked): " + pass);
        assertEquals("0", m.group(3), "no link threw: " + pass);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * rasp.jar is stored in the starter jar, not deflated again: the early load copies it out before the
     * first class redefinition, and inflating 5 MB there cost about 8 ms of CPU in which the JVM compiled
     * code it then threw away.
     */
    @Test
    @Order(1)
    void theAgentJarIsStoredInTheStarterJar() throws Exception {
        try (ZipFile app = new ZipFile(StarterApp.jar().toFile())) {
            ZipEntry starter = app.stream()
                .filter(e -> e.getName().matches("BOOT-INF/lib/rasp-spring-boot-starter-[^/]*\\.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("no starter jar in " + StarterApp.jar()));
            try (ZipInputStream in = new ZipInputStream(app.getInputStream(starter))) {
                ZipEntry e;
                while ((e = in.getNextEntry()) != null && !e.getName().equals("META-INF/rasp/rasp.jar")) {
                    // on to the agent jar
                }
                assertNotNull(e, "META-INF/rasp/rasp.jar in " + starter.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), "rasp.jar's compression method in the starter jar");
            }
        }
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("dev.rasp.it.SmokeCases#sqlAttacks")
    @Order(2)
    void sqlAttackIsBlockedAndTheDatabaseUnchanged(String db, Case c) {
        s.assertBlocked(db, c);
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("dev.rasp.it.SmokeCases#sqlBenign")
    @Order(3)
    void sqlTwinIsServed(String db, Case c) {
        s.assertBenign(db, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.SmokeCases#sinkAttacks")
    @Order(4)
    void commandOrFileAttackIsBlockedWithoutItsEffect(SinkCase c) {
        new SinkScenario(app).assertBlocked(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.SmokeCases#sinkBenign")
    @Order(5)
    void commandOrFileTwinIsServed(SinkCase c) {
        new SinkScenario(app).assertBenign(c);
    }

    /**
     * Attached at run time, the agent retransformed the JDK's executor and thread classes loaded
     * before it: the request's context follows the work there too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.HandOff#starter")
    @Order(6)
    void handOffAttackIsBlocked(HandOff h) {
        new HandOffScenario(app).assertBlocked(h);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.HandOff#starter")
    @Order(7)
    void handOffTwinPasses(HandOff h) {
        new HandOffScenario(app).assertBenign(h);
    }

    @Test
    @Order(10)
    void actuatorEndpointReportsTheBlock() {
        long before = StarterApp.endpoint(app).path("verdicts").path("blocked").path("sqli.tautology").asLong(0);
        Http.Resp r = Endpoint.BY_NAME.send(new Http(app.baseUrl()), "h2", "' OR 'x'='x");
        assertEquals(403, r.status(), r.toString());
        String eventId = Scenario.json(r.body()).path("event_id").asText();

        JsonNode e = StarterApp.endpoint(app);
        assertTrue(e.path("protected").asBoolean(), e.toString());
        assertEquals("block", e.path("mode").asText(), e.toString());
        assertEquals("ATTACHED", e.path("installation").path("state").asText(), e.toString());
        assertEquals("in-process", e.path("installation").path("method").asText(), e.toString());
        assertEquals("events.jsonl", e.path("installation").path("agentProperties").path("rasp.events.file").asText(), e.toString());
        assertEquals("attach", e.path("agent").path("loadedBy").asText(), e.toString());
        assertEquals(before + 1, e.path("verdicts").path("blocked").path("sqli.tautology").asLong(), e.toString());
        assertTrue(e.path("checks").path("sql").path("count").asLong() > 0, e.toString());

        JsonNode newest = e.path("recentEvents").path(0);
        assertEquals(eventId, newest.path("event_id").asText(), "newest recent event: " + newest);
        assertEquals("blocked", newest.path("action").asText(), newest.toString());
        assertEquals("sqli.tautology", newest.path("rule_id").asText(), newest.toString());
        assertEquals("sql", newest.path("sink").path("kind").asText(), newest.toString());
        assertTrue(newest.path("sink").path("value").asText().contains("' OR 'x'='x"), newest.toString());
        assertEquals("GET", newest.path("request").path("method").asText(), newest.toString());
        assertEquals("/h2/users/by-name", newest.path("request").path("path").asText(), newest.toString());
        assertTrue(e.path("engine").path("blocks").asLong() > 0, e.toString());
        // the set built into rasp.jar, named as its header names it: name@version+checksum
        assertTrue(e.path("ruleSet").path("id").asText().matches("[a-z0-9_.-]+@[^+@]+\\+[0-9a-f]{8}"), e.toString());
        assertTrue(e.path("ruleSet").path("loads").asLong() >= 1, e.toString());
    }

    @Test
    @Order(11)
    void metersCountChecksAndBlocksByRule() {
        String[] traversal = {"rule:path.traversal", "action:blocked", "category:path"};
        double blockedBefore = StarterApp.metric(app, "rasp.verdicts", "COUNT", traversal);
        double cmdChecksBefore = StarterApp.metric(app, "rasp.checks", "COUNT", "sink:cmd");

        new SinkScenario(app).assertBlocked(SinkCases.findAttack("spring", SinkEndpoint.READ, SinkCases.SECRET_UP));
        new SinkScenario(app).assertBenign(SinkCases.findBenign("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1"));

        assertEquals(blockedBefore + 1, StarterApp.metric(app, "rasp.verdicts", "COUNT", traversal), 0.0);
        assertTrue(StarterApp.metric(app, "rasp.checks", "COUNT", "sink:cmd") >= cmdChecksBefore + 1);
        assertTrue(StarterApp.metric(app, "rasp.checks", "COUNT", "sink:sql") > 0);
        assertTrue(StarterApp.metric(app, "rasp.check.latency", "COUNT", "sink:sql") > 0);
        assertTrue(StarterApp.metric(app, "rasp.check.latency", "TOTAL_TIME", "sink:sql") > 0);
        assertTrue(StarterApp.metric(app, "rasp.verdicts", "COUNT", "rule:sqli.tautology", "action:blocked") > 0);
    }

    @Test
    @Order(100)
    void everyRequestReleasedItsContextAtShutdown() {
        // contexts_live counts requests still being served; once the endpoint says 0 nothing is in flight,
        // and the shutdown line must agree (a context kept by a finished request would be a leak)
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long live;
        while ((live = StarterApp.endpoint(app).path("engine").path("contexts_live").asLong(-1)) != 0 && System.nanoTime() < deadline) {
            AppProcess.sleep(100);
        }
        assertEquals(0, live, "contexts still open with no request in flight");
        app.stop();
        JsonNode stats = StarterApp.shutdownStats(app);
        assertNotNull(stats, "no engine stats line at shutdown: " + app.agentLogLines());
        assertEquals(0, stats.path("contexts_live").asLong(-1), stats.toString());
        assertTrue(stats.path("blocks").asLong() > 0, stats.toString());
        assertFalse(app.isAlive());
        // The pass over the application's classes loaded before the attach asked the JVM for their
        // constant pools, and read no class file for it (reading them from the nested jars was most of that pass).
        List<String> constants = app.agentLogLines().stream()
            .filter(l -> l.contains("key constants of classes loaded before the agent:")).toList();
        assertFalse(constants.isEmpty(), "no startup line about key constants: " + app.agentLogLines());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(": (\\d+) read from the JVM, (\\d+) from class files")
            .matcher(constants.get(constants.size() - 1));
        assertTrue(m.find(), constants.toString());
        assertTrue(Integer.parseInt(m.group(1)) > 100, "the attach pass asked the JVM: " + constants);
        assertEquals(0, Integer.parseInt(m.group(2)), "and read no class file: " + constants);
    }
}
