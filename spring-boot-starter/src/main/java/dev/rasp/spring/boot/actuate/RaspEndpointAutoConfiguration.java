package dev.rasp.spring.boot.actuate;

import dev.rasp.spring.boot.RaspAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code rasp} actuator endpoint, when the actuator is present and the endpoint is enabled and
 * exposed ({@code management.endpoints.web.exposure.include=rasp,...}). Also without an agent: it then
 * says why the application is unprotected.
 */
@AutoConfiguration(after = RaspAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(endpoint = RaspEndpoint.class)
public class RaspEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public RaspEndpoint raspEndpoint() {
        return new RaspEndpoint();
    }
}
