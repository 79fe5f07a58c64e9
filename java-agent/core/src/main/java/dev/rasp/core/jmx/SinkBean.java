package dev.rasp.core.jmx;

import dev.rasp.bootstrap.RaspTelemetry;

/** {@code dev.rasp:type=Sink,name=<sql|cmd|path|...>}: checks of one sink kind and their time. */
final class SinkBean extends ReadOnlyBean {

    private final int sink;

    SinkBean(int sink, String name) {
        super("RASP checks of " + name + " sinks");
        this.sink = sink;
    }

    @Override
    Values read() {
        long checks = RaspTelemetry.checks(sink);
        long nanos = RaspTelemetry.checkNanos(sink);
        return new Values()
                .count("Checks", checks, "Native checks made")
                .count("TotalNanos", nanos, "Time spent in those checks, nanoseconds")
                .put("MeanNanos", Double.class, checks == 0 ? 0.0 : (double) nanos / checks,
                        "Mean time of a check, nanoseconds (0 before the first)");
    }
}
