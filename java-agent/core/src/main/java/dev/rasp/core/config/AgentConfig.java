package dev.rasp.core.config;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's resolved configuration.
 *
 * <p>Each key is looked up as a system property ({@code rasp.x.y}), then an environment variable
 * ({@code RASP_X_Y}), then a line of the config file, then the default; the first one found
 * wins and only that one is validated. A bad value is a {@link ConfigException} whose message
 * names the key, the environment variable and the fix.
 */
public final class AgentConfig {

    public enum Mode { BLOCK, MONITOR, OFF }

    /** Verdict for the cases the engine cannot decide on content (overflow, unparsable SQL). */
    public enum FallbackVerdict { BLOCK, MONITOR, ALLOW }

    /** What a check does when the agent itself fails. */
    public enum FailureMode { OPEN, CLOSED }

    public static final int MAX_INPUT_BYTES_DEFAULT = 1 << 20;
    /** The engine's own floor (EngineConfig::parse): below it the limit would cut ordinary headers. */
    public static final int MAX_INPUT_BYTES_MIN = 1024;
    /** Largest body buffer a Java array can hold comfortably; also bounds the engine's work per request. */
    public static final int MAX_INPUT_BYTES_LIMIT = 1 << 30;
    /** rasp.xxe.max_entity_expansions: the default is RaspHooks.ENTITY_EXPANSION_LIMIT_COUNT's. */
    public static final int XXE_MAX_ENTITY_EXPANSIONS_DEFAULT = 10_000;
    /** Far past any real document's entity use; also keeps the bridge's count clear of int overflow. */
    public static final int XXE_MAX_ENTITY_EXPANSIONS_LIMIT = 100_000_000;
    /** rasp.xxe.max_entity_chars: the default is RaspHooks.ENTITY_EXPANSION_LIMIT_CHARS's. */
    public static final int XXE_MAX_ENTITY_CHARS_DEFAULT = 10_000_000;
    /** About 4 GB of char data: past it a parse runs out of heap before any limit matters. */
    public static final int XXE_MAX_ENTITY_CHARS_LIMIT = 2_000_000_000;
    public static final String EVENTS_FILE_DEFAULT = "rasp-events.jsonl";
    public static final String EVENTS_TO_STDERR = "-";
    /** rasp.events.shutdown_timeout_ms: how long the shutdown hook waits for queued events. */
    public static final int EVENTS_SHUTDOWN_TIMEOUT_MS_DEFAULT = 2000;
    /** Past a minute a stop would look hung to whoever stops the application. */
    public static final int EVENTS_SHUTDOWN_TIMEOUT_MS_LIMIT = 60_000;

    private final Mode mode;
    private final String configFile;
    private final String eventsFile;
    private final File nativeDir;
    private final int maxInputBytes;
    private final FallbackVerdict onOverflow;
    private final FallbackVerdict onUnparsable;
    private final FailureMode onInternalError;
    private final RulesConfig rules;
    /** rasp.ssrf.allowed_hosts as written (the engine parses and checks it); empty for none. */
    private final String ssrfAllowedHosts;
    /** rasp.jndi.allowed_hosts as given (comma-separated), "" when unset. */
    private final String jndiAllowedHosts;
    /** rasp.deser.allowed_classes as written, or null: the allow-list mode of deserialization checks is off. */
    private final String deserAllowedClasses;
    private final int xxeMaxEntityExpansions;
    private final int xxeMaxEntityChars;
    private final int eventsShutdownTimeoutMs;
    /** rasp.jmx.enabled: register the dev.rasp:* MBeans on the platform MBean server. */
    private final boolean jmxEnabled;
    private final List<String> warnings;
    private final EventExportConfig eventExport;

