package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.management.Attribute;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent's counters without Spring: the javax application with {@code -javaagent} and the JDK's own JMX remote
 * agent on a loopback port, read by a plain JMX client (JMXConnectorFactory) from this JVM, which has none of the
 * agent's classes: every attribute must be a JDK type. Also what jconsole and the Prometheus JMX exporter see.
 */
@ExtendWith(AppLogsOnFailure.class)
class JmxIT {

    private static final Duration SOON = Duration.ofSeconds(15);
    private static final String ATTACK = "' OR '1'='1";

    @Test
    void theAgentsCountersAreReadOverRemoteJmx() throws Exception {
        int jmxPort = AppProcess.freePort();
        long before = System.currentTimeMillis();
        AppProcess app = jmxApp("javax-jmx", jmxPort).start().awaitReady(Duration.ofSeconds(120));
        try (JMXConnector connector = connect(jmxPort)) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName agent = new ObjectName("dev.rasp:type=Agent");
            ObjectName sql = new ObjectName("dev.rasp:type=Sink,name=sql");
            awaitRegistered(jmx, agent);
            // the rasp-jmx thread's first act: the agent's ASM and transformer out of C2, nothing else touched
            assertEquals(CompilerDirectives.WITH_AGENT, CompilerDirectives.matching(directives(jmx)));
            assertEquals("block", jmx.getAttribute(agent, "Mode"));
            assertEquals(Boolean.FALSE, jmx.getAttribute(agent, "Attached"), "started with -javaagent");
            assertFalse(((String) jmx.getAttribute(agent, "Version")).isEmpty());
            long started = (Long) jmx.getAttribute(agent, "StartTime");
            assertTrue(started >= before && started <= System.currentTimeMillis(), "StartTime " + started);
            long blocks0 = (Long) jmx.getAttribute(agent, "Blocks");
            long checks0 = (Long) jmx.getAttribute(agent, "Checks");
            long sqlChecks0 = (Long) jmx.getAttribute(sql, "Checks");
            assertEquals(0, blocks0, "nothing blocked before the attack");

            Http http = new Http(app.baseUrl());
            EventLog events = new EventLog(app.eventsFile());
            assertEquals(403, Endpoint.BY_NAME.send(http, "h2", ATTACK).status(), "the attack is blocked");
            assertEquals(200, Endpoint.BY_NAME.send(http, "h2", "alice").status(), "its benign twin is served");
            JsonNode event = EventLog.parse(events.awaitLine(0, e -> "blocked".equals(e.path("action").asText()),
                SOON, "the block").get(0));
            String ruleId = event.path("rule_id").asText();
            String ruleSet = event.path("rule_set").asText();

            assertEquals(blocks0 + 1, jmx.getAttribute(agent, "Blocks"));
            assertTrue((Long) jmx.getAttribute(agent, "Checks") >= checks0 + 2, "the attack and the twin were checked");
            assertTrue((Long) jmx.getAttribute(sql, "Checks") >= sqlChecks0 + 2, "sql sink checks");
            assertTrue((Long) jmx.getAttribute(sql, "TotalNanos") > 0);
            assertTrue((Double) jmx.getAttribute(sql, "MeanNanos") > 0);

            // the rule's bean appears with its first verdict (registered by the agent's own thread)
            ObjectName rule = new ObjectName("dev.rasp:type=Rule,name=" + ruleId);
            awaitRegistered(jmx, rule);
            assertEquals(1L, jmx.getAttribute(rule, "Blocked"), ruleId);
            assertEquals(0L, jmx.getAttribute(rule, "Monitored"), ruleId);
            assertEquals(event.path("category").asText(), jmx.getAttribute(rule, "Category"));
            Set<String> withVerdicts = new TreeSet<>();
            for (String line : events.lines()) {
                withVerdicts.add(new ObjectName("dev.rasp:type=Rule,name=" + EventLog.parse(line).path("rule_id").asText())
                    .toString());
            }
            assertEquals(withVerdicts, names(jmx, "dev.rasp:type=Rule,*"), "a bean for each rule with a verdict, no other");

            // the rule set: the same id as in the event, the agent's start log and the engine's stats
            assertEquals(ruleSet, jmx.getAttribute(agent, "RuleSetId"));
            assertTrue(app.agentLogLines().stream().anyMatch(l -> l.contains("rules " + ruleSet + " loaded")),
                "the start log names " + ruleSet + ": " + app.agentLogLines());
            JsonNode stats = EventLog.parse((String) jmx.getAttribute(agent, "EngineStats"));
            assertEquals(ruleSet, stats.path("rule_set").asText());
            long loaded = (Long) jmx.getAttribute(agent, "RuleSetLoadTime");
            assertTrue(loaded >= before && loaded <= System.currentTimeMillis(), "RuleSetLoadTime " + loaded);

            // events: written off the request path, so the count follows shortly
            long written = awaitAtLeast(jmx, agent, "EventsWritten", 1);
            assertEquals(0L, jmx.getAttribute(agent, "EventsDropped"));
            assertEquals(0L, awaitAtMost(jmx, agent, "ContextsLive", 0), "every request released its context");
            Set<String> destinations = names(jmx, "dev.rasp:type=Destination,*");
            assertEquals(Set.of("dev.rasp:type=Destination,name=file"), destinations, "one destination, the file");
            ObjectName file = new ObjectName("dev.rasp:type=Destination,name=file");
            assertEquals(written, jmx.getAttribute(file, "Written"), "the file wrote every event");
            assertEquals(0L, jmx.getAttribute(file, "Dropped"));
            assertEquals(0L, jmx.getAttribute(file, "Errors"));

            // what a generic reader (jconsole, the Prometheus exporter) does: every attribute of every bean, by
            // its MBeanInfo, in one call per bean; nothing but JDK types comes back
            Set<String> all = names(jmx, "dev.rasp:*");
            assertTrue(all.size() >= 1 + 8 + 1 + 1, "agent, 8 sinks, 1 rule, 1 destination: " + all);
            for (String n : all) {
                ObjectName name = new ObjectName(n);
                List<String> attrs = new ArrayList<>();
                for (MBeanAttributeInfo info : jmx.getMBeanInfo(name).getAttributes()) {
                    attrs.add(info.getName());
                }
                assertFalse(attrs.isEmpty(), n);
                List<Attribute> values = jmx.getAttributes(name, attrs.toArray(new String[0])).asList();
                assertEquals(attrs.size(), values.size(), n);
                for (Attribute a : values) {
                    Object v = a.getValue();
                    assertTrue(v == null || v instanceof Long || v instanceof Double || v instanceof String
                        || v instanceof Boolean, n + " " + a.getName() + " is " + v.getClass());
                }
            }
        }
        app.stop();
    }

    @Test
    void noBeansWhenJmxIsTurnedOff() throws Exception {
        int jmxPort = AppProcess.freePort();
        AppProcess app = jmxApp("javax-jmx-off", jmxPort).jvmArg("-Drasp.jmx.enabled=false")
            .start().awaitReady(Duration.ofSeconds(120));
        try (JMXConnector connector = connect(jmxPort)) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            Http http = new Http(app.baseUrl());
            // the agent is active (a first verdict is when a rule bean would be registered) ...
            assertEquals(403, Endpoint.BY_NAME.send(http, "h2", ATTACK).status());
            new EventLog(app.eventsFile()).awaitLine(0, e -> "blocked".equals(e.path("action").asText()), SOON, "the block");
            AppProcess.sleep(1000);
            // ... and the JMX connection works, but the agent registered nothing
            assertTrue(jmx.isRegistered(new ObjectName("java.lang:type=Runtime")));
            assertEquals(Set.of(), names(jmx, "dev.rasp:*"));
            assertEquals(CompilerDirectives.WITH_AGENT, CompilerDirectives.matching(directives(jmx)),
                "the JIT directive needs no JMX");
            assertTrue(app.agentLogLines().stream().anyMatch(l -> l.contains("started") && l.contains("jmx=off")),
                "the start line says so: " + app.agentLogLines());
        }
        app.stop();
    }

    /**
     * An application started without JMX (most are): the agent makes no platform MBean server (90-180 ms of CPU at a
     * start; WildFly's own java.util.logging manager must be in place before it is made), yet its JIT directive is
     * there. The beans wait until something else makes the server, here {@code jcmd <pid> ManagementAgent.start} on
     * the running JVM, which is also how an operator opens a JVM started without JMX flags.
     */
    @Test
    void withoutJmxTheAgentMakesNoServerAndItsBeansWaitForOne() throws Exception {
        AppProcess app = AppProcess.builder("javax-jmx-later", ItConfig.javaxJar()).mode("block")
            .jvmArg("-Drasp.debug.startup=true")
            .start().awaitReady(Duration.ofSeconds(120));
        Path java = ItConfig.currentJava();
        Path jcmd = java.resolveSibling("jcmd");
        assertTrue(app.agentLogLines().stream().anyMatch(l -> l.contains("JMX: the dev.rasp beans wait")),
            "the wait is said: " + app.agentLogLines());
        CompilerDirectives.awaitMatching(java, app, CompilerDirectives.WITH_AGENT);
        String histogram = run(jcmd, app, "GC.class_histogram");
        assertTrue(histogram.contains("java.lang.String "), "a histogram: " + histogram);
        assertFalse(histogram.contains("com.sun.jmx.mbeanserver.JmxMBeanServer"), "a platform MBean server was made");

        int jmxPort = AppProcess.freePort();
        run(jcmd, app, "ManagementAgent.start", "jmxremote.port=" + jmxPort, "jmxremote.rmi.port=" + jmxPort,
            "jmxremote.host=127.0.0.1", "jmxremote.authenticate=false", "jmxremote.ssl=false");
        try (JMXConnector connector = connect(jmxPort)) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            Http http = new Http(app.baseUrl());
            assertEquals(403, Endpoint.BY_NAME.send(http, "h2", ATTACK).status());
            // the agent looks at most every 2 s
            ObjectName agent = new ObjectName("dev.rasp:type=Agent");
            awaitRegistered(jmx, agent);
            assertEquals(1L, jmx.getAttribute(agent, "Blocks"));
            assertEquals(CompilerDirectives.WITH_AGENT, CompilerDirectives.matching(directives(jmx)),
                "the directive was not added a second time through the server's MBean");
        }
        app.stop();
    }

    private static String run(Path jcmd, AppProcess app, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(jcmd.toString(), Long.toString(app.pid())));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "jcmd " + String.join(" ", command) + ": " + out);
        return out;
    }

    private static AppProcess.Builder jmxApp(String name, int jmxPort) {
        return AppProcess.builder(name, ItConfig.javaxJar()).mode("block")
            .jvmArg("-Dcom.sun.management.jmxremote.port=" + jmxPort)
            .jvmArg("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort)
            .jvmArg("-Dcom.sun.management.jmxremote.host=127.0.0.1")
            .jvmArg("-Djava.rmi.server.hostname=127.0.0.1")
            .jvmArg("-Dcom.sun.management.jmxremote.authenticate=false")
            .jvmArg("-Dcom.sun.management.jmxremote.ssl=false");
    }

    private static JMXConnector connect(int port) throws IOException {
        return JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"));
    }

    /** {@code jcmd <pid> Compiler.directives_print}, over JMX. */
    private static String directives(MBeanServerConnection jmx) throws Exception {
        return (String) jmx.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
            null, null);
    }

    private static Set<String> names(MBeanServerConnection jmx, String pattern) throws Exception {
        Set<String> out = new TreeSet<>();
        for (ObjectName n : jmx.queryNames(new ObjectName(pattern), null)) {
            out.add(n.toString());
        }
        return out;
    }

    private static void awaitRegistered(MBeanServerConnection jmx, ObjectName name) throws Exception {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (!jmx.isRegistered(name)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " not registered within " + SOON + "; dev.rasp beans: "
                    + names(jmx, "dev.rasp:*"));
            }
            AppProcess.sleep(50);
        }
    }

    private static long awaitAtLeast(MBeanServerConnection jmx, ObjectName name, String attribute, long min)
            throws Exception {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (true) {
            Long v = (Long) jmx.getAttribute(name, attribute);
            assertNotNull(v, attribute);
            if (v >= min || System.nanoTime() > deadline) {
                assertTrue(v >= min, attribute + " = " + v + ", expected at least " + min);
                return v;
            }
            AppProcess.sleep(50);
        }
    }

    private static long awaitAtMost(MBeanServerConnection jmx, ObjectName name, String attribute, long max)
            throws Exception {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (true) {
            Long v = (Long) jmx.getAttribute(name, attribute);
            assertNotNull(v, attribute);
            if (v <= max || System.nanoTime() > deadline) {
                return v;
            }
            AppProcess.sleep(50);
        }
    }
}
