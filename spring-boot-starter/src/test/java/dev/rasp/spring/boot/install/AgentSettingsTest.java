package dev.rasp.spring.boot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rasp.spring.boot.RaspConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;

/** rasp.* Spring properties to agent system properties: names, values, and every refusal naming key and fix. */
class AgentSettingsTest {

    private static StandardEnvironment env(String... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        StandardEnvironment env = new StandardEnvironment();
        // only what the test sets: the JVM running the tests has rasp.* system properties of its own (Maven's)
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        env.getPropertySources().addFirst(new MapPropertySource("test", m));
        return env;
    }

    private static Map<String, String> agentKeys(StandardEnvironment env) {
        return AgentSettings.resolve(env).settings().values().stream()
                .collect(Collectors.toMap(AgentSettings.Setting::agentKey, AgentSettings.Setting::value, (a, b) -> a, LinkedHashMap::new));
    }

    private static RaspConfigurationException refusal(StandardEnvironment env) {
        try {
            AgentSettings.resolve(env);
        } catch (RaspConfigurationException e) {
            return e;
        }
        throw new AssertionError("accepted");
    }

    @Test
    void nothingSetPassesNothingOn() {
        assertThat(agentKeys(env())).isEmpty();
    }

    @Test
    void kebabCaseSpringNamesBecomeTheAgentKeys() {
        Map<String, String> keys = agentKeys(env(
                "rasp.mode", "Monitor",
                "rasp.on-internal-error", "closed",
                "rasp.events.file", "-",
                "rasp.request.max-input-bytes", "512KB",
                "rasp.request.on-overflow", "monitor",
                "rasp.sql.on-unparsable", "allow",
                "rasp.rules.reload-seconds", "0",
                "rasp.rules.backend", "portable"));
        assertThat(keys).containsExactly(
                Map.entry("rasp.mode", "monitor"),
                Map.entry("rasp.on_internal_error", "closed"),
                Map.entry("rasp.events.file", "-"),
                Map.entry("rasp.request.max_input_bytes", "524288"),
                Map.entry("rasp.request.on_overflow", "monitor"),
                Map.entry("rasp.sql.on_unparsable", "allow"),
                Map.entry("rasp.rules.reload_seconds", "0"),
                Map.entry("rasp.rules.backend", "portable"));
    }

    @Test
    void jndiAllowedHostsAreJoinedForTheAgent() {
        assertThat(agentKeys(env("rasp.jndi.allowed-hosts", "ldap.corp.example,10.0.0.5")))
                .containsEntry("rasp.jndi.allowed_hosts", "ldap.corp.example,10.0.0.5");
        assertThat(agentKeys(env("rasp.jndi.allowed-hosts[0]", "ldap.corp.example", "rasp.jndi.allowed-hosts[1]", ".corp.example")))
                .containsEntry("rasp.jndi.allowed_hosts", "ldap.corp.example,.corp.example");
    }

    @Test
    void aPlainNumberOfBytesIsBytes() {
        assertThat(agentKeys(env("rasp.request.max-input-bytes", "4096"))).containsEntry("rasp.request.max_input_bytes", "4096");
    }

    @Test
    void theRuleFileSizeLimitReachesTheAgentInBytes() {
        assertThat(agentKeys(env("rasp.rules.max-file-bytes", "128MB"))).containsEntry("rasp.rules.max_file_bytes", "134217728");
    }

    @Test
    void xxeEntityLimitsReachTheAgent() {
        assertThat(agentKeys(env("rasp.xxe.max-entity-expansions", "500", "rasp.xxe.max-entity-chars", "20000")))
                .containsEntry("rasp.xxe.max_entity_expansions", "500")
                .containsEntry("rasp.xxe.max_entity_chars", "20000");
    }

    @Test
    void ruleModesInDottedAndBracketForm() {
        Map<String, String> keys = agentKeys(env(
                "rasp.rules.mode.sqli.union", "off",
                "rasp.rules.mode[sql.policy.file_write]", "monitor",
                "rasp.rules.mode.cmdi.policy.reverse_shell", "block"));
        assertThat(keys).containsEntry("rasp.rules.mode.sqli.union", "off")
                .containsEntry("rasp.rules.mode.sql.policy.file_write", "monitor")
                .containsEntry("rasp.rules.mode.cmdi.policy.reverse_shell", "block");
    }