    private AgentConfig(Mode mode, String configFile, String eventsFile, File nativeDir, int maxInputBytes,
                        FallbackVerdict onOverflow, FallbackVerdict onUnparsable, FailureMode onInternalError,
                        RulesConfig rules, String ssrfAllowedHosts, String jndiAllowedHosts, String deserAllowedClasses,
                        int xxeMaxEntityExpansions, int xxeMaxEntityChars, int eventsShutdownTimeoutMs,
                        boolean jmxEnabled, List<String> warnings, EventExportConfig eventExport) {
        this.mode = mode;
        this.configFile = configFile;
        this.eventsFile = eventsFile;
        this.nativeDir = nativeDir;
        this.maxInputBytes = maxInputBytes;
        this.onOverflow = onOverflow;
        this.onUnparsable = onUnparsable;
        this.onInternalError = onInternalError;
        this.rules = rules;
        this.ssrfAllowedHosts = ssrfAllowedHosts;
        this.jndiAllowedHosts = jndiAllowedHosts;
        this.deserAllowedClasses = deserAllowedClasses;
        this.xxeMaxEntityExpansions = xxeMaxEntityExpansions;
        this.xxeMaxEntityChars = xxeMaxEntityChars;
        this.eventsShutdownTimeoutMs = eventsShutdownTimeoutMs;
        this.jmxEnabled = jmxEnabled;
        this.warnings = Collections.unmodifiableList(warnings);
        this.eventExport = eventExport;
    }

    /** Resolves from this JVM's system properties and environment. */
    public static AgentConfig fromEnvironment() {
        return fromEnvironment(false);
    }

    /**
     * Resolves from this JVM's system properties and environment.
     *
     * @param springStarter the Spring Boot starter attaches the agent (its agent options): Spring's
     *                      spellings of the keys are then not reported as unknown
     */
    public static AgentConfig fromEnvironment(boolean springStarter) {
        return resolve(System.getProperties(), System.getenv(), springStarter);
    }

    /** As {@link #resolve(Properties, Map, boolean)} for an agent started with -javaagent. */
    public static AgentConfig resolve(Properties systemProperties, Map<String, String> environment) {
        return resolve(systemProperties, environment, false);
    }

    /**
     * @param systemProperties also supplies {@code user.dir} (relative paths) and {@code java.io.tmpdir}
     * @param springStarter see {@link #fromEnvironment(boolean)}
     * @throws ConfigException on the first bad value, in the order of {@link ConfigKey}
     */
    public static AgentConfig resolve(Properties systemProperties, Map<String, String> environment,
                                      boolean springStarter) {
        // Unknown names first, so that the warnings come out in the order: -D, environment, file.
        List<String> warnings = KnownKeys.unknown(systemProperties, environment, springStarter);
        String workingDir = systemProperties.getProperty("user.dir", ".");
        ConfigSources sources = new ConfigSources(systemProperties, environment, new Properties());

        String configFile = sources.lookup(ConfigKey.CONFIG_FILE);
        if (configFile != null) {
            sources = new ConfigSources(systemProperties, environment,
                    readConfigFile(configFile, workingDir, warnings));
        }

        Mode mode = Mode.valueOf(sources.choice(ConfigKey.MODE, "block", "use block, monitor or off",
                "block", "monitor", "off"));
        String eventsFile = eventsFile(sources, workingDir);
        File nativeDir = nativeDir(sources, systemProperties, workingDir);
        int maxInputBytes = maxInputBytes(sources);
        FallbackVerdict onOverflow = FallbackVerdict.valueOf(sources.choice(ConfigKey.ON_OVERFLOW, "block",
                "use block, monitor or allow", "block", "monitor", "allow"));
        FallbackVerdict onUnparsable = FallbackVerdict.valueOf(sources.choice(ConfigKey.ON_UNPARSABLE, "block",
                "use block, monitor or allow", "block", "monitor", "allow"));
        FailureMode onInternalError = FailureMode.valueOf(sources.choice(ConfigKey.ON_INTERNAL_ERROR, "open",
                "use open or closed", "open", "closed"));
        RulesConfig rules = RulesConfig.resolve(sources, workingDir);
        String allowed = sources.lookup(ConfigKey.SSRF_ALLOWED_HOSTS);
        String jndiAllowedHosts = jndiAllowedHosts(sources);
        // The engine checks the list's syntax; its error comes back through init with the key renamed.
        String deserAllowedClasses = sources.lookup(ConfigKey.DESER_ALLOWED_CLASSES);
        int xxeMaxEntityExpansions = sources.wholeNumber(ConfigKey.XXE_MAX_ENTITY_EXPANSIONS,
                XXE_MAX_ENTITY_EXPANSIONS_DEFAULT, 1, XXE_MAX_ENTITY_EXPANSIONS_LIMIT,
                "use a whole number of entity references from 1 to " + XXE_MAX_ENTITY_EXPANSIONS_LIMIT);
        int xxeMaxEntityChars = sources.wholeNumber(ConfigKey.XXE_MAX_ENTITY_CHARS, XXE_MAX_ENTITY_CHARS_DEFAULT, 1,
                XXE_MAX_ENTITY_CHARS_LIMIT, "use a whole number of characters from 1 to " + XXE_MAX_ENTITY_CHARS_LIMIT);
        int eventsShutdownTimeoutMs = sources.wholeNumber(ConfigKey.EVENTS_SHUTDOWN_TIMEOUT_MS,
                EVENTS_SHUTDOWN_TIMEOUT_MS_DEFAULT, 0, EVENTS_SHUTDOWN_TIMEOUT_MS_LIMIT,
                "use a whole number of milliseconds from 0 to " + EVENTS_SHUTDOWN_TIMEOUT_MS_LIMIT);
        boolean jmxEnabled = sources.choice(ConfigKey.JMX_ENABLED, "true", "use true or false", "true", "false")
                .equals("TRUE");
        return new AgentConfig(mode, configFile, eventsFile, nativeDir, maxInputBytes, onOverflow, onUnparsable,
                onInternalError, rules, allowed == null ? "" : allowed.trim(), jndiAllowedHosts, deserAllowedClasses,
                xxeMaxEntityExpansions, xxeMaxEntityChars, eventsShutdownTimeoutMs, jmxEnabled, warnings,
                EventExportConfig.resolve(sources, systemProperties, environment));
    }

