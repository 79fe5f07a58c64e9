package dev.rasp.spring.boot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rasp.spring.boot.RaspConfigurationException;
import dev.rasp.spring.boot.RaspInstallation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    void modeOffInTheAgentsConfigFileLoadsNothing(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("rasp.properties"), "rasp.mode = Off\n");
        new RaspAgentEnvironmentPostProcessor(LOGS).postProcessEnvironment(env(Map.of("rasp.config.file", config.toString())),
                new SpringApplication());
        assertThat(RaspInstallation.current().state()).isEqualTo(RaspInstallation.State.MODE_OFF);
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

    @Test
    void theAgentsRefusalNamesTheSpringKeyThatSetIt() {
        AgentSettings settings = AgentSettings.resolve(env(Map.of("rasp.rules.mode.sqli.no_such_rule", "off", "rasp.mode", "block")));
        RaspConfigurationException e = RaspAgentEnvironmentPostProcessor.agentConfigurationError(
                "rasp: rasp.rules.mode.sqli.no_such_rule names rule 'sqli.no_such_rule', which is neither built in nor in rule set x",
                settings);
        assertThat(e.getProperty()).isEqualTo("rasp.rules.mode.sqli.no_such_rule");
        assertThat(e.getValue()).isEqualTo("off");
        assertThat(e.getOrigin()).contains("test");
        assertThat(e.getFix()).startsWith("the agent refused it: rasp: rasp.rules.mode.sqli.no_such_rule names rule");

        RaspConfigurationException unknown = RaspAgentEnvironmentPostProcessor.agentConfigurationError("rasp: something else", settings);
        assertThat(unknown.getProperty()).isEqualTo("rasp.*");
        assertThat(unknown.getFix()).contains("rasp: something else");
    }

    @Test
    void aKeyIsMentionedOnlyAsAWholeWord() {
        assertThat(RaspAgentEnvironmentPostProcessor.mentions("bad value 'x' for rasp.mode (RASP_MODE): use", "rasp.mode")).isTrue();
        assertThat(RaspAgentEnvironmentPostProcessor.mentions("the key rasp.mode.", "rasp.mode")).isTrue();
        assertThat(RaspAgentEnvironmentPostProcessor.mentions("rasp.modes", "rasp.mode")).isFalse();
        assertThat(RaspAgentEnvironmentPostProcessor.mentions("rasp.rules.mode.sqli.union names", "rasp.rules.mode.sqli")).isFalse();
        assertThat(RaspAgentEnvironmentPostProcessor.mentions("xrasp.mode", "rasp.mode")).isFalse();
    }
}