    @Test
    void ssrfAllowedHostsAreJoinedForTheAgent() {
        Map<String, String> keys = agentKeys(env(
                "rasp.ssrf.allowed-hosts[0]", "hooks.partner.example",
                "rasp.ssrf.allowed-hosts[1]", " 10.20.0.0/16 "));
        assertThat(keys).containsEntry("rasp.ssrf.allowed_hosts", "hooks.partner.example,10.20.0.0/16");
        assertThat(agentKeys(env("rasp.ssrf.allowed-hosts", "*.partner.example, fd00::/8")))
                .containsEntry("rasp.ssrf.allowed_hosts", "*.partner.example,fd00::/8");
    }

    @Test
    void exclusionsJoinTheirListsWithCommas() {
        Map<String, String> keys = agentKeys(env(
                "rasp.exclusion.search-box.routes", "/api/search, /api/**/find",
                "rasp.exclusion.search-box.inputs", "query:q,json:filter.text",
                "rasp.exclusion.search-box.rules", "sqli.*",
                "rasp.exclusion.health.routes[0]", "/health"));
        assertThat(keys).containsEntry("rasp.exclusion.search-box.routes", "/api/search,/api/**/find")
                .containsEntry("rasp.exclusion.search-box.inputs", "query:q,json:filter.text")
                .containsEntry("rasp.exclusion.search-box.rules", "sqli.*")
                .containsEntry("rasp.exclusion.health.routes", "/health")
                .doesNotContainKey("rasp.exclusion.health.rules");
    }

    @Test
    void theDeserializationAllowListIsJoinedAndChecked() {
        assertThat(agentKeys(env("rasp.deser.allowed-classes", "com.example.Dto, java.util.*")))
                .containsEntry("rasp.deser.allowed_classes", "com.example.Dto,java.util.*");
        assertThat(agentKeys(env("rasp.deser.allowed-classes[0]", "com.example.**")))
                .containsEntry("rasp.deser.allowed_classes", "com.example.**");
        assertThat(agentKeys(env("rasp.mode", "block"))).doesNotContainKey("rasp.deser.allowed_classes");
        RaspConfigurationException e = refusal(env("rasp.deser.allowed-classes", "com.*.x"));
        assertThat(e.getProperty()).isEqualTo("rasp.deser.allowed-classes");
        assertThat(e.getFix()).contains("package.**");
    }

    @Test
    void aBadModeNamesKeyValueAndFix() {
        RaspConfigurationException e = refusal(env("rasp.mode", "blok"));
        assertThat(e.getProperty()).isEqualTo("rasp.mode");
        assertThat(e.getValue()).isEqualTo("blok");
        assertThat(e.getFix()).isEqualTo("use block, monitor or off");
        assertThat(e.getOrigin()).isEqualTo("\"rasp.mode\" from property source \"test\"");
        assertThat(e.getMessage()).isEqualTo("Invalid value 'blok' for rasp.mode (\"rasp.mode\" from property source \"test\"): "
                + "use block, monitor or off");
    }

    @Test
    void aBlankValueIsBadNotUnset() {
        assertThat(refusal(env("rasp.mode", " ")).getProperty()).isEqualTo("rasp.mode");
        assertThat(refusal(env("rasp.rules.backend", "")).getFix()).isEqualTo("use auto, hyperscan or portable");
    }

    @Test
    void originsNameFileAndLine() {
        StandardEnvironment env = new StandardEnvironment();
        ByteArrayResource resource = new ByteArrayResource(new byte[0], "application.yml");
        Map<String, Object> m = Map.of("rasp.rules.mode[sqli.union]",
                OriginTrackedValue.of("blocker", new TextResourceOrigin(resource, new TextResourceOrigin.Location(6, 20))));
        env.getPropertySources().addFirst(new OriginTrackedMapPropertySource("yml", m));
        RaspConfigurationException e = refusal(env);
        assertThat(e.getProperty()).isEqualTo("rasp.rules.mode.sqli.union");
        assertThat(e.getValue()).isEqualTo("blocker");
        assertThat(e.getOrigin()).contains("application.yml").contains("7:21");
        assertThat(e.getFix()).isEqualTo("use block, monitor or off");
    }