    /** Host names, addresses or .domain suffixes, comma-separated; one engine line, so no line breaks. */
    private static String jndiAllowedHosts(ConfigSources sources) {
        String raw = sources.lookup(ConfigKey.JNDI_ALLOWED_HOSTS);
        if (raw == null) {
            return "";
        }
        String value = raw.trim();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw ConfigException.badValue(ConfigKey.JNDI_ALLOWED_HOSTS, raw,
                        "use comma-separated host names, addresses or .domain suffixes");
            }
        }
        return value;
    }

    private static Properties readConfigFile(String path, String workingDir, List<String> warnings) {
        File file = absolute(path, workingDir);
        Properties p = new Properties();
        if (path.trim().isEmpty() || !file.isFile()) {
            throw ConfigException.badValue(ConfigKey.CONFIG_FILE, path, "use the path of an existing properties file");
        }
        try (InputStream in = Files.newInputStream(file.toPath());
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw ConfigException.badValue(ConfigKey.CONFIG_FILE, path,
                    "use the path of a readable properties file (" + e.getClass().getSimpleName() + ": "
                            + ConfigException.printable(String.valueOf(e.getMessage())) + ")");
        }
        List<String> names = new ArrayList<String>(p.stringPropertyNames());
        Collections.sort(names);
        for (String name : names) {
            if (!KnownKeys.isKnownFileKey(name)) {
                warnings.add(KnownKeys.unknownFileKey(name, file));
            }
        }
        return p;
    }

    private static String eventsFile(ConfigSources sources, String workingDir) {
        String raw = sources.lookup(ConfigKey.EVENTS_FILE);
        if (raw == null) {
            return absolute(EVENTS_FILE_DEFAULT, workingDir).getPath();
        }
        String value = raw.trim();
        if (value.equals(EVENTS_TO_STDERR)) {
            return EVENTS_TO_STDERR;
        }
        String fix = "use a file path in an existing directory, or - for stderr";
        if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw ConfigException.badValue(ConfigKey.EVENTS_FILE, raw, fix);
        }
        File file = absolute(value, workingDir);
        File parent = file.getParentFile();
        if (file.isDirectory() || parent == null || !parent.isDirectory()) {
            throw ConfigException.badValue(ConfigKey.EVENTS_FILE, raw, fix);
        }
        return file.getPath();
    }

    private static File nativeDir(ConfigSources sources, Properties systemProperties, String workingDir) {
        String raw = sources.lookup(ConfigKey.NATIVE_DIR);
        if (raw == null) {
            return new File(systemProperties.getProperty("java.io.tmpdir", "/tmp"));
        }
        File dir = absolute(raw.trim(), workingDir);
        if (raw.trim().isEmpty() || !dir.isDirectory() || !dir.canWrite()) {
            throw ConfigException.badValue(ConfigKey.NATIVE_DIR, raw, "use an existing, writable directory");
        }
        return dir;
    }

    private static int maxInputBytes(ConfigSources sources) {
        return sources.wholeNumber(ConfigKey.MAX_INPUT_BYTES, MAX_INPUT_BYTES_DEFAULT, MAX_INPUT_BYTES_MIN, MAX_INPUT_BYTES_LIMIT,
                "use a whole number of bytes from " + MAX_INPUT_BYTES_MIN + " to " + MAX_INPUT_BYTES_LIMIT);
    }

    /** {@code path} as is when absolute, else resolved against the working directory. */
    static File absolute(String path, String workingDir) {
        File f = new File(path);
        return f.isAbsolute() ? f : new File(workingDir, path).getAbsoluteFile();
    }

    // ------------------------------------------------------------------ values

    public Mode mode() {
        return mode;
    }

    /** The config file that was read, or null. */
    public String configFile() {
        return configFile;
    }

    /** Absolute path, or "-" for stderr. */
    public String eventsFile() {
        return eventsFile;
    }

    public File nativeDir() {
        return nativeDir;
    }

    public int maxInputBytes() {
        return maxInputBytes;
    }

    public FallbackVerdict onOverflow() {
        return onOverflow;
    }

    public FallbackVerdict onUnparsable() {
        return onUnparsable;
    }

    public FailureMode onInternalError() {
        return onInternalError;
    }

    /** The rule set, its reloading, per-rule modes and exclusions. */
    public RulesConfig rules() {
        return rules;
    }

    /** rasp.jndi.allowed_hosts as given, "" when unset. */
    public String jndiAllowedHosts() {
        return jndiAllowedHosts;
    }

    /** rasp.xxe.max_entity_expansions: entity references one parse of a request's document may expand. */
    public int xxeMaxEntityExpansions() {
        return xxeMaxEntityExpansions;
    }

    /** rasp.xxe.max_entity_chars: characters of internal entities' replacement text one such parse may expand. */
    public int xxeMaxEntityChars() {
        return xxeMaxEntityChars;
    }

    /** rasp.events.shutdown_timeout_ms: how long the shutdown hook waits for queued events to be delivered. */
    public int eventsShutdownTimeoutMs() {
        return eventsShutdownTimeoutMs;
    }

    /** rasp.jmx.enabled: whether the agent registers its dev.rasp:* MBeans (default true). */
    public boolean jmxEnabled() {
        return jmxEnabled;
    }

    /** The OTLP and syslog destinations. */
    public EventExportConfig eventExport() {
        return eventExport;
    }

    /**
     * Non-fatal remarks, for the agent log at start: unknown {@code rasp.*} system properties,
     * {@code RASP_*} environment variables and config file keys, each with the nearest known key.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** The UTF-8 "key=value\n" lines NativeEngine.init expects. */
    public byte[] toEngineConfig(String agentVersion) {
        StringBuilder sb = new StringBuilder(256);
        line(sb, "mode", lower(mode));
        line(sb, "events_file", eventsFile);
        line(sb, "max_input_bytes", Integer.toString(maxInputBytes));
        line(sb, "on_overflow", lower(onOverflow));
        line(sb, "on_unparsable", lower(onUnparsable));
        line(sb, "agent_version", agentVersion);
        if (!ssrfAllowedHosts.isEmpty()) {
            line(sb, "ssrf.allowed_hosts", ssrfAllowedHosts.replace('\n', ' ').replace('\r', ' '));
        }
        if (!jndiAllowedHosts.isEmpty()) {
            line(sb, "jndi.allowed_hosts", jndiAllowedHosts);
        }
        rules.appendEngineLines(sb);
        if (deserAllowedClasses != null) {
            line(sb, "deser.allowed_classes", deserAllowedClasses.replace('\n', ' ').replace('\r', ' '));
        }
        eventExport.appendEngineLines(sb);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append('=').append(value).append('\n');
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * An engine key that names a dynamic agent key: {@code rules.mode.<id>} or
     * {@code exclusion.<name>.<field>}, not already part of a longer name.
     */
    private static final Pattern ENGINE_DYNAMIC_KEY = Pattern.compile(
            "(?<![\\w.])(rules\\.mode\\.[a-z0-9_]+(?:\\.[a-z0-9_]+)*|exclusion\\.[A-Za-z0-9_-]+\\.(?:routes|inputs|rules))\\b");

    /**
     * An init error of the engine as the one line the user sees: the engine names its own keys
     * ("for events_file:"); they become the user's ("for rasp.events.file (RASP_EVENTS_FILE):"),
     * in the same format as the agent's own bad-value lines. The dynamic keys
     * ({@code rules.mode.<id>}, {@code exclusion.<name>.<field>}) get their "rasp." back wherever
     * the engine names them (they have no environment variable).
     */
    public static String userFacingEngineError(String engineMessage) {
        String m = engineMessage.replace('\n', ' ').replace('\r', ' ').trim();
        String[][] keys = {
                {"mode", ConfigKey.MODE.name()}, {"events_file", ConfigKey.EVENTS_FILE.name()},
                {"max_input_bytes", ConfigKey.MAX_INPUT_BYTES.name()}, {"on_overflow", ConfigKey.ON_OVERFLOW.name()},
                {"on_unparsable", ConfigKey.ON_UNPARSABLE.name()}, {"rules.backend", ConfigKey.RULES_BACKEND.name()},
                {"ssrf.allowed_hosts", ConfigKey.SSRF_ALLOWED_HOSTS.name()},
                {"deser.allowed_classes", ConfigKey.DESER_ALLOWED_CLASSES.name()},
                {"events.otlp.endpoint", ConfigKey.EVENTS_OTLP_ENDPOINT.name()},
                {"events.otlp.protocol", ConfigKey.EVENTS_OTLP_PROTOCOL.name()},
                {"events.otlp.headers", ConfigKey.EVENTS_OTLP_HEADERS.name()},
                {"events.syslog.endpoint", ConfigKey.EVENTS_SYSLOG_ENDPOINT.name()},
                {"events.syslog.format", ConfigKey.EVENTS_SYSLOG_FORMAT.name()},
                {"events.syslog.facility", ConfigKey.EVENTS_SYSLOG_FACILITY.name()}};
        for (String[] k : keys) {
            ConfigKey key = ConfigKey.valueOf(k[1]);
            m = m.replace("for " + k[0] + ":", "for " + key.property + " (" + key.environmentVariable + "):");
        }
        Matcher dynamic = ENGINE_DYNAMIC_KEY.matcher(m);
        StringBuffer sb = new StringBuffer(m.length() + 16);
        while (dynamic.find()) {
            dynamic.appendReplacement(sb, Matcher.quoteReplacement("rasp." + dynamic.group(1)));
        }
        dynamic.appendTail(sb);
        m = sb.toString();
        return m.startsWith("rasp:") ? m : "rasp: " + m;
    }

    /** One-line summary for the start log. */
    public String describe() {
        return "mode=" + lower(mode) + ", events=" + eventsFile + ", max_input_bytes=" + maxInputBytes
                + ", on_overflow=" + lower(onOverflow) + ", on_unparsable=" + lower(onUnparsable)
                + ", on_internal_error=" + lower(onInternalError)
                + ", native_dir=" + nativeDir
                + ", " + rules.describe()
                + (deserAllowedClasses == null ? "" : ", deser.allowed_classes=" + deserAllowedClasses)
                + eventExport.describe()
                + (jmxEnabled ? "" : ", jmx=off")
                + (configFile == null ? "" : ", config=" + configFile);
    }
}
