package dev.rasp.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentConfigTest {

    @TempDir
    Path tmp;

    private final Properties sys = new Properties();
    private final Map<String, String> env = new HashMap<>();

    private AgentConfig resolve() {
        sys.setProperty("user.dir", tmp.toString());
        sys.setProperty("java.io.tmpdir", tmp.toString());
        return AgentConfig.resolve(sys, env);
    }

    private String badValueMessage() {
        return assertThrows(ConfigException.class, this::resolve).getMessage();
    }

    private Path configFile(String... lines) throws IOException {
        Path f = tmp.resolve("rasp.properties");
        Files.write(f, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void defaults() {
        AgentConfig c = resolve();
        assertEquals(AgentConfig.Mode.BLOCK, c.mode());
        assertEquals(new File(tmp.toFile(), "rasp-events.jsonl").getAbsolutePath(), c.eventsFile());
        assertEquals(tmp.toFile(), c.nativeDir());
        assertEquals(1048576, c.maxInputBytes());
        assertEquals(AgentConfig.FallbackVerdict.BLOCK, c.onOverflow());
        assertEquals(AgentConfig.FallbackVerdict.BLOCK, c.onUnparsable());
        assertEquals(AgentConfig.FailureMode.OPEN, c.onInternalError());
        assertNull(c.configFile());
        assertTrue(c.warnings().isEmpty());
    }

    @Test
    void environmentVariableNamesFollowTheProperty() {
        assertEquals("RASP_REQUEST_MAX_INPUT_BYTES", ConfigKey.MAX_INPUT_BYTES.environmentVariable);
        assertEquals("RASP_SQL_ON_UNPARSABLE", ConfigKey.ON_UNPARSABLE.environmentVariable);
        assertEquals("RASP_CONFIG_FILE", ConfigKey.CONFIG_FILE.environmentVariable);
    }

    @Test
    void systemPropertyBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path f = configFile("rasp.mode=monitor", "rasp.request.max_input_bytes=3000",
                "rasp.request.on_overflow=allow", "rasp.sql.on_unparsable=monitor");
        env.put("RASP_CONFIG_FILE", f.toString());
        // file only
        AgentConfig c = resolve();
        assertEquals(AgentConfig.Mode.MONITOR, c.mode());
        assertEquals(3000, c.maxInputBytes());
        assertEquals(AgentConfig.FallbackVerdict.ALLOW, c.onOverflow());
        assertEquals(f.toString(), c.configFile());
        // environment beats the file
        env.put("RASP_MODE", "off");
        env.put("RASP_REQUEST_MAX_INPUT_BYTES", "2000");
        c = resolve();
        assertEquals(AgentConfig.Mode.OFF, c.mode());
        assertEquals(2000, c.maxInputBytes());
        assertEquals(AgentConfig.FallbackVerdict.ALLOW, c.onOverflow()); // still from the file
        // system property beats the environment
        sys.setProperty("rasp.mode", "block");
        sys.setProperty("rasp.request.max_input_bytes", "1024");
        c = resolve();
        assertEquals(AgentConfig.Mode.BLOCK, c.mode());
        assertEquals(1024, c.maxInputBytes());
        assertEquals(AgentConfig.FallbackVerdict.MONITOR, c.onUnparsable()); // file, untouched
        assertEquals(AgentConfig.FailureMode.OPEN, c.onInternalError()); // default, nowhere set
    }

    @Test
    void configFileItselfComesFromPropertyBeforeEnvironment() throws IOException {
        Path viaProperty = configFile("rasp.mode=monitor");
        Path viaEnv = tmp.resolve("other.properties");
        Files.write(viaEnv, "rasp.mode=off".getBytes(StandardCharsets.UTF_8));
        sys.setProperty("rasp.config.file", viaProperty.toString());
        env.put("RASP_CONFIG_FILE", viaEnv.toString());
        assertEquals(AgentConfig.Mode.MONITOR, resolve().mode());
    }

    @Test
    void relativeConfigFileIsResolvedAgainstTheWorkingDirectory() throws IOException {
        configFile("rasp.mode=monitor");
        sys.setProperty("rasp.config.file", "rasp.properties");
        assertEquals(AgentConfig.Mode.MONITOR, resolve().mode());
    }

    @Test
    void valuesAreCaseInsensitiveAndTrimmed() {
        sys.setProperty("rasp.mode", " Monitor ");
        env.put("RASP_ON_INTERNAL_ERROR", "CLOSED");
        AgentConfig c = resolve();
        assertEquals(AgentConfig.Mode.MONITOR, c.mode());
        assertEquals(AgentConfig.FailureMode.CLOSED, c.onInternalError());
    }

    @Test
    void badModeMessageIsTheContractLine() {
        sys.setProperty("rasp.mode", "x");
        assertEquals("rasp: bad value 'x' for rasp.mode (RASP_MODE): use block, monitor or off", badValueMessage());
    }

    @Test
    void badModeFromEnvironmentNamesTheSameKey() {
        env.put("RASP_MODE", "blocking");
        assertEquals("rasp: bad value 'blocking' for rasp.mode (RASP_MODE): use block, monitor or off",
                badValueMessage());
    }

    @Test
    void badValueInConfigFile() throws IOException {
        sys.setProperty("rasp.config.file", configFile("rasp.sql.on_unparsable=deny").toString());
        assertEquals("rasp: bad value 'deny' for rasp.sql.on_unparsable (RASP_SQL_ON_UNPARSABLE): use block, monitor or allow",
                badValueMessage());
    }

    @Test
    void overriddenBadValueIsNotAnError() {
        env.put("RASP_MODE", "nonsense");
        sys.setProperty("rasp.mode", "monitor");
        assertEquals(AgentConfig.Mode.MONITOR, resolve().mode());
    }

    @Test
    void badOnOverflow() {
        sys.setProperty("rasp.request.on_overflow", "open");
        assertEquals("rasp: bad value 'open' for rasp.request.on_overflow (RASP_REQUEST_ON_OVERFLOW): use block, monitor or allow",
                badValueMessage());
    }

    @Test
    void badOnInternalError() {
        sys.setProperty("rasp.on_internal_error", "block");
        assertEquals("rasp: bad value 'block' for rasp.on_internal_error (RASP_ON_INTERNAL_ERROR): use open or closed",
                badValueMessage());
    }

    @Test
    void badMaxInputBytes() {
        String fix = "use a whole number of bytes from 1024 to 1073741824";
        for (String bad : new String[] {"", "abc", "-5", "0", "1", "1023", "1.5", "1m", "1073741825", "99999999999999"}) {
            sys.setProperty("rasp.request.max_input_bytes", bad);
            assertEquals("rasp: bad value '" + bad + "' for rasp.request.max_input_bytes (RASP_REQUEST_MAX_INPUT_BYTES): " + fix,
                    badValueMessage(), bad);
        }
        sys.setProperty("rasp.request.max_input_bytes", "1073741824");
        assertEquals(1073741824, resolve().maxInputBytes());
    }

    @Test
    void xxeEntityLimits() {
        AgentConfig defaults = resolve();
        assertEquals(10_000, defaults.xxeMaxEntityExpansions());
        assertEquals(10_000_000, defaults.xxeMaxEntityChars());
        sys.setProperty("rasp.xxe.max_entity_expansions", "500");
        env.put("RASP_XXE_MAX_ENTITY_CHARS", "20000");
        assertEquals(500, resolve().xxeMaxEntityExpansions());
        assertEquals(20_000, resolve().xxeMaxEntityChars());
        for (String bad : new String[] {"", "0", "-1", "1e3", "100000001"}) {
            sys.setProperty("rasp.xxe.max_entity_expansions", bad);
            assertEquals("rasp: bad value '" + bad + "' for rasp.xxe.max_entity_expansions (RASP_XXE_MAX_ENTITY_EXPANSIONS): "
                    + "use a whole number of entity references from 1 to 100000000", badValueMessage(), bad);
        }
        sys.setProperty("rasp.xxe.max_entity_expansions", "100000000");
        for (String bad : new String[] {"0", "2000000001", "99999999999", "ten"}) {
            env.put("RASP_XXE_MAX_ENTITY_CHARS", bad);
            assertEquals("rasp: bad value '" + bad + "' for rasp.xxe.max_entity_chars (RASP_XXE_MAX_ENTITY_CHARS): "
                    + "use a whole number of characters from 1 to 2000000000", badValueMessage(), bad);
        }
    }

    @Test
    void eventsShutdownTimeout() {
        assertEquals(2000, resolve().eventsShutdownTimeoutMs());
        sys.setProperty("rasp.events.shutdown_timeout_ms", "0");
        assertEquals(0, resolve().eventsShutdownTimeoutMs());
        sys.remove("rasp.events.shutdown_timeout_ms");
        env.put("RASP_EVENTS_SHUTDOWN_TIMEOUT_MS", "60000");
        assertEquals(60_000, resolve().eventsShutdownTimeoutMs());
        for (String bad : new String[] {"", "-1", "2s", "60001", "99999999999"}) {
            env.put("RASP_EVENTS_SHUTDOWN_TIMEOUT_MS", bad);
            assertEquals("rasp: bad value '" + bad + "' for rasp.events.shutdown_timeout_ms (RASP_EVENTS_SHUTDOWN_TIMEOUT_MS): "
                    + "use a whole number of milliseconds from 0 to 60000", badValueMessage(), bad);
        }
    }

    @Test
    void jmxIsOnUnlessTurnedOff() {
        assertTrue(resolve().jmxEnabled());
        assertFalse(resolve().describe().contains("jmx"));
        env.put("RASP_JMX_ENABLED", " False ");
        assertFalse(resolve().jmxEnabled());
        assertTrue(resolve().describe().contains(", jmx=off"), resolve().describe());
        sys.setProperty("rasp.jmx.enabled", "true");
        assertTrue(resolve().jmxEnabled(), "the system property wins");
        sys.setProperty("rasp.jmx.enabled", "no");
        assertEquals("rasp: bad value 'no' for rasp.jmx.enabled (RASP_JMX_ENABLED): use true or false", badValueMessage());
    }

    @Test
    void badNativeDir() {
        String missing = tmp.resolve("nope").toString();
        sys.setProperty("rasp.native.dir", missing);
        assertEquals("rasp: bad value '" + missing + "' for rasp.native.dir (RASP_NATIVE_DIR): use an existing, writable directory",
                badValueMessage());
    }

    @Test
    void nativeDirMustBeADirectory() throws IOException {
        Path file = Files.createFile(tmp.resolve("plain"));
        sys.setProperty("rasp.native.dir", file.toString());
        assertTrue(badValueMessage().startsWith("rasp: bad value '" + file + "' for rasp.native.dir (RASP_NATIVE_DIR): "));
        sys.setProperty("rasp.native.dir", tmp.toString());
        assertEquals(tmp.toFile(), resolve().nativeDir());
    }

    @Test
    void badEventsFile() {
        String inMissingDir = tmp.resolve("missing/events.jsonl").toString();
        sys.setProperty("rasp.events.file", inMissingDir);
        assertEquals("rasp: bad value '" + inMissingDir + "' for rasp.events.file (RASP_EVENTS_FILE): "
                + "use a file path in an existing directory, or - for stderr", badValueMessage());
        sys.setProperty("rasp.events.file", tmp.toString()); // a directory
        assertTrue(badValueMessage().contains("for rasp.events.file (RASP_EVENTS_FILE)"));
    }

    @Test
    void eventsFileStderrAndRelative() {
        sys.setProperty("rasp.events.file", "-");
        assertEquals("-", resolve().eventsFile());
        sys.setProperty("rasp.events.file", "ev.jsonl");
        assertEquals(tmp.resolve("ev.jsonl").toString(), resolve().eventsFile());
    }

    @Test
    void missingConfigFile() {
        String missing = tmp.resolve("absent.properties").toString();
        env.put("RASP_CONFIG_FILE", missing);
        assertEquals("rasp: bad value '" + missing + "' for rasp.config.file (RASP_CONFIG_FILE): use the path of an existing properties file",
                badValueMessage());
    }

    @Test
    void messageStaysOnOneLine() {
        sys.setProperty("rasp.mode", "block\nmonitor");
        String m = badValueMessage();
        assertEquals("rasp: bad value 'block\\nmonitor' for rasp.mode (RASP_MODE): use block, monitor or off", m);
    }

    @Test
    void unknownConfigFileKeysAreWarnedNotFatal() throws IOException {
        sys.setProperty("rasp.config.file", configFile("rasp.mdoe=monitor", "rasp.mode=monitor").toString());
        AgentConfig c = resolve();
        assertEquals(AgentConfig.Mode.MONITOR, c.mode());
        assertEquals(Collections.singletonList("ignoring unknown key 'rasp.mdoe' in " + tmp.resolve("rasp.properties")
                + "; did you mean rasp.mode?"), c.warnings());
    }

    @Test
    void aTypoedSystemPropertyIsOneWarningNamingTheNearestKey() {
        sys.setProperty("rasp.mdoe", "monitor");
        AgentConfig c = resolve();
        assertEquals(AgentConfig.Mode.BLOCK, c.mode(), "the typo is not read as rasp.mode");
        assertEquals(Collections.singletonList(
                "ignoring unknown key 'rasp.mdoe' (system property); did you mean rasp.mode?"), c.warnings());
    }

    @Test
    void typosOfEveryKindOfKeyGetTheirNearestKey() {
        sys.setProperty("rasp.events.flie", "x");
        sys.setProperty("rasp.request.max-input-bytes", "2048"); // Spring's spelling, with -javaagent
        sys.setProperty("rasp.rule.mode.sqli.union", "off"); // a dynamic key with its prefix misspelt
        sys.setProperty("rasp.exclusions.admin.routes", "/admin/**");
        sys.setProperty("rasp.debug.transformation", "true");
        sys.setProperty("rasp.zzzzzzzzzz", "1"); // near nothing: no guess
        assertEquals(Arrays.asList(
                "ignoring unknown key 'rasp.debug.transformation' (system property); did you mean rasp.debug.transformations?",
                "ignoring unknown key 'rasp.events.flie' (system property); did you mean rasp.events.file?",
                "ignoring unknown key 'rasp.exclusions.admin.routes' (system property); did you mean rasp.exclusion.admin.routes?",
                "ignoring unknown key 'rasp.request.max-input-bytes' (system property); did you mean rasp.request.max_input_bytes?",
                "ignoring unknown key 'rasp.rule.mode.sqli.union' (system property); did you mean rasp.rules.mode.sqli.union?",
                "ignoring unknown key 'rasp.zzzzzzzzzz' (system property)"), resolve().warnings());
    }

    @Test
    void everyKnownAndDynamicKeyIsQuiet() {
        for (ConfigKey k : ConfigKey.values()) {
            assertTrue(KnownKeys.isKnownProperty(k.property, false), k.property);
            assertTrue(KnownKeys.isKnownVariable(k.environmentVariable, false), k.environmentVariable);
        }
        sys.setProperty("rasp.rules.mode.sqli.union", "monitor");
        sys.setProperty("rasp.exclusion.admin.routes", "/admin/**");
        sys.setProperty("rasp.exclusion.admin.rules", "sqli.*");
        sys.setProperty("rasp.debug.transformations", "false");
        sys.setProperty("rasp.attach.enabled", "true"); // the starter's, read by Spring from -D
        sys.setProperty("rasp.attach.timeout", "30s");
        sys.setProperty("rasp.request.max_input_bytes", "4096");
        sys.setProperty("raspberry", "pi"); // not ours: no "rasp." prefix
        env.put("RASP_MODE", "block");
        env.put("RASP_IT_PG_URL", "jdbc:postgresql://127.0.0.1/x"); // the integration tests'
        env.put("RASP_RULES", "/src/rules"); // the CLI's
        env.put("RASP_CORPORA", "/src/corpora");
        env.put("RASP_HYPERSCAN", "off"); // the native build's
        env.put("RASP_ATTACH_REQUIRED", "true");
        env.put("RASPBERRY", "pi");
        assertEquals(Collections.emptyList(), resolve().warnings());
    }

    /** The keys the Spring Boot starter sets as system properties before it attaches (AgentSettings). */
    @Test
    void theKeysTheStarterPassesAreKnown() {
        for (String key : new String[] {"rasp.mode", "rasp.on_internal_error", "rasp.config.file", "rasp.events.file",
                "rasp.native.dir", "rasp.request.max_input_bytes", "rasp.request.on_overflow", "rasp.sql.on_unparsable",
                "rasp.rules.file", "rasp.rules.reload_seconds", "rasp.rules.backend", "rasp.ssrf.allowed_hosts",
                "rasp.jndi.allowed_hosts", "rasp.rules.mode.sqli.union", "rasp.exclusion.admin.routes",
                "rasp.exclusion.admin.inputs", "rasp.exclusion.admin.rules", "rasp.deser.allowed_classes",
                "rasp.xxe.max_entity_expansions", "rasp.xxe.max_entity_chars", "rasp.agent.config_error"}) {
            assertTrue(KnownKeys.isKnownProperty(key, false), key);
        }
    }

    /**
     * Every rasp.* system property the agent reads outside AgentConfig (the debug and start-up
     * switches) is known, so setting one never prints "ignoring unknown key": read from the
     * sources of the agent's three modules, so a switch added without its key fails here.
     */
    @Test
    void everyPropertyTheAgentReadsDirectlyIsKnown() throws IOException {
        java.util.regex.Pattern read = java.util.regex.Pattern.compile(
                "(?:System\\.getProperty|Boolean\\.getBoolean|Integer\\.getInteger|Long\\.getLong)\\(\\s*\"(rasp\\.[^\"]+)\"");
        java.util.Set<String> found = new java.util.TreeSet<String>();
        for (String module : new String[] {"core", "bootstrap", "agent"}) {
            Path sources = java.nio.file.Paths.get("..", module, "src", "main", "java");
            try (java.util.stream.Stream<Path> files = Files.walk(sources)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    java.util.regex.Matcher m = read.matcher(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
                    while (m.find()) {
                        found.add(m.group(1));
                    }
                }
            }
        }
        assertTrue(found.contains("rasp.debug.startup"), "the scan finds the switches: " + found);
        for (String key : found) {
            assertTrue(KnownKeys.isKnownProperty(key, false), key + " is read by the agent but not a known key");
        }
    }

    @Test
    void springSpellingsAreTheStartersWhenItAttaches() {
        sys.setProperty("rasp.request.max-input-bytes", "2MB");
        sys.setProperty("rasp.rules.reloadSeconds", "2");
        sys.setProperty("rasp.ssrf.allowed-hosts[0]", "a.example");
        sys.setProperty("rasp.rules.mode[sqli.union]", "off");
        env.put("RASP_REQUEST_MAXINPUTBYTES", "2MB");
        env.put("RASP_RULES_MODE_SQLI_UNION", "off");
        sys.setProperty("user.dir", tmp.toString());
        sys.setProperty("java.io.tmpdir", tmp.toString());
        assertEquals(Collections.emptyList(), AgentConfig.resolve(sys, env, true).warnings());
        sys.setProperty("rasp.mdoe", "off");
        assertEquals(Collections.singletonList(
                        "ignoring unknown key 'rasp.mdoe' (system property); did you mean rasp.mode?"),
                AgentConfig.resolve(sys, env, true).warnings(), "a typo is still one under the starter");
    }

    @Test
    void aTypoedEnvironmentVariableIsOneWarningNamingTheNearestVariable() {
        env.put("RASP_MDOE", "monitor");
        env.put("RASP_REQUEST_MAX_INPUT_BYTE", "4096");
        env.put("RASP_RULES_MODE_SQLI_UNION", "off");
        AgentConfig c = resolve();
        assertEquals(AgentConfig.Mode.BLOCK, c.mode());
        assertEquals(Arrays.asList(
                "ignoring unknown key 'RASP_MDOE' (environment variable); did you mean RASP_MODE?",
                "ignoring unknown key 'RASP_REQUEST_MAX_INPUT_BYTE' (environment variable); did you mean "
                        + "RASP_REQUEST_MAX_INPUT_BYTES?",
                "ignoring unknown key 'RASP_RULES_MODE_SQLI_UNION' (environment variable): rasp.rules.mode.* keys are "
                        + "read from system properties and the config file only (a variable name cannot spell a rule id "
                        + "or an exclusion name)"), c.warnings());
    }

    @Test
    void warningsComeInTheOrderPropertyEnvironmentFile() throws IOException {
        sys.setProperty("rasp.config.file", configFile("rasp.mode=monitor", "rasp.evnets.file=x",
                "rasp.config.file=/etc/other.properties").toString());
        sys.setProperty("rasp.mdoe", "monitor");
        env.put("RASP_MDOE", "monitor");
        Path f = tmp.resolve("rasp.properties");
        assertEquals(Arrays.asList(
                "ignoring unknown key 'rasp.mdoe' (system property); did you mean rasp.mode?",
                "ignoring unknown key 'RASP_MDOE' (environment variable); did you mean RASP_MODE?",
                "ignoring key 'rasp.config.file' in " + f + ": a config file cannot name another one",
                "ignoring unknown key 'rasp.evnets.file' in " + f + "; did you mean rasp.events.file?"),
                resolve().warnings());
    }

    @Test
    void editDistanceCountsASwapAsOneEdit() {
        assertEquals(1, KnownKeys.distance("rasp.mdoe", "rasp.mode"));
        assertEquals(1, KnownKeys.distance("rasp.mod", "rasp.mode"));
        assertEquals(0, KnownKeys.distance("", ""));
        assertEquals(4, KnownKeys.distance("abcd", ""));
    }

    @Test
    void ruleFileSizeLimitIsAWholeNumberOfBytes() {
        assertEquals(64 << 20, resolve().rules().maxFileBytes());
        sys.setProperty("rasp.rules.max_file_bytes", "1048576");
        assertEquals(1048576, resolve().rules().maxFileBytes());
        sys.setProperty("rasp.rules.max_file_bytes", "64MB");
        assertEquals("rasp: bad value '64MB' for rasp.rules.max_file_bytes (RASP_RULES_MAX_FILE_BYTES): "
                + "use a whole number of bytes from 1 to 1073741824", badValueMessage());
    }

    @Test
    void engineConfigLines() {
        sys.setProperty("rasp.mode", "monitor");
        sys.setProperty("rasp.events.file", "-");
        sys.setProperty("rasp.request.max_input_bytes", "4096");
        sys.setProperty("rasp.request.on_overflow", "allow");
        String lines = new String(resolve().toEngineConfig("1.2.3"), StandardCharsets.UTF_8);
        assertEquals("mode=monitor\nevents_file=-\nmax_input_bytes=4096\non_overflow=allow\non_unparsable=block\n"
                + "agent_version=1.2.3\nrules.backend=auto\n", lines);
    }

    @Test
    void jndiAllowedHostsReachTheEngine() {
        env.put("RASP_JNDI_ALLOWED_HOSTS", " ldap.corp.example, 10.0.0.5 ");
        String lines = new String(resolve().toEngineConfig("1"), StandardCharsets.UTF_8);
        assertTrue(lines.contains("\njndi.allowed_hosts=ldap.corp.example, 10.0.0.5\n"), lines);
        env.put("RASP_JNDI_ALLOWED_HOSTS", "a\nmode=off");
        ConfigException e = assertThrows(ConfigException.class, this::resolve);
        assertTrue(e.getMessage().contains("rasp.jndi.allowed_hosts"), e.getMessage());
    }

    @Test
    void theDeserializationAllowListReachesTheEngine() {
        sys.setProperty("rasp.deser.allowed_classes", "com.example.Dto, java.util.*");
        String lines = new String(resolve().toEngineConfig("1.2.3"), StandardCharsets.UTF_8);
        assertTrue(lines.endsWith("rules.backend=auto\ndeser.allowed_classes=com.example.Dto, java.util.*\n"), lines);
        assertEquals("RASP_DESER_ALLOWED_CLASSES", ConfigKey.DESER_ALLOWED_CLASSES.environmentVariable);
        assertEquals("rasp: bad value '*' for rasp.deser.allowed_classes (RASP_DESER_ALLOWED_CLASSES): '*' is not a class name",
                AgentConfig.userFacingEngineError("bad value '*' for deser.allowed_classes: '*' is not a class name"));
    }

    @Test
    void engineInitErrorsNameTheUserFacingKey() {
        assertEquals("rasp: bad value '/x' for rasp.events.file (RASP_EVENTS_FILE): cannot open it; use a writable file path",
                AgentConfig.userFacingEngineError("bad value '/x' for events_file: cannot open it; use a writable file path\n"));
        assertEquals("rasp: bad value 'q' for rasp.sql.on_unparsable (RASP_SQL_ON_UNPARSABLE): use block, monitor or allow",
                AgentConfig.userFacingEngineError("rasp: bad value 'q' for on_unparsable: use block, monitor or allow"));
        assertEquals("rasp: engine failed", AgentConfig.userFacingEngineError("engine failed"));
    }
}