    @Test
    void eachValueTheAgentWouldRefuseIsRefusedHere(@TempDir Path dir) {
        String missing = dir.resolve("no/such/dir/events.jsonl").toString();
        List<List<String>> cases = List.of(
                List.of("rasp.request.max-input-bytes", "0", "use a size from 1KB to 1GB"),
                List.of("rasp.request.max-input-bytes", "1023", "use a size from 1KB to 1GB"),
                List.of("rasp.request.max-input-bytes", "2GB", "use a size from 1KB to 1GB"),
                List.of("rasp.request.max-input-bytes", "lots", "use a size from 1KB to 1GB"),
                List.of("rasp.xxe.max-entity-expansions", "0", "entity references from 1 to 100000000"),
                List.of("rasp.xxe.max-entity-expansions", "many", "entity references from 1 to 100000000"),
                List.of("rasp.xxe.max-entity-chars", "2000000001", "characters from 1 to 2000000000"),
                List.of("rasp.rules.max-file-bytes", "2GB", "use a size from 1B to 1GB"),
                List.of("rasp.rules.max-file-bytes", "0", "use a size from 1B to 1GB"),
                List.of("rasp.rules.reload-seconds", "86401", "from 0 (never reload) to 86400"),
                List.of("rasp.rules.reload-seconds", "-1", "from 0 (never reload) to 86400"),
                List.of("rasp.events.file", missing, "use a file path in an existing directory, or - for stderr"),
                List.of("rasp.events.file", dir.toString(), "use a file path in an existing directory"),
                List.of("rasp.native.dir", dir.resolve("nope").toString(), "use an existing, writable directory"),
                List.of("rasp.config.file", dir.resolve("nope.properties").toString(), "use the path of an existing properties file"),
                List.of("rasp.rules.file", dir.resolve("nope.rules").toString(), "use the path of an existing, readable rule file"),
                List.of("rasp.sql.on-unparsable", "off", "use block, monitor or allow"),
                List.of("rasp.on-internal-error", "maybe", "use open or closed"),
                List.of("rasp.attach.timeout", "0s", "use a positive duration"),
                List.of("rasp.attach.enabled", "yes please", "use true or false"),
                List.of("rasp.attach.background", "later", "use true or false"),
                List.of("rasp.attach.early", "soon", "use true or false"));
        for (List<String> c : cases) {
            RaspConfigurationException e = refusal(env(c.get(0), c.get(1)));
            assertThat(e.getProperty()).as(c.toString()).isEqualTo(c.get(0));
            assertThat(e.getFix()).as(c.toString()).contains(c.get(2));
        }
    }

    @Test
    void ruleIdsAndExclusionsFollowTheRulesSyntax() {
        assertThat(refusal(env("rasp.rules.mode[Sqli.Union]", "off")).getFix()).contains("a rule id is lower-case segments");
        assertThat(refusal(env("rasp.rules.mode.sqli", "off")).getProperty()).isEqualTo("rasp.rules.mode.sqli");
        assertThat(refusal(env("rasp.exclusion.x.routes", "api/**")).getFix()).contains("starting with /");
        assertThat(refusal(env("rasp.exclusion.x.routes", "/a**b")).getProperty()).isEqualTo("rasp.exclusion.x.routes");
        for (String agentRefuses : new String[] {"/a/../b", "/a/./b", "/a?b", "/a/[bc]", "/a/{b}", "/a\\b"}) {
            assertThat(refusal(env("rasp.exclusion.x.routes", agentRefuses)).getProperty())
                    .as(agentRefuses).isEqualTo("rasp.exclusion.x.routes");
        }
        assertThat(refusal(env("rasp.exclusion.x.inputs", "cookies:session")).getFix()).contains("source one of query, form");
        assertThat(refusal(env("rasp.exclusion.x.inputs", "query:")).getProperty()).isEqualTo("rasp.exclusion.x.inputs");
        assertThat(refusal(env("rasp.exclusion.x.rules", "sqli")).getFix()).contains("rule ids or prefixes");
        assertThat(refusal(env("rasp.exclusion.x.rules", "sqli.union,,sqli.stacked")).getProperty()).isEqualTo("rasp.exclusion.x.rules");
        assertThat(refusal(env("rasp.exclusion.x.routes", "")).getProperty()).isEqualTo("rasp.exclusion.x.routes");
    }

    @Test
    void anExclusionNeedsAField() {
        RaspConfigurationException e = refusal(env("rasp.exclusion.empty.routes", "", "rasp.exclusion.empty.rules", ""));
        assertThat(e.getProperty()).startsWith("rasp.exclusion.empty");
    }

