package dev.rasp.core.jmx;

import dev.rasp.core.engine.Json;

import dev.rasp.bootstrap.RaspTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stats JSON as JMX attributes, read through a real MBean server (a private one, not the
 * platform's). RaspTelemetry's state is static and shared with other tests: rule ids here are
 * this class's own, and sink counts are compared as differences.
 */
class AgentJmxTest {

    /** Engine.stats() as the engine writes it today: totals only, no destinations. */
    static final String STATS_TODAY = "{\"rule_set\":\"rasp-default@2026.11.0+1a2b3c4d\",\"checks\":12,\"monitors\":2,"
            + "\"blocks\":3,\"errors\":0,\"contexts_opened\":9,\"contexts_rejected\":1,\"contexts_live\":4,"
            + "\"stale_handles\":5,\"events_written\":4,\"events_dropped\":1,\"rules_loaded\":1,\"rules_rejected\":0,"
            + "\"rule_scan_fallbacks\":7}";

    /** With the per-destination counters (and a counter this code does not know). */
    static final String STATS_DESTINATIONS = "{\"rule_set\":\"x@1+00\",\"checks\":2,\"blocks\":1,"
            + "\"events_written\":7,\"events_dropped\":3,\"events_flushed_late\":6,"
            + "\"destinations\":[{\"name\":\"file\",\"written\":5,\"dropped\":1,\"errors\":0,\"submitted\":6},"
            + "{\"name\":\"otlp\",\"written\":2,\"dropped\":2,\"errors\":9,\"endpoint\":\"http://127.0.0.1:4318\"}]}";

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    @AfterEach
    void noHook() {
        RaspTelemetry.onNewVerdictKind(null);
    }

    private static Callable<String> fixed(String json) {
        return () -> json;
    }

    private Object attr(String name, String attribute) throws Exception {
        return server.getAttribute(new ObjectName(name), attribute);
    }

    private Set<String> names(String pattern) throws Exception {
        Set<String> out = new TreeSet<>();
        for (ObjectName n : server.queryNames(new ObjectName(pattern), null)) {
            out.add(n.toString());
        }
        return out;
    }

    @Test
    void todaysStatsWithoutDestinationsMapToTheAgentBean() throws Exception {
        assertTrue(new AgentJmx(server, fixed(STATS_TODAY)).registerFixed());
        String agent = "dev.rasp:type=Agent";
        assertEquals(12L, attr(agent, "Checks"));
        assertEquals(3L, attr(agent, "Blocks"));
        assertEquals(2L, attr(agent, "Monitors"));
        assertEquals(0L, attr(agent, "Errors"));
        assertEquals(9L, attr(agent, "ContextsOpened"));
        assertEquals(1L, attr(agent, "ContextsRejected"));
        assertEquals(4L, attr(agent, "ContextsLive"));
        assertEquals(5L, attr(agent, "StaleHandles"));
        assertEquals(1L, attr(agent, "RulesLoaded"));
        assertEquals(0L, attr(agent, "RulesRejected"));
        assertEquals(4L, attr(agent, "EventsWritten"));
        assertEquals(1L, attr(agent, "EventsDropped"));
        assertEquals(7L, attr(agent, "RuleScanFallbacks"), "a counter not in the fixed list still shows");
        assertEquals(STATS_TODAY, attr(agent, "EngineStats"));

        // no destinations array: no destination beans, only the totals above
        assertEquals(new TreeSet<>(), names("dev.rasp:type=Destination,*"));
        Set<String> sinks = names("dev.rasp:type=Sink,*");
        assertEquals(8, sinks.size(), sinks.toString());
        assertTrue(sinks.contains("dev.rasp:type=Sink,name=sql"), sinks.toString());

        // the whole set in one read (what the Prometheus exporter does), every value a plain JDK type
        AttributeList all = server.getAttributes(new ObjectName(agent), new String[] {"Blocks", "EventsDropped", "Nope"});
        assertEquals(2, all.size());
        for (MBeanAttributeInfo info : server.getMBeanInfo(new ObjectName(agent)).getAttributes()) {
            assertTrue(info.getType().startsWith("java.lang."), info.getName() + ": " + info.getType());
            assertTrue(info.isReadable() && !info.isWritable(), info.getName());
        }
        assertThrows(AttributeNotFoundException.class, () -> attr(agent, "Nope"));
    }

    @Test
    void theAgentsStatusAndTheRuleSetComeFromTelemetry() throws Exception {
        AgentJmx jmx = new AgentJmx(server, fixed(STATS_TODAY));
        assertTrue(jmx.registerFixed());
        String agent = "dev.rasp:type=Agent";
        // the rule set named by the rule set listener when there is one, else the engine's
        Object id = attr(agent, "RuleSetId");
        String expected = RaspTelemetry.ruleSetId() != null ? RaspTelemetry.ruleSetId() : "rasp-default@2026.11.0+1a2b3c4d";
        assertEquals(expected, id);
        assertEquals(RaspTelemetry.ruleSetLoads(), attr(agent, "RuleSetLoads"));
        assertEquals(RaspTelemetry.attached(), attr(agent, "Attached"));
        List<String> names = new ArrayList<>();
        for (MBeanAttributeInfo info : server.getMBeanInfo(new ObjectName(agent)).getAttributes()) {
            names.add(info.getName());
        }
        assertTrue(names.containsAll(Arrays.asList("Version", "Mode", "Attached", "StartTime", "RuleSetId",
                "RuleSetLoadTime", "RuleSetLoads")), names.toString());
    }

    @Test
    void destinationsAreBeansWhenTheEngineReportsThem() throws Exception {
        assertTrue(new AgentJmx(server, fixed(STATS_DESTINATIONS)).registerFixed());
        assertEquals(new TreeSet<>(Arrays.asList("dev.rasp:type=Destination,name=file", "dev.rasp:type=Destination,name=otlp")),
                names("dev.rasp:type=Destination,*"));
        assertEquals(5L, attr("dev.rasp:type=Destination,name=file", "Written"));
        assertEquals(1L, attr("dev.rasp:type=Destination,name=file", "Dropped"));
        assertEquals(0L, attr("dev.rasp:type=Destination,name=file", "Errors"));
        assertEquals(6L, attr("dev.rasp:type=Destination,name=file", "Submitted"));
        assertEquals(2L, attr("dev.rasp:type=Destination,name=otlp", "Dropped"));
        assertEquals(9L, attr("dev.rasp:type=Destination,name=otlp", "Errors"));
        assertThrows(AttributeNotFoundException.class, () -> attr("dev.rasp:type=Destination,name=otlp", "Endpoint"),
                "only numbers are attributes");
        assertEquals(7L, attr("dev.rasp:type=Agent", "EventsWritten"));
        assertEquals(6L, attr("dev.rasp:type=Agent", "EventsFlushedLate"));
    }

    @Test
    void statsTheEngineCannotGiveAreNullsNeverAFailedRead() throws Exception {
        for (String bad : new String[] {null, "", "[1]", "{\"checks\":", "{\"checks\":\"many\",\"destinations\":{}}"}) {
            MBeanServer s = MBeanServerFactory.newMBeanServer();
            Callable<String> stats = bad == null ? () -> {
                throw new IllegalStateException("engine gone");
            } : fixed(bad);
            assertTrue(new AgentJmx(s, stats).registerFixed(), String.valueOf(bad));
            ObjectName agent = new ObjectName("dev.rasp:type=Agent");
            assertNull(s.getAttribute(agent, "Checks"), String.valueOf(bad));
            assertNull(s.getAttribute(agent, "EventsDropped"), String.valueOf(bad));
            if (bad == null || !bad.startsWith("{\"checks\":\"")) {
                assertNull(s.getAttribute(agent, "EngineStats"), String.valueOf(bad));
            }
            assertEquals(0, s.queryNames(new ObjectName("dev.rasp:type=Destination,*"), null).size());
        }
    }

    @Test
    void aDestinationThatVanishesReadsAsNulls() throws Exception {
        AtomicBoolean registered = new AtomicBoolean();
        // the reads at registration have the destination, later ones not
        assertTrue(new AgentJmx(server, () -> registered.get() ? STATS_TODAY : STATS_DESTINATIONS).registerFixed());
        registered.set(true);
        assertNull(attr("dev.rasp:type=Destination,name=file", "Written"));
    }

    @Test
    void sinkBeansCountChecksAndTheirTime() throws Exception {
        assertTrue(new AgentJmx(server, fixed(STATS_TODAY)).registerFixed());
        String sql = "dev.rasp:type=Sink,name=sql";
        long checks = (Long) attr(sql, "Checks");
        long nanos = (Long) attr(sql, "TotalNanos");
        RaspTelemetry.checked(RaspTelemetry.SINK_SQL, 3000);
        RaspTelemetry.checked(RaspTelemetry.SINK_SQL, 1000);
        assertEquals(checks + 2, attr(sql, "Checks"));
        assertEquals(nanos + 4000, attr(sql, "TotalNanos"));
        assertEquals((double) (nanos + 4000) / (checks + 2), (Double) attr(sql, "MeanNanos"), 1e-9);
        long xml = RaspTelemetry.checks(RaspTelemetry.SINK_XML);
        assertEquals(xml, attr("dev.rasp:type=Sink,name=xml", "Checks"));
    }

    @Test
    void aRuleGetsItsBeanAtItsFirstVerdict() throws Exception {
        AgentJmx jmx = new AgentJmx(server, fixed(STATS_TODAY));
        assertTrue(jmx.registerFixed());
        AtomicInteger wakes = new AtomicInteger();
        RaspTelemetry.onNewVerdictKind(wakes::incrementAndGet);
        String rule = "dev.rasp:type=Rule,name=test.jmx_rule";
        assertFalse(server.isRegistered(new ObjectName(rule)));

        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, true, "test.jmx_rule", "sqli", "e1", "SELECT 1", "GET", "/a");
        assertEquals(1, wakes.get(), "the first verdict of a kind wakes the JMX thread");
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, true, "test.jmx_rule", "sqli", "e2", "SELECT 1", "GET", "/a");
        assertEquals(1, wakes.get(), "a kind already seen does not");
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, false, "test.jmx_rule", "sqli", "e3", "SELECT 1", "GET", "/a");
        assertEquals(2, wakes.get(), "monitored is another kind");

        assertTrue(jmx.registerNewRules());
        assertEquals(2L, attr(rule, "Blocked"));
        assertEquals(1L, attr(rule, "Monitored"));
        assertEquals(3L, attr(rule, "Verdicts"));
        assertEquals("sqli", attr(rule, "Category"));
        assertEquals("test.jmx_rule", attr(rule, "RuleId"));
        // counted live after registration
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, true, "test.jmx_rule", "sqli", "e4", "SELECT 1", "GET", "/a");
        assertEquals(3L, attr(rule, "Blocked"));
        assertTrue(jmx.registerNewRules(), "registering again is a no-op");
    }

    @Test
    void aRuleIdObjectNameReservesIsQuoted() throws Exception {
        AgentJmx jmx = new AgentJmx(server, fixed(STATS_TODAY));
        assertTrue(jmx.registerFixed());
        RaspTelemetry.verdict(RaspTelemetry.SINK_CMD, false, "test.odd,id=x", "cmdi", "e", "sh", null, null);
        assertTrue(jmx.registerNewRules());
        ObjectName n = AgentJmx.name("Rule", "test.odd,id=x");
        assertEquals("test.odd,id=x", ObjectName.unquote(n.getKeyProperty("name")));
        assertEquals(1L, server.getAttribute(n, "Monitored"));
        assertEquals("dev.rasp:type=Rule,name=sqli.tautology", AgentJmx.name("Rule", "sqli.tautology").toString());
    }

    @Test
    void aNameAlreadyTakenIsLeftToItsOwner() throws Exception {
        // a second agent's (or a stale) bean under the same name
        new AgentJmx(server, fixed(STATS_DESTINATIONS)).registerFixed();
        AgentJmx second = new AgentJmx(server, fixed(STATS_TODAY));
        assertTrue(second.registerFixed(), "taken names are skipped, not a failure");
        assertEquals(1L, attr("dev.rasp:type=Agent", "Blocks"), "the first owner's bean stays");
    }

    @Test
    void aServerThatRefusesStopsTheRegistrationQuietly() {
        AtomicInteger attempts = new AtomicInteger();
        InvocationHandler refuse = (proxy, method, args) -> {
            if (method.getName().equals("registerMBean")) {
                attempts.incrementAndGet();
                throw new SecurityException("no MBeanPermission");
            }
            return null;
        };
        MBeanServer refusing = (MBeanServer) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MBeanServer.class}, refuse);
        AgentJmx jmx = new AgentJmx(refusing, fixed(STATS_TODAY));
        assertFalse(jmx.registerFixed());
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, true, "test.jmx_refused", "sqli", "e", "x", null, null);
        assertFalse(jmx.registerNewRules());
        assertEquals(1, attempts.get(), "nothing more is tried after the first refusal");
    }

    @Test
    void engineKeysBecomeAttributeNames() {
        assertEquals("ContextsOpened", EngineStats.attributeName("contexts_opened"));
        assertEquals("Checks", EngineStats.attributeName("checks"));
        assertEquals("RuleScanFallbacks", EngineStats.attributeName("rule_scan_fallbacks"));
    }

    @Test
    void jsonReadsNestedValuesAndRefusesBrokenText() {
        Object v = Json.parse(" {\"a\":[1,-2,3.5,true,false,null,\"x\\u0041\\\"\"],\"b\":{\"c\":{}}} ");
        assertEquals("{a=[1, -2, 3.5, true, false, null, xA\"], b={c={}}}", v.toString());
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "{\"a\":1}x", "\"\\u00g1\"", "tru",
                "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void theWaitForThePlatformServerBacksOffToTwoSecondsAndStopsOnInterrupt() {
        List<Long> pauses = new ArrayList<>();
        AgentJmx.Sleeper appMakesItAfterSevenLooks = new AgentJmx.Sleeper() {
            @Override
            boolean sleep(long millis) {
                pauses.add(millis);
                return true;
            }

            @Override
            boolean serverExists() {
                return pauses.size() == 7;
            }
        };
        assertTrue(AgentJmx.awaitPlatformServer(appMakesItAfterSevenLooks));
        assertEquals(Arrays.asList(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L), pauses);
        AgentJmx.Sleeper interrupted = new AgentJmx.Sleeper() {
            @Override
            boolean sleep(long millis) {
                return false;
            }

            @Override
            boolean serverExists() {
                return false;
            }
        };
        assertFalse(AgentJmx.awaitPlatformServer(interrupted));
        // the real look: the platform server of this JVM, once made, is found
        java.lang.management.ManagementFactory.getPlatformMBeanServer();
        assertTrue(new AgentJmx.Sleeper().serverExists());
    }
}
