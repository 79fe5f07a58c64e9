package dev.rasp.spring.boot.metrics;

import dev.rasp.bootstrap.RaspTelemetry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;

/**
 * The agent's counters as Micrometer meters, read from RaspTelemetry when they are scraped (nothing
 * is counted twice):
 * <ul>
 *   <li>{@code rasp.checks} (function counter, tag {@code sink}: sql, cmd, path, url, expr, jndi, class, xml): native
 *   checks made;</li>
 *   <li>{@code rasp.check.latency} (function timer, tag {@code sink}): their count and total time;</li>
 *   <li>{@code rasp.verdicts} (function counter, tags {@code action}: blocked or monitored, {@code rule},
 *       {@code category}): one per combination seen, registered when it is first seen.</li>
 * </ul>
 */
public class RaspMeterBinder implements MeterBinder, RaspTelemetry.Listener, DisposableBean {

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** (action, rule, category) combinations already registered in every registry. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    @Override
    public void bindTo(MeterRegistry registry) {
        List<String> sinks = RaspTelemetry.sinkNames();
        for (int i = 0; i < sinks.size(); i++) {
            int sink = i;
            // RaspTelemetry.class as the measured object: a function meter holds it weakly, and a class
            // stays reachable
            FunctionCounter.builder("rasp.checks", RaspTelemetry.class, t -> RaspTelemetry.checks(sink))
                    .tag("sink", sinks.get(i))
                    .description("Sink checks the RASP engine made (SQL statements, process launches, file accesses)")
                    .baseUnit("checks")
                    .register(registry);
            FunctionTimer.builder("rasp.check.latency", RaspTelemetry.class, t -> RaspTelemetry.checks(sink),
                            t -> RaspTelemetry.checkNanos(sink), TimeUnit.NANOSECONDS)
                    .tag("sink", sinks.get(i))
                    .description("Time spent in the RASP engine's sink checks")
                    .register(registry);
        }
        registries.add(registry);
        for (RaspTelemetry.VerdictCount v : RaspTelemetry.verdicts()) {
            register(registry, v);
        }
        RaspTelemetry.setListener(this);
    }

    /** A verdict on a request thread: registers its meter the first time its combination is seen. */
    @Override
    public void onVerdict(String action, String ruleId, String category, String eventJson) {
        if (registered.contains(key(action, ruleId, category))) {
            return;
        }
        for (RaspTelemetry.VerdictCount v : RaspTelemetry.verdicts()) {
            if (!registered.contains(key(v.action, v.ruleId, v.category))) {
                for (MeterRegistry registry : registries) {
                    register(registry, v);
                }
            }
        }
    }

    private void register(MeterRegistry registry, RaspTelemetry.VerdictCount v) {
        // the VerdictCount is kept by RaspTelemetry for the JVM's life, so the weak reference holds
        FunctionCounter.builder("rasp.verdicts", v, RaspTelemetry.VerdictCount::count)
                .tag("action", v.action)
                .tag("rule", v.ruleId)
                .tag("category", v.category)
                .description("Monitored and blocked RASP verdicts by rule")
                .baseUnit("verdicts")
                .register(registry);
        registered.add(key(v.action, v.ruleId, v.category));
    }

    private static String key(String action, String ruleId, String category) {
        return action + '\n' + ruleId + '\n' + category;
    }

    @Override
    public void destroy() {
        RaspTelemetry.setListener(null);
        registries.clear();
    }
}