    @Test
    void existingPathsPass(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("rasp.properties"), "rasp.mode=monitor\n");
        Map<String, String> keys = agentKeys(env(
                "rasp.config.file", config.toString(),
                "rasp.events.file", dir.resolve("events.jsonl").toString(),
                "rasp.native.dir", dir.toString()));
        assertThat(keys).containsEntry("rasp.config.file", config.toString())
                .containsEntry("rasp.events.file", dir.resolve("events.jsonl").toString())
                .containsEntry("rasp.native.dir", dir.toString());
    }

    @Test
    void aDashDSystemPropertyIsNeverOverwritten() {
        AgentSettings settings = AgentSettings.resolve(env("rasp.mode", "monitor", "rasp.sql.on-unparsable", "allow"));
        Properties system = new Properties();
        system.setProperty("rasp.mode", "block");
        List<String> conflicts = settings.applyTo(system);
        assertThat(system.getProperty("rasp.mode")).isEqualTo("block");
        assertThat(system.getProperty("rasp.sql.on_unparsable")).isEqualTo("allow");
        assertThat(conflicts).singleElement().asString().startsWith("-Drasp.mode=block wins over rasp.mode=monitor");
    }

    @Test
    void unknownKeysAreReportedKnownOnesNot() {
        List<String> unknown = AgentSettings.resolve(env(
                "rasp.mdoe", "monitor",
                "rasp.mode", "monitor",
                "rasp.rules.mode.sqli.union", "off",
                "rasp.exclusion.x.rules", "sqli.*",
                "rasp.attach.enabled", "true",
                "rasp.attach.background", "false",
                "rasp.debug.transformations", "true",
                // the agent's own spelling, as a -D would have it
                "rasp.request.max_input_bytes", "4096",
                "rasp.rules.reload_seconds", "3",
                "rasp.agent.config_error", "set by the agent")).unknownKeys();
        assertThat(unknown).singleElement().asString().startsWith("rasp.mdoe");
    }

    @Test
    void jmxShutdownWaitAndEventExportReachTheAgent() {
        Map<String, String> keys = agentKeys(env(
                "rasp.jmx.enabled", "false",
                "rasp.events.shutdown-timeout", "1500ms",
                "rasp.events.otlp.enabled", "true",
                "rasp.events.otlp.endpoint", " http://127.0.0.1:4318 ",
                "rasp.events.otlp.protocol", "HTTP/JSON",
                "rasp.events.otlp.headers", "api-key=s%20cret, x-team=rasp",
                "rasp.events.syslog.endpoint", "tcp://[::1]:6514",
                "rasp.events.syslog.format", "CEF",
                "rasp.events.syslog.facility", "Local3"));
        assertThat(keys).containsEntry("rasp.jmx.enabled", "false")
                .containsEntry("rasp.events.shutdown_timeout_ms", "1500")
                .containsEntry("rasp.events.otlp.enabled", "true")
                .containsEntry("rasp.events.otlp.endpoint", "http://127.0.0.1:4318")
                .containsEntry("rasp.events.otlp.protocol", "http/json")
                .containsEntry("rasp.events.otlp.headers", "api-key=s%20cret, x-team=rasp")
                .containsEntry("rasp.events.syslog.endpoint", "tcp://[::1]:6514")
                .containsEntry("rasp.events.syslog.format", "cef")
                .containsEntry("rasp.events.syslog.facility", "local3");
        assertThat(keys).hasSize(9);
    }

    @Test
    void theShutdownWaitIsWholeMillisecondsAndAPlainNumberIsMilliseconds() {
        assertThat(agentKeys(env("rasp.events.shutdown-timeout", "2s"))).containsEntry("rasp.events.shutdown_timeout_ms", "2000");
        assertThat(agentKeys(env("rasp.events.shutdown-timeout", "750"))).containsEntry("rasp.events.shutdown_timeout_ms", "750");
        assertThat(agentKeys(env("rasp.events.shutdown-timeout", "0s"))).containsEntry("rasp.events.shutdown_timeout_ms", "0");
        assertThat(agentKeys(env("rasp.events.shutdown-timeout", "1m"))).containsEntry("rasp.events.shutdown_timeout_ms", "60000");
        // Spring's own boolean spellings (on, yes, 1) reach the agent as the true or false it takes
        assertThat(agentKeys(env("rasp.jmx.enabled", "on", "rasp.events.otlp.enabled", "no", "rasp.events.syslog.facility", "23")))
                .containsEntry("rasp.jmx.enabled", "true")
                .containsEntry("rasp.events.otlp.enabled", "false")
                .containsEntry("rasp.events.syslog.facility", "23");
    }

    @Test
    void blankOtlpHeadersAreNoHeadersForTheAgent() {
        assertThat(agentKeys(env("rasp.events.otlp.headers", ""))).containsEntry("rasp.events.otlp.headers", "");
    }

    @Test
    void aBadEndpointIsHarmlessWhileOtlpIsOff() {
        assertThat(agentKeys(env("rasp.events.otlp.enabled", "false", "rasp.events.otlp.endpoint", "https://collector:4318")))
                .containsEntry("rasp.events.otlp.enabled", "false");
    }

    @Test
    void eachEventExportValueTheAgentWouldRefuseIsRefusedHere() {
        List<List<String>> cases = List.of(
                List.of("rasp.jmx.enabled", "yes please", "use true or false"),
                List.of("rasp.events.otlp.enabled", "on please", "use true or false"),
                List.of("rasp.events.shutdown-timeout", "61s", "from 0 to 60000"),
                List.of("rasp.events.shutdown-timeout", "60001", "from 0 to 60000"),
                List.of("rasp.events.shutdown-timeout", "-1s", "from 0 to 60000"),
                List.of("rasp.events.shutdown-timeout", "1500us", "from 0 to 60000"),
                List.of("rasp.events.shutdown-timeout", "soon", "from 0 to 60000"),
                List.of("rasp.events.shutdown-timeout", " ", "from 0 to 60000"),
                List.of("rasp.events.otlp.endpoint", "https://collector:4318", "TLS is not supported yet"),
                List.of("rasp.events.otlp.endpoint", "collector:4318", "use an http://host:port URL"),
                List.of("rasp.events.otlp.endpoint", "http://", "use an http://host:port URL"),
                List.of("rasp.events.otlp.endpoint", "http://user@collector:4318", "use an http://host:port URL"),
                List.of("rasp.events.otlp.endpoint", "", "use an http://host:port URL"),
                List.of("rasp.events.otlp.protocol", "grpc", "use http/protobuf or http/json (grpc is not supported)"),
                List.of("rasp.events.otlp.headers", "api-key", "use name=value pairs separated by commas"),
                List.of("rasp.events.otlp.headers", "bad name=x", "use name=value pairs separated by commas"),
                List.of("rasp.events.otlp.headers", "k=%0A", "use name=value pairs separated by commas"),
                List.of("rasp.events.otlp.headers", "k=%FF", "use name=value pairs separated by commas"),
                List.of("rasp.events.syslog.endpoint", "127.0.0.1:514", "use udp://host:port or tcp://host:port"),
                List.of("rasp.events.syslog.endpoint", "udp://127.0.0.1:0", "use udp://host:port or tcp://host:port"),
                List.of("rasp.events.syslog.endpoint", "udp://127.0.0.1:65536", "use udp://host:port or tcp://host:port"),
                List.of("rasp.events.syslog.endpoint", "tls://127.0.0.1:6514", "use udp://host:port or tcp://host:port"),
                List.of("rasp.events.syslog.format", "leef", "use rfc5424 or cef"),
                List.of("rasp.events.syslog.facility", "24", "or a number from 0 to 23"),
                List.of("rasp.events.syslog.facility", "local8", "or a number from 0 to 23"));
        for (List<String> c : cases) {
            RaspConfigurationException e = refusal(env(c.get(0), c.get(1)));
            assertThat(e.getProperty()).as(c.toString()).isEqualTo(c.get(0));
            assertThat(e.getFix()).as(c.toString()).contains(c.get(2));
            assertThat(e.getOrigin()).as(c.toString()).isEqualTo("\"" + c.get(0) + "\" from property source \"test\"");
        }
    }

    @Test
    void theNewKeysAreNoUnknownKeys() {
        List<String> unknown = AgentSettings.resolve(env(
                "rasp.jmx.enabled", "true",
                "rasp.events.shutdown-timeout", "2s",
                "rasp.events.otlp.enabled", "false",
                "rasp.events.otlp.endpoint", "http://127.0.0.1:4318",
                "rasp.events.otlp.protocol", "http/protobuf",
                "rasp.events.otlp.headers", "k=v",
                "rasp.events.syslog.endpoint", "udp://127.0.0.1:514",
                "rasp.events.syslog.format", "rfc5424",
                "rasp.events.syslog.facility", "daemon",
                "rasp.events.otlp.endpont", "http://127.0.0.1:4318")).unknownKeys();
        assertThat(unknown).singleElement().asString().startsWith("rasp.events.otlp.endpont");
    }

    @Test
    void theAgentSpellingOfTheShutdownWaitIsQuietOnlyAsADashD() {
        // in application.properties it is neither bound nor passed on: the warning says so
        assertThat(AgentSettings.resolve(env("rasp.events.shutdown_timeout_ms", "2000")).unknownKeys())
                .singleElement().asString().contains("shutdown_timeout_ms");
        StandardEnvironment env = env();
        Properties dashD = new Properties();
        dashD.setProperty("rasp.events.shutdown_timeout_ms", "2000");
        env.getPropertySources().addLast(new PropertiesPropertySource(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, dashD));
        assertThat(AgentSettings.resolve(env).unknownKeys()).isEmpty();
    }
}
