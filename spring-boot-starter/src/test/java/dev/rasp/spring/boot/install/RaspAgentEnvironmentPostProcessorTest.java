package dev.rasp.spring.boot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rasp.spring.boot.RaspConfigurationException;
import dev.rasp.spring.boot.RaspInstallation;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The paths that load nothing (loading for real is what the integration tests do, in a JVM of their own). */
class RaspAgentEnvironmentPostProcessorTest {

    private static final DeferredLogFactory LOGS = (java.util.function.Supplier<Log> destination) -> destination.get();

    @AfterEach
    void forget() {
        RaspAgentEnvironmentPostProcessor.reset();
    }

    private static StandardEnvironment env(Map<String, Object> m) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", m));
        return env;
    }

    @Test
    void attachDisabledLoadsNothingAndSaysUnprotected() {
        new RaspAgentEnvironmentPostProcessor(LOGS).postProcessEnvironment(env(Map.of("rasp.attach.enabled", "false")),
                new SpringApplication());
        RaspInstallation i = RaspInstallation.current();
        assertThat(i.state()).isEqualTo(RaspInstallation.State.DISABLED);
        assertThat(i.detail()).contains("UNPROTECTED");
        assertThat(RaspAgentEnvironmentPostProcessor.bootstrapLoaded()).isFalse();
    }

    @Test
    void modeOffLoadsNothing() {
        new RaspAgentEnvironmentPostProcessor(LOGS).postProcessEnvironment(env(Map.of("rasp.mode", "off")), new SpringApplication());
        assertThat(RaspInstallation.current().state()).isEqualTo(RaspInstallation.State.MODE_OFF);
        assertThat(System.getProperty("rasp.mode")).isNull();
    }

    @Test
    void aBadValueStopsBeforeAnythingElse() {
        assertThatThrownBy(() -> new RaspAgentEnvironmentPostProcessor(LOGS)
                .postProcessEnvironment(env(Map.of("rasp.mode", "blok", "rasp.attach.enabled", "false")), new SpringApplication()))
                .isInstanceOf(RaspConfigurationException.class)
                .hasMessageContaining("rasp.mode");
    }

    @Test
    void noAgentIsPresentInAPlainJvm() {
        assertThat(RaspAgentEnvironmentPostProcessor.agentPresent()).isFalse();
    }
}
