package dev.rasp.core.jmx;

import dev.rasp.bootstrap.RaspTelemetry;
import dev.rasp.core.AgentLog;
import dev.rasp.core.jit.JitDirectives;

import javax.management.InstanceAlreadyExistsException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The agent's MBeans on the platform MBean server (rasp.jmx.enabled), for operators without
 * Spring: {@code dev.rasp:type=Agent}, one {@code dev.rasp:type=Sink,name=<kind>} per sink kind,
 * one {@code dev.rasp:type=Destination,name=<name>} per event destination the engine reports, and
 * one {@code dev.rasp:type=Rule,name=<rule id>} per rule once it has a verdict.
 *
 * <p>The agent never creates the platform MBean server: that costs a start 90-180 ms of CPU (every platform
 * MXBean), for beans no one can read until something makes the server anyway (the application, Spring's JMX
 * support, a JMX or Prometheus exporter agent, {@code -Dcom.sun.management.jmxremote*}, {@code jcmd <pid>
 * ManagementAgent.start}, a local jconsole's attach), and an application with its own java.util.logging manager
 * (WildFly's) must make it only after its manager is in place. The beans are registered once the server exists.
 *
 * <p>Everything happens on one daemon thread, {@code rasp-jmx}: the start and the request
 * threads never touch the MBean server (its registration locks). A request thread that makes a
 * rule's first verdict only wakes that thread ({@link RaspTelemetry#onNewVerdictKind}). A server
 * that refuses (no permission) is logged once and the agent runs on without JMX; a name already
 * taken (another agent's beans) is left as it is, logged once.
 */
public final class AgentJmx {

    static final String DOMAIN = "dev.rasp";
    /** The longest pause between two looks for the platform MBean server. */
    static final long MAX_PAUSE_MILLIS = 2_000;
    /** Without a wake-up the thread looks at the verdicts this often anyway. */
    private static final long IDLE_SECONDS = 60;

    private final MBeanServer server;
    private final Callable<String> stats;
    /** Rule ids with a bean; only the rasp-jmx thread reads and writes it. */
    private final Set<String> rules = new HashSet<String>();
    private final Semaphore wake = new Semaphore(0);
    private boolean takenLogged;
    private boolean refused;

    AgentJmx(MBeanServer server, Callable<String> stats) {
        this.server = server;
        this.stats = stats;
    }

    /** Starts the rasp-jmx thread; returns at once and never throws. */
    public static void start() {
        try {
            Thread t = new Thread(new Runnable() {
                @Override
                public void run() {
                    runThread();
                }
            }, "rasp-jmx");
            t.setDaemon(true);
            // should this thread make the platform server after all (the server it found was another one with the
            // platform's beans), it must find the application's builder (javax.management.builder.initial)
            t.setContextClassLoader(ClassLoader.getSystemClassLoader());
            t.start();
        } catch (Throwable t) {
            AgentLog.info("JMX beans not registered (" + t + "); the agent runs on without them");
        }
    }

    private static void runThread() {
        MBeanServer server;
        try {
            Sleeper sleeper = new Sleeper();
            if (!sleeper.serverExists()) {
                if (Boolean.getBoolean("rasp.debug.startup")) {
                    AgentLog.info("JMX: the dev.rasp beans wait for the platform MBean server (the application's, a"
                            + " JMX agent's or jcmd ManagementAgent.start's)");
                }
                if (!awaitPlatformServer(sleeper)) {
                    return;
                }
            }
            server = ManagementFactory.getPlatformMBeanServer();
        } catch (Throwable t) {
            AgentLog.info("JMX beans not registered: no platform MBean server (" + t + "); the agent runs on without them");
            return;
        }
        // a JVM where the agent could not add its JIT directive without this server's DiagnosticCommand MBean
        JitDirectives.addThroughServer(server);
        AgentJmx jmx = new AgentJmx(server, new Callable<String>() {
            @Override
            public String call() {
                return RaspTelemetry.engineStats();
            }
        });
        if (!jmx.registerFixed()) {
            return;
        }
        final Semaphore wake = jmx.wake;
        RaspTelemetry.onNewVerdictKind(new Runnable() {
            @Override
            public void run() {
                wake.release();
            }
        });
        try {
            while (jmx.registerNewRules()) {
                if (wake.tryAcquire(IDLE_SECONDS, TimeUnit.SECONDS)) {
                    wake.drainPermits();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            RaspTelemetry.onNewVerdictKind(null);
        }
    }

    /** Sleeps between looks; a seam for the tests. */
    static class Sleeper {
        /** False when interrupted. */
        boolean sleep(long millis) {
            try {
                Thread.sleep(millis);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** True once the platform MBean server exists (findMBeanServer starts nothing itself). */
        boolean serverExists() {
            for (MBeanServer s : MBeanServerFactory.findMBeanServer(null)) {
                if (s.isRegistered(name("Runtime", null, "java.lang"))) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Waits, looking more and more rarely (up to every 2 s: an operator's jconsole finds the beans at once), until
     * the platform MBean server exists; false if interrupted.
     */
    static boolean awaitPlatformServer(Sleeper sleeper) {
        long pause = 100;
        while (!sleeper.serverExists()) {
            if (!sleeper.sleep(pause)) {
                return false;
            }
            pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
        }
        return true;
    }

    /**
     * The agent, sink and destination beans. False when the server refused them (then nothing
     * more is tried).
     */
    boolean registerFixed() {
        if (!register(name("Agent", null), new AgentBean(stats))) {
            return false;
        }
        List<String> sinks = RaspTelemetry.sinkNames();
        for (int i = 0; i < sinks.size(); i++) {
            if (!register(name("Sink", sinks.get(i)), new SinkBean(i, sinks.get(i)))) {
                return false;
            }
        }
        // the destinations are fixed when the engine starts; an engine that does not report
        // them has only the totals (EventsWritten, EventsDropped on the agent bean)
        List<EngineStats.Destination> destinations = EngineStats.parse(AgentBean.call(stats)).destinations();
        if (destinations != null) {
            for (EngineStats.Destination d : destinations) {
                if (!register(name("Destination", d.name), new DestinationBean(d.name, stats))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A bean for every rule that has a verdict and none yet. False when the server refused one. */
    boolean registerNewRules() {
        for (RaspTelemetry.VerdictCount v : RaspTelemetry.verdicts()) {
            if (rules.add(v.ruleId) && !register(name("Rule", v.ruleId), new RuleBean(v.ruleId))) {
                return false;
            }
        }
        return true;
    }

    /** False when the server refused (logged once); a name already taken is left to its owner. */
    private boolean register(ObjectName name, ReadOnlyBean bean) {
        if (refused) {
            return false;
        }
        try {
            server.registerMBean(bean, name);
            return true;
        } catch (InstanceAlreadyExistsException e) {
            if (!takenLogged) {
                takenLogged = true;
                AgentLog.info("JMX: " + name + " is already registered (another agent in this JVM?); left as it is");
            }
            return true;
        } catch (Throwable t) {
            refused = true;
            AgentLog.info("JMX beans not registered (" + t + "); the agent runs on without them");
            return false;
        }
    }

    /** {@code dev.rasp:type=<type>[,name=<name>]}, the name quoted when it holds a character ObjectName reserves. */
    static ObjectName name(String type, String name) {
        return name(type, name, DOMAIN);
    }

    private static ObjectName name(String type, String name, String domain) {
        StringBuilder b = new StringBuilder(domain).append(":type=").append(type);
        if (name != null) {
            b.append(",name=").append(needsQuotes(name) ? ObjectName.quote(name) : name);
        }
        try {
            return new ObjectName(b.toString());
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static boolean needsQuotes(String value) {
        if (value.isEmpty()) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            if (",=:\"*?\\\n".indexOf(value.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }
}
