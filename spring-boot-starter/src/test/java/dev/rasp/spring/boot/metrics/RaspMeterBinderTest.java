package dev.rasp.spring.boot.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rasp.bootstrap.RaspTelemetry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RaspMeterBinderTest {

    private final RaspMeterBinder binder = new RaspMeterBinder();

    @AfterEach
    void unbind() {
        binder.destroy();
    }

    @Test
    void checksAndLatencyPerSinkReadTheTelemetry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        binder.bindTo(registry);
        FunctionCounter cmd = registry.get("rasp.checks").tag("sink", "cmd").functionCounter();
        FunctionTimer cmdTime = registry.get("rasp.check.latency").tag("sink", "cmd").functionTimer();
        double before = cmd.count();
        double nanosBefore = cmdTime.totalTime(TimeUnit.NANOSECONDS);
        RaspTelemetry.checked(RaspTelemetry.SINK_CMD, 3_000);
        assertThat(cmd.count()).isEqualTo(before + 1);
        assertThat(cmdTime.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(nanosBefore + 3_000);
        assertThat(registry.find("rasp.checks").functionCounters()).hasSize(RaspTelemetry.sinkNames().size());
        assertThat(registry.find("rasp.checks").tag("sink", "url").functionCounter()).isNotNull();
    }

    @Test
    void aVerdictOfANewRuleGetsItsMeterInEveryRegistry() {
        SimpleMeterRegistry one = new SimpleMeterRegistry();
        SimpleMeterRegistry two = new SimpleMeterRegistry();
        binder.bindTo(one);
        binder.bindTo(two);
        assertThat(one.find("rasp.verdicts").tag("rule", "test.meter").functionCounter()).isNull();
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, true, "test.meter", "sqli", "e", "SELECT", "GET", "/");
        RaspTelemetry.verdict(RaspTelemetry.SINK_SQL, true, "test.meter", "sqli", "e", "SELECT", "GET", "/");
        for (SimpleMeterRegistry r : new SimpleMeterRegistry[] {one, two}) {
            FunctionCounter c = r.get("rasp.verdicts").tags("rule", "test.meter", "action", "blocked", "category", "sqli").functionCounter();
            assertThat(c.count()).isEqualTo(2);
        }
    }

    @Test
    void verdictsBeforeTheBindingAreThereToo() {
        RaspTelemetry.verdict(RaspTelemetry.SINK_PATH, false, "test.early", "path", "e", "/x", "GET", "/");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        binder.bindTo(registry);
        assertThat(registry.get("rasp.verdicts").tags("rule", "test.early", "action", "monitored").functionCounter().count())
                .isGreaterThanOrEqualTo(1);
    }
}
