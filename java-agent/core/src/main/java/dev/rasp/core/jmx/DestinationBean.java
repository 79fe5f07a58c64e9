package dev.rasp.core.jmx;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code dev.rasp:type=Destination,name=<destination>}: events written and dropped by one destination. */
final class DestinationBean extends ReadOnlyBean {

    private final String name;
    private final Callable<String> stats;

    DestinationBean(String name, Callable<String> stats) {
        super("RASP events delivered to " + name);
        this.name = name;
        this.stats = stats;
    }

    @Override
    Values read() {
        EngineStats.Destination d = EngineStats.parse(AgentBean.call(stats)).destination(name);
        Values v = new Values();
        v.count("Written", d == null ? null : d.counters.get("written"), "Events written");
        v.count("Dropped", d == null ? null : d.counters.get("dropped"), "Events dropped and counted");
        v.count("Errors", d == null ? null : d.counters.get("errors"), "Delivery errors");
        if (d != null) {
            for (Map.Entry<String, Long> e : d.counters.entrySet()) {
                v.count(EngineStats.attributeName(e.getKey()), e.getValue(), "Destination counter " + e.getKey());
            }
        }
        return v;
    }
}
