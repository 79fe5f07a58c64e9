package dev.rasp.spring.boot.metrics;

import dev.rasp.spring.boot.AgentTelemetry;
import dev.rasp.spring.boot.RaspAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Micrometer meters of the agent, when Micrometer is present and an agent is installed. */
@AutoConfiguration(after = RaspAutoConfiguration.class)
@ConditionalOnClass(value = MeterRegistry.class, name = AgentTelemetry.TELEMETRY_CLASS)
public class RaspMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public RaspMeterBinder raspMeterBinder() {
        return new RaspMeterBinder();
    }
}
