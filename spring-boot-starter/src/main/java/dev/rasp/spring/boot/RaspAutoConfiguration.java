package dev.rasp.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Binds {@link RaspProperties}. The agent itself is installed earlier, while the environment is prepared
 * ({@code RaspAgentEnvironmentPostProcessor}), since it must be in before the beans are made.
 */
@AutoConfiguration
@EnableConfigurationProperties(RaspProperties.class)
public class RaspAutoConfiguration {
}
