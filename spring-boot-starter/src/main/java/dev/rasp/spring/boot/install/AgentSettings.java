package dev.rasp.spring.boot.install;

import dev.rasp.spring.boot.RaspConfigurationException;
import dev.rasp.spring.boot.RaspProperties;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.unit.DataSize;

/**
 * The {@code rasp.*} Spring properties as the agent's system properties, checked first.
 *
 * <p>The agent reads its configuration from system properties when it starts, and refuses a bad value
 * by failing its start (under attach: noisily, and the application runs on unprotected). So every
 * value is checked here with the agent's own rules and fixes (docs/rules.md §5,
 * docs/native-boundary.md), and a bad one stops the application with a {@link RaspConfigurationException}
 * naming the Spring key and where it was set. Only whether a rule id exists is left to the agent: it
 * knows the loaded rule set.
 *
 * <p>Only properties that are set are passed on; the agent's own defaults, environment variables and
 * config file keep working underneath.
 */
public final class AgentSettings {

    static final String MODE_FIX = "use block, monitor or off";
    static final String FALLBACK_FIX = "use block, monitor or allow";
    static final String FAILURE_FIX = "use open or closed";
    static final String BACKEND_FIX = "use auto, hyperscan or portable";
    static final long MAX_INPUT_BYTES_LIMIT = 1L << 30;
    static final String MAX_INPUT_FIX = "use a size from 1KB to 1GB (a whole number of bytes from 1024, or e.g. 512KB, 2MB)";
    /** The agent's ranges (AgentConfig.XXE_MAX_ENTITY_*_LIMIT). */
    static final int XXE_EXPANSIONS_LIMIT = 100_000_000;
    static final int XXE_CHARS_LIMIT = 2_000_000_000;
    static final String XXE_EXPANSIONS_FIX = "use a whole number of entity references from 1 to " + XXE_EXPANSIONS_LIMIT;
    static final String XXE_CHARS_FIX = "use a whole number of characters from 1 to " + XXE_CHARS_LIMIT;
    static final long MAX_RULE_FILE_BYTES_LIMIT = 1L << 30;
    static final String MAX_FILE_BYTES_FIX = "use a size from 1B to 1GB (a whole number of bytes, or e.g. 128MB)";
    static final int RELOAD_SECONDS_LIMIT = 86400;
    static final String RELOAD_FIX = "use a whole number of seconds from 0 (never reload) to " + RELOAD_SECONDS_LIMIT;
    static final String EVENTS_FIX = "use a file path in an existing directory, or - for stderr";
    static final String NATIVE_DIR_FIX = "use an existing, writable directory";
    static final String CONFIG_FILE_FIX = "use the path of an existing properties file";
    static final String RULES_FILE_FIX = "use the path of an existing, readable rule file (made by rasp rules compile)";
    static final String RULE_ID_FIX = "a rule id is lower-case segments of a-z, 0-9 and _ joined by '.', e.g. sqli.union";
    static final String EXCLUSION_NAME_FIX = "an exclusion name is letters, digits, _ and -";
    static final String EXCLUSION_EMPTY_FIX = "set at least one of routes, inputs and rules";
    static final String ROUTES_FIX = "use comma-separated path globs starting with / "
            + "(* within a segment, ** as a whole segment for any depth; no ?, [], {}, \\, . or ..), e.g. /api/**";
    static final String INPUTS_FIX = "use comma-separated input names, or source:name with source one of "
            + "query, form, header, cookie, path, json, multipart, body";
    static final String RULES_FIX = "use comma-separated rule ids or prefixes, e.g. sqli.tautology,sql.policy.*";

    static final String BOOLEAN_FIX = "use true or false";
    /** The agent's range (AgentConfig.EVENTS_SHUTDOWN_TIMEOUT_MS_LIMIT). */
    static final long SHUTDOWN_TIMEOUT_MS_LIMIT = 60_000;
    static final String SHUTDOWN_TIMEOUT_FIX = "use a whole number of milliseconds from 0 to " + SHUTDOWN_TIMEOUT_MS_LIMIT
            + ", or a duration up to 60s, e.g. 2s or 1500ms";
    /** The agent's EventExportConfig and the engine's events config, word for word. */
    static final String OTLP_TLS_FIX = "TLS is not supported yet; use an http:// URL (a collector on this host or network, "
            + "which may forward over TLS)";
    static final String OTLP_ENDPOINT_FIX = "use an http://host:port URL, e.g. http://127.0.0.1:4318";
    static final String OTLP_PROTOCOL_FIX = "use http/protobuf or http/json (grpc is not supported)";
    static final String OTLP_HEADERS_FIX = "use name=value pairs separated by commas (values percent-encoded)";
    static final String SYSLOG_ENDPOINT_FIX = "use udp://host:port or tcp://host:port, e.g. udp://127.0.0.1:514";
    static final String SYSLOG_FORMAT_FIX = "use rfc5424 or cef";
    static final String SYSLOG_FACILITY_FIX =
            "use a facility name (user, daemon, auth, authpriv, local0 to local7, ...) or a number from 0 to 23";
    static final List<String> SYSLOG_FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
            "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2", "local3",
            "local4", "local5", "local6", "local7");
    static final Pattern SYSLOG_ENDPOINT = Pattern.compile("(udp|tcp)://(\\[[0-9A-Fa-f:.]+\\]|[^\\s/:\\[\\]]+):[0-9]{1,5}");
    /** An HTTP header name (RFC 9110 token), as the engine checks it. */
    static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    static final Pattern RULE_ID = Pattern.compile("[a-z0-9_]+(?:\\.[a-z0-9_]+)+");
    static final Pattern RULE_PREFIX = Pattern.compile("[a-z0-9_]+(?:\\.[a-z0-9_]+)*\\.\\*");
    static final Pattern EXCLUSION_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    static final List<String> INPUT_SOURCES = List.of("query", "form", "header", "cookie", "path", "json", "multipart", "body",
            "xml", "websocket", "zip-entry", "parameter");

    /** The Spring names of the scalar keys, for blank values and the unknown-key warning. */
    static final List<String> SCALAR_KEYS = List.of("rasp.mode", "rasp.on-internal-error", "rasp.config.file",
            "rasp.events.file", "rasp.native.dir", "rasp.request.max-input-bytes", "rasp.request.on-overflow",
            "rasp.sql.on-unparsable", "rasp.rules.file", "rasp.rules.reload-seconds", "rasp.rules.backend",
            "rasp.attach.enabled", "rasp.attach.required", "rasp.attach.timeout", "rasp.attach.background", "rasp.attach.early",
            "rasp.xxe.max-entity-expansions",
            "rasp.xxe.max-entity-chars", "rasp.rules.max-file-bytes", "rasp.jmx.enabled", "rasp.events.shutdown-timeout",
            "rasp.events.otlp.enabled", "rasp.events.otlp.endpoint", "rasp.events.otlp.protocol", "rasp.events.otlp.headers",
            "rasp.events.syslog.endpoint", "rasp.events.syslog.format", "rasp.events.syslog.facility");

    /** Keys where a blank value means something to the agent: no headers (over OTEL_EXPORTER_OTLP_HEADERS). */
    static final List<String> BLANK_ALLOWED = List.of("rasp.events.otlp.headers");

    /** The agent's own spelling of the same keys (a -D on the command line uses it). */
    static final List<String> AGENT_KEYS = List.of("rasp.on_internal_error", "rasp.request.max_input_bytes",
            "rasp.request.on_overflow", "rasp.sql.on_unparsable", "rasp.rules.reload_seconds", "rasp.ssrf.allowed_hosts",
            "rasp.jndi.allowed_hosts", "rasp.deser.allowed_classes", "rasp.xxe.max_entity_expansions",
            "rasp.xxe.max_entity_chars", "rasp.rules.max_file_bytes", "rasp.events.shutdown_timeout_ms");

    /** One agent key to set: its value, and the Spring key and origin it came from. */
    public record Setting(String agentKey, String value, String springKey, String origin) {
    }

    private final RaspProperties properties;
    private final Map<String, Setting> settings;
    private final List<String> unknownKeys;

    private AgentSettings(RaspProperties properties, Map<String, Setting> settings, List<String> unknownKeys) {
        this.properties = properties;
        this.settings = Collections.unmodifiableMap(settings);
        this.unknownKeys = List.copyOf(unknownKeys);
    }

    /**
     * Binds and checks {@code rasp.*}.
     *
     * @throws RaspConfigurationException for the first bad value
     */
    public static AgentSettings resolve(ConfigurableEnvironment environment) {
        Sources sources = new Sources(environment);
        RaspProperties p;
        try {
            p = Binder.get(environment).bind("rasp", RaspProperties.class).orElseGet(RaspProperties::new);
        } catch (BindException e) {
            throw bindFailure(e, sources);
        }
        for (String key : SCALAR_KEYS) {
            ConfigurationProperty raw = sources.find(key);
            if (raw != null && !BLANK_ALLOWED.contains(key) && raw.getValue() instanceof CharSequence s && s.toString().isBlank()) {
                throw new RaspConfigurationException(key, s.toString(), sources.origin(raw), fixFor(key));
            }
        }
        String workingDir = System.getProperty("user.dir", ".");
        Map<String, Setting> out = new LinkedHashMap<>();
        put(out, sources, "rasp.mode", "rasp.mode", lower(p.getMode()));
        put(out, sources, "rasp.on-internal-error", "rasp.on_internal_error", lower(p.getOnInternalError()));
        put(out, sources, "rasp.config.file", "rasp.config.file",
                checkFile(sources, "rasp.config.file", p.getConfig().getFile(), workingDir, CONFIG_FILE_FIX));
        put(out, sources, "rasp.events.file", "rasp.events.file", checkEventsFile(sources, p.getEvents().getFile(), workingDir));
        put(out, sources, "rasp.native.dir", "rasp.native.dir", checkNativeDir(sources, p.getNative().getDir(), workingDir));
        put(out, sources, "rasp.request.max-input-bytes", "rasp.request.max_input_bytes",
                checkMaxInput(sources, p.getRequest().getMaxInputBytes()));
        put(out, sources, "rasp.request.on-overflow", "rasp.request.on_overflow", lower(p.getRequest().getOnOverflow()));
        put(out, sources, "rasp.sql.on-unparsable", "rasp.sql.on_unparsable", lower(p.getSql().getOnUnparsable()));
        put(out, sources, "rasp.rules.file", "rasp.rules.file",
                checkFile(sources, "rasp.rules.file", p.getRules().getFile(), workingDir, RULES_FILE_FIX));
        Integer reload = p.getRules().getReloadSeconds();
        if (reload != null && (reload < 0 || reload > RELOAD_SECONDS_LIMIT)) {
            throw bad(sources, "rasp.rules.reload-seconds", sources.raw("rasp.rules.reload-seconds", reload.toString()), RELOAD_FIX);
        }
        put(out, sources, "rasp.rules.reload-seconds", "rasp.rules.reload_seconds", reload == null ? null : reload.toString());
        put(out, sources, "rasp.rules.backend", "rasp.rules.backend", lower(p.getRules().getBackend()));
        put(out, sources, "rasp.rules.max-file-bytes", "rasp.rules.max_file_bytes",
                checkMaxFileBytes(sources, p.getRules().getMaxFileBytes()));
        List<String> allowed = p.getSsrf().getAllowedHosts();
        if (allowed != null && !allowed.isEmpty()) {
            // The agent's engine parses and checks the entries; a bad one stops the attach naming the key.
            put(out, sources, "rasp.ssrf.allowed-hosts", "rasp.ssrf.allowed_hosts",
                    String.join(",", allowed.stream().map(String::trim).toList()));
        }
        List<String> jndiHosts = p.getJndi().getAllowedHosts();
        if (!jndiHosts.isEmpty()) {
            put(out, sources, "rasp.jndi.allowed-hosts", "rasp.jndi.allowed_hosts", String.join(",", jndiHosts));
        }
        ruleModes(out, sources, p.getRules().getMode());
        exclusions(out, sources, p.getExclusion());
        deserAllowedClasses(out, sources, p.getDeser().getAllowedClasses());
        put(out, sources, "rasp.xxe.max-entity-expansions", "rasp.xxe.max_entity_expansions",
                checkRange(sources, "rasp.xxe.max-entity-expansions", p.getXxe().getMaxEntityExpansions(),
                        XXE_EXPANSIONS_LIMIT, XXE_EXPANSIONS_FIX));
        put(out, sources, "rasp.xxe.max-entity-chars", "rasp.xxe.max_entity_chars",
                checkRange(sources, "rasp.xxe.max-entity-chars", p.getXxe().getMaxEntityChars(), XXE_CHARS_LIMIT,
                        XXE_CHARS_FIX));
        java.time.Duration timeout = p.getAttach().getTimeout();
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw bad(sources, "rasp.attach.timeout", sources.raw("rasp.attach.timeout", String.valueOf(timeout)),
                    fixFor("rasp.attach.timeout"));
        }
        eventExport(out, sources, p.getEvents());
        Boolean jmx = p.getJmx().getEnabled();
        put(out, sources, "rasp.jmx.enabled", "rasp.jmx.enabled", jmx == null ? null : jmx.toString());
        return new AgentSettings(p, out, sources.unknownRaspKeys());
    }

    public RaspProperties properties() {
        return properties;
    }

    /** Agent key to setting, in a stable order. */
    public Map<String, Setting> settings() {
        return settings;
    }

    /** rasp.* keys set outside the environment variables that are none of the starter's (likely typos). */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    /**
     * Sets each agent key as a system property unless one is set already (a {@code -D} on the command
     * line is the agent's highest-precedence source and stays so). Returns one line per key where the
     * {@code -D} value differs from the Spring one.
     */
    public List<String> applyTo(Properties systemProperties) {
        List<String> conflicts = new ArrayList<>();
        for (Setting s : settings.values()) {
            String existing = systemProperties.getProperty(s.agentKey());
            if (existing == null) {
                systemProperties.setProperty(s.agentKey(), s.value());
            } else if (!existing.trim().equalsIgnoreCase(s.value())) {
                conflicts.add("-D" + s.agentKey() + "=" + existing + " wins over " + s.springKey() + "=" + s.value()
                        + (s.origin() == null ? "" : " (" + s.origin() + ")"));
            }
        }
        return conflicts;
    }

    // ------------------------------------------------------------------ checks

    private static void put(Map<String, Setting> out, Sources sources, String springKey, String agentKey, String value) {
        if (value != null) {
            out.put(agentKey, new Setting(agentKey, value, springKey, sources.origin(springKey)));
        }
    }

    private static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }

    private static RaspConfigurationException bad(Sources sources, String key, String value, String fix) {
        return new RaspConfigurationException(key, value, sources.origin(key), fix);
    }

    private static File absolute(String path, String workingDir) {
        File f = new File(path);
        return f.isAbsolute() ? f : new File(workingDir, path).getAbsoluteFile();
    }

    private static String checkFile(Sources sources, String key, String raw, String workingDir, String fix) {
        if (raw == null) {
            return null;
        }
        String value = raw.trim();
        File f = absolute(value, workingDir);
        if (value.isEmpty() || !f.isFile() || !f.canRead()) {
            throw bad(sources, key, raw, fix);
        }
        return value;
    }

    private static String checkEventsFile(Sources sources, String raw, String workingDir) {
        if (raw == null) {
            return null;
        }
        String value = raw.trim();
        if (value.equals("-")) {
            return value;
        }
        if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw bad(sources, "rasp.events.file", raw, EVENTS_FIX);
        }
        File f = absolute(value, workingDir);
        File parent = f.getParentFile();
        if (f.isDirectory() || parent == null || !parent.isDirectory()) {
            throw bad(sources, "rasp.events.file", raw, EVENTS_FIX);
        }
        return value;
    }

    private static String checkNativeDir(Sources sources, String raw, String workingDir) {
        if (raw == null) {
            return null;
        }
        File dir = absolute(raw.trim(), workingDir);
        if (raw.trim().isEmpty() || !dir.isDirectory() || !dir.canWrite()) {
            throw bad(sources, "rasp.native.dir", raw, NATIVE_DIR_FIX);
        }
        return raw.trim();
    }

    /** A whole number from 1 to {@code max}, as the agent takes it; null when unset. */
    private static String checkRange(Sources sources, String key, Integer value, int max, String fix) {
        if (value == null) {
            return null;
        }
        if (value < 1 || value > max) {
            throw bad(sources, key, sources.raw(key, value.toString()), fix);
        }
        return value.toString();
    }

    private static String checkMaxInput(Sources sources, DataSize size) {
        if (size == null) {
            return null;
        }
        long bytes = size.toBytes();
        if (bytes < 1024 || bytes > MAX_INPUT_BYTES_LIMIT) {
            throw bad(sources, "rasp.request.max-input-bytes", sources.raw("rasp.request.max-input-bytes", size.toString()),
                    MAX_INPUT_FIX);
        }
        return Long.toString(bytes);
    }

    /** The agent's rasp.rules.max_file_bytes range (RulesConfig.MAX_FILE_BYTES_LIMIT); null when unset. */
    private static String checkMaxFileBytes(Sources sources, DataSize size) {
        if (size == null) {
            return null;
        }
        long bytes = size.toBytes();
        if (bytes < 1 || bytes > MAX_RULE_FILE_BYTES_LIMIT) {
            throw bad(sources, "rasp.rules.max-file-bytes", sources.raw("rasp.rules.max-file-bytes", size.toString()),
                    MAX_FILE_BYTES_FIX);
        }
        return Long.toString(bytes);
    }

    /** The shutdown wait and the OTLP and syslog destinations, checked as the agent's EventExportConfig and engine do. */
    private static void eventExport(Map<String, Setting> out, Sources sources, RaspProperties.Events events) {
        java.time.Duration wait = events.getShutdownTimeout();
        if (wait != null) {
            if (wait.isNegative() || wait.toNanos() % 1_000_000 != 0 || wait.toMillis() > SHUTDOWN_TIMEOUT_MS_LIMIT) {
                throw bad(sources, "rasp.events.shutdown-timeout", sources.raw("rasp.events.shutdown-timeout", wait.toString()),
                        SHUTDOWN_TIMEOUT_FIX);
            }
            put(out, sources, "rasp.events.shutdown-timeout", "rasp.events.shutdown_timeout_ms", Long.toString(wait.toMillis()));
        }
        RaspProperties.Otlp otlp = events.getOtlp();
        Boolean enabled = otlp.getEnabled();
        put(out, sources, "rasp.events.otlp.enabled", "rasp.events.otlp.enabled", enabled == null ? null : enabled.toString());
        String endpoint = otlp.getEndpoint();
        if (endpoint != null) {
            // The agent reads the endpoint only when OTLP is on: with enabled=false a bad one is harmless there too.
            String url = endpoint.trim();
            String problem = Boolean.FALSE.equals(enabled) ? null : httpUrlProblem(url);
            if (problem != null) {
                throw bad(sources, "rasp.events.otlp.endpoint", endpoint, problem);
            }
            put(out, sources, "rasp.events.otlp.endpoint", "rasp.events.otlp.endpoint", url);
        }
        put(out, sources, "rasp.events.otlp.protocol", "rasp.events.otlp.protocol",
                choice(sources, "rasp.events.otlp.protocol", otlp.getProtocol(), OTLP_PROTOCOL_FIX, "http/protobuf", "http/json"));
        String headers = otlp.getHeaders();
        if (headers != null) {
            String line = oneLine(headers);
            if (!validHeaders(line)) {
                throw bad(sources, "rasp.events.otlp.headers", headers, OTLP_HEADERS_FIX);
            }
            put(out, sources, "rasp.events.otlp.headers", "rasp.events.otlp.headers", line);
        }
        RaspProperties.Syslog syslog = events.getSyslog();
        String target = syslog.getEndpoint();
        if (target != null) {
            String t = target.trim();
            int port = SYSLOG_ENDPOINT.matcher(t).matches() ? Integer.parseInt(t.substring(t.lastIndexOf(':') + 1)) : 0;
            if (port < 1 || port > 65535) {
                throw bad(sources, "rasp.events.syslog.endpoint", target, SYSLOG_ENDPOINT_FIX);
            }
            put(out, sources, "rasp.events.syslog.endpoint", "rasp.events.syslog.endpoint", t);
        }
        put(out, sources, "rasp.events.syslog.format", "rasp.events.syslog.format",
                choice(sources, "rasp.events.syslog.format", syslog.getFormat(), SYSLOG_FORMAT_FIX, "rfc5424", "cef"));
        String facility = syslog.getFacility();
        if (facility != null) {
            String f = facility.trim().toLowerCase(Locale.ROOT);
            if (!(f.matches("[0-9]{1,2}") && Integer.parseInt(f) <= 23 || SYSLOG_FACILITIES.contains(f))) {
                throw bad(sources, "rasp.events.syslog.facility", facility, SYSLOG_FACILITY_FIX);
            }
            put(out, sources, "rasp.events.syslog.facility", "rasp.events.syslog.facility", f);
        }
    }

    /** One of {@code allowed}, case-insensitive and trimmed as the agent takes it; null when unset. */
    private static String choice(Sources sources, String key, String raw, String fix, String... allowed) {
        if (raw == null) {
            return null;
        }
        String value = raw.trim().toLowerCase(Locale.ROOT);
        if (!List.of(allowed).contains(value)) {
            throw bad(sources, key, raw, fix);
        }
        return value;
    }

    /** The agent's EventExportConfig.httpUrlProblem: why the URL cannot be sent to, or null. */
    static String httpUrlProblem(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            return OTLP_TLS_FIX;
        }
        if (!lower.startsWith("http://") || url.length() == "http://".length() || url.matches(".*[\\s\\p{Cntrl}@].*")) {
            return OTLP_ENDPOINT_FIX;
        }
        return null;
    }

    /** The agent hands the engine one line: line breaks become blanks. */
    private static String oneLine(String value) {
        return value.replace('\n', ' ').replace('\r', ' ').trim();
    }

    /**
     * The engine's check of {@code name=value,…} (events/config.rs headers): blank entries skipped, a token name,
     * a value that percent-decodes (invalid escapes kept as they are) to UTF-8 without control characters.
     */
    static boolean validHeaders(String list) {
        for (String entry : list.split(",", -1)) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0 || !HEADER_NAME.matcher(entry.substring(0, eq).strip()).matches()) {
                return false;
            }
            String value = percentDecode(entry.substring(eq + 1).strip());
            if (value == null || value.codePoints().anyMatch(Character::isISOControl)) {
                return false;
            }
        }
        return true;
    }

    /** Percent-decoding as Rust's percent_decode_str (a % without two hex digits stays), then strict UTF-8; null if not UTF-8. */
    private static String percentDecode(String s) {
        byte[] in = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && Character.digit(in[i + 1], 16) >= 0 && Character.digit(in[i + 2], 16) >= 0) {
                bytes.write(Character.digit(in[i + 1], 16) * 16 + Character.digit(in[i + 2], 16));
                i += 2;
            } else {
                bytes.write(in[i]);
            }
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static void ruleModes(Map<String, Setting> out, Sources sources, Map<String, RaspProperties.RuleMode> modes) {
        for (Map.Entry<String, RaspProperties.RuleMode> e : modes.entrySet()) {
            String key = "rasp.rules.mode." + e.getKey();
            if (!RULE_ID.matcher(e.getKey()).matches()) {
                throw new RaspConfigurationException(key, null, sources.originOfEntry("rasp.rules.mode", e.getKey()),
                        RULE_ID_FIX);
            }
            if (e.getValue() == null) {
                throw new RaspConfigurationException(key, "", sources.originOfEntry("rasp.rules.mode", e.getKey()), MODE_FIX);
            }
            String agentKey = "rasp.rules.mode." + e.getKey();
            out.put(agentKey, new Setting(agentKey, lower(e.getValue()), key, sources.originOfEntry("rasp.rules.mode", e.getKey())));
        }
    }

    private enum Item { ROUTE, INPUT, RULE }

    private static void exclusions(Map<String, Setting> out, Sources sources, Map<String, RaspProperties.Exclusion> exclusions) {
        for (Map.Entry<String, RaspProperties.Exclusion> e : exclusions.entrySet()) {
            String name = e.getKey();
            String base = "rasp.exclusion." + name;
            if (!EXCLUSION_NAME.matcher(name).matches()) {
                throw new RaspConfigurationException(base, null, sources.originOfEntry("rasp.exclusion", name), EXCLUSION_NAME_FIX);
            }
            RaspProperties.Exclusion x = e.getValue();
            int fields = 0;
            fields += exclusionField(out, sources, base, "routes", x.getRoutes(), ROUTES_FIX, Item.ROUTE);
            fields += exclusionField(out, sources, base, "inputs", x.getInputs(), INPUTS_FIX, Item.INPUT);
            fields += exclusionField(out, sources, base, "rules", x.getRules(), RULES_FIX, Item.RULE);
            if (fields == 0) {
                throw new RaspConfigurationException(base, null, sources.originOfEntry("rasp.exclusion", name), EXCLUSION_EMPTY_FIX);
            }
        }
    }

    private static int exclusionField(Map<String, Setting> out, Sources sources, String base, String field, List<String> items,
                                      String fix, Item kind) {
        String key = base + "." + field;
        if (items == null || items.isEmpty()) {
            ConfigurationProperty raw = sources.find(key);
            if (raw != null) {
                throw new RaspConfigurationException(key, String.valueOf(raw.getValue()), sources.origin(raw), fix);
            }
            return 0;
        }
        List<String> clean = new ArrayList<>();
        for (String item : items) {
            String v = item == null ? "" : item.trim();
            if (!validItem(kind, v)) {
                throw new RaspConfigurationException(key, String.join(",", items), sources.origin(key), fix);
            }
            clean.add(v);
        }
        out.put(key, new Setting(key, String.join(",", clean), key, sources.origin(key)));
        return 1;
    }

    static boolean validItem(Item kind, String item) {
        if (item.isEmpty()) {
            return false;
        }
        for (int i = 0; i < item.length(); i++) {
            char c = item.charAt(i);
            if (c <= ' ' || c == 0x7f || c == ',') {
                return false;
            }
        }
        switch (kind) {
            case ROUTE:
                if (item.charAt(0) != '/') {
                    return false;
                }
                // The agent's RulesConfig.validRoute: a route it would refuse must stop here, not fail its start.
                for (int i = 0; i < item.length(); i++) {
                    if ("?[]{}\\".indexOf(item.charAt(i)) >= 0) {
                        return false;
                    }
                }
                for (String segment : item.substring(1).split("/", -1)) {
                    if (segment.contains("**") && !segment.equals("**") || segment.equals(".") || segment.equals("..")) {
                        return false;
                    }
                }
                return true;
            case INPUT:
                int colon = item.indexOf(':');
                return colon < 0 || colon < item.length() - 1 && INPUT_SOURCES.contains(item.substring(0, colon));
            default:
                return RULE_ID.matcher(item).matches() || RULE_PREFIX.matcher(item).matches();
        }
    }

    // ------------------------------------------------------------------ bind failures

    /** A value Spring could not convert (a mode that is no mode, a size that is no size): the same report. */
    private static RaspConfigurationException bindFailure(BindException e, Sources sources) {
        ConfigurationProperty property = e.getProperty();
        String name = e.getName().toString();
        String value = property == null ? null : String.valueOf(property.getValue());
        String origin = property == null ? sources.origin(name) : sources.origin(property);
        return new RaspConfigurationException(displayName(name), value, origin, fixFor(name), e);
    }

    /** {@code rasp.rules.mode[sqli.union]} as the agent's and the README's {@code rasp.rules.mode.sqli.union}. */
    private static String displayName(String name) {
        return name.replace("[", ".").replace("]", "");
    }

    static String fixFor(String springName) {
        String n = displayName(springName);
        if (n.startsWith("rasp.rules.mode.")) {
            return MODE_FIX;
        }
        if (n.startsWith("rasp.exclusion.")) {
            return n.endsWith(".routes") ? ROUTES_FIX : n.endsWith(".inputs") ? INPUTS_FIX
                    : n.endsWith(".rules") ? RULES_FIX : EXCLUSION_NAME_FIX;
        }
        switch (n) {
            case "rasp.mode":
                return MODE_FIX;
            case "rasp.on-internal-error":
                return FAILURE_FIX;
            case "rasp.request.on-overflow":
            case "rasp.sql.on-unparsable":
                return FALLBACK_FIX;
            case "rasp.request.max-input-bytes":
                return MAX_INPUT_FIX;
            case "rasp.rules.reload-seconds":
                return RELOAD_FIX;
            case "rasp.rules.max-file-bytes":
                return MAX_FILE_BYTES_FIX;
            case "rasp.xxe.max-entity-expansions":
                return XXE_EXPANSIONS_FIX;
            case "rasp.xxe.max-entity-chars":
                return XXE_CHARS_FIX;
            case "rasp.rules.backend":
                return BACKEND_FIX;
            case "rasp.events.file":
                return EVENTS_FIX;
            case "rasp.native.dir":
                return NATIVE_DIR_FIX;
            case "rasp.config.file":
                return CONFIG_FILE_FIX;
            case "rasp.rules.file":
                return RULES_FILE_FIX;
            case "rasp.attach.enabled":
            case "rasp.attach.required":
            case "rasp.attach.background":
            case "rasp.attach.early":
            case "rasp.jmx.enabled":
            case "rasp.events.otlp.enabled":
                return BOOLEAN_FIX;
            case "rasp.events.shutdown-timeout":
                return SHUTDOWN_TIMEOUT_FIX;
            case "rasp.events.otlp.endpoint":
                return OTLP_ENDPOINT_FIX;
            case "rasp.events.otlp.protocol":
                return OTLP_PROTOCOL_FIX;
            case "rasp.events.otlp.headers":
                return OTLP_HEADERS_FIX;
            case "rasp.events.syslog.endpoint":
                return SYSLOG_ENDPOINT_FIX;
            case "rasp.events.syslog.format":
                return SYSLOG_FORMAT_FIX;
            case "rasp.events.syslog.facility":
                return SYSLOG_FACILITY_FIX;
            case "rasp.attach.timeout":
                return "use a positive duration, e.g. 60s";
            default:
                return "see the rasp.* property table in the README";
        }
    }

    /** A class name, package.* or package.** (the engine's deser.allowed_classes items). */
    static final Pattern CLASS_PATTERN = Pattern.compile("[A-Za-z0-9_$]+(?:\\.[A-Za-z0-9_$]+)*(?:\\.\\*\\*?)?");
    static final String DESER_FIX = "use class names, package.* or package.** (e.g. com.example.dto.*)";

    private static void deserAllowedClasses(Map<String, Setting> out, Sources sources, List<String> items) {
        if (items == null || items.isEmpty()) {
            return;
        }
        String key = "rasp.deser.allowed-classes";
        for (String item : items) {
            if (item == null || !CLASS_PATTERN.matcher(item.trim()).matches()) {
                throw bad(sources, key, sources.raw(key, String.join(",", items)), DESER_FIX);
            }
        }
        put(out, sources, key, "rasp.deser.allowed_classes",
                String.join(",", items.stream().map(String::trim).toList()));
    }

    // ------------------------------------------------------------------ where values come from

    /** The environment's property sources as Spring's binder sees them, for raw values and origins. */
    static final class Sources {
        private final Iterable<ConfigurationPropertySource> sources;

        Sources(ConfigurableEnvironment environment) {
            this.sources = ConfigurationPropertySources.get(environment);
        }

        /** The property the binder would use for this name (the first source that has it), or null. */
        ConfigurationProperty find(String name) {
            ConfigurationPropertyName n = ConfigurationPropertyName.ofIfValid(name);
            if (n == null) {
                return null;
            }
            for (ConfigurationPropertySource s : sources) {
                ConfigurationProperty p = s.getConfigurationProperty(n);
                if (p != null) {
                    return p;
                }
            }
            return null;
        }

        String raw(String name, String fallback) {
            ConfigurationProperty p = find(name);
            return p == null ? fallback : String.valueOf(p.getValue());
        }

        String origin(String name) {
            ConfigurationProperty p = find(name);
            return p == null ? null : origin(p);
        }

        String origin(ConfigurationProperty p) {
            return p.getOrigin() == null ? "from property source with name '" + p.getName() + "'" : p.getOrigin().toString();
        }

        /**
         * Where a map entry was set: {@code rasp.rules.mode.sqli.union} in a properties file,
         * {@code rasp.rules.mode[sqli.union]} in YAML or bracket notation. Null when not found.
         */
        String originOfEntry(String mapName, String key) {
            ConfigurationPropertyName root = ConfigurationPropertyName.of(mapName);
            for (ConfigurationPropertySource s : sources) {
                if (!(s instanceof IterableConfigurationPropertySource iterable)) {
                    continue;
                }
                for (ConfigurationPropertyName n : iterable) {
                    if (root.isAncestorOf(n) && (entryKey(root, n).equals(key) || entryKey(root, n).startsWith(key + "."))) {
                        ConfigurationProperty p = s.getConfigurationProperty(n);
                        if (p != null) {
                            return origin(p);
                        }
                    }
                }
            }
            return null;
        }

        private static String entryKey(ConfigurationPropertyName root, ConfigurationPropertyName n) {
            StringBuilder b = new StringBuilder();
            for (int i = root.getNumberOfElements(); i < n.getNumberOfElements(); i++) {
                b.append(b.length() == 0 ? "" : ".").append(n.getElement(i, ConfigurationPropertyName.Form.ORIGINAL));
            }
            return b.toString();
        }

        /** rasp.* names the starter does not know, with their origin, except those from environment variables. */
        List<String> unknownRaspKeys() {
            ConfigurationPropertyName rasp = ConfigurationPropertyName.of("rasp");
            ConfigurationPropertyName modes = ConfigurationPropertyName.of("rasp.rules.mode");
            ConfigurationPropertyName exclusions = ConfigurationPropertyName.of("rasp.exclusion");
            ConfigurationPropertyName allowedHosts = ConfigurationPropertyName.of("rasp.ssrf.allowed-hosts");
            ConfigurationPropertyName jndiHosts = ConfigurationPropertyName.of("rasp.jndi.allowed-hosts");
            ConfigurationPropertyName deser = ConfigurationPropertyName.of("rasp.deser.allowed-classes");
            List<ConfigurationPropertyName> known = new ArrayList<>();
            for (String k : SCALAR_KEYS) {
                known.add(ConfigurationPropertyName.of(k));
            }
            // Spring drops an underscore from a name as it does a dash, so most agent spellings match their
            // Spring key; one that differs by more (shutdown_timeout_ms) is neither bound nor passed on, so it
            // is quiet only as a -D, which the agent reads itself.
            List<ConfigurationPropertyName> agentSpelling = new ArrayList<>();
            for (String k : AGENT_KEYS) {
                agentSpelling.add(ConfigurationPropertyName.adapt(k, '.'));
            }
            List<String> unknown = new ArrayList<>();
            for (ConfigurationPropertySource s : sources) {
                if (!(s instanceof IterableConfigurationPropertySource iterable)
                        || StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(underlyingName(s))) {
                    continue;
                }
                boolean systemProperties = StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(underlyingName(s));
                for (ConfigurationPropertyName n : iterable) {
                    String text = n.toString();
                    if (!rasp.isAncestorOf(n) || modes.isAncestorOf(n) || exclusions.isAncestorOf(n) || known.contains(n)
                            || systemProperties && agentSpelling.contains(n)
                            || allowedHosts.equals(n) || allowedHosts.isAncestorOf(n)
                            || jndiHosts.equals(n) || jndiHosts.isAncestorOf(n)
                            || deser.equals(n) || deser.isAncestorOf(n)
                            || AGENT_KEYS.contains(text) || text.startsWith("rasp.debug.") || text.startsWith("rasp.agent.")) {
                        continue;
                    }
                    String line = n + " (" + origin(s.getConfigurationProperty(n)) + ")";
                    if (!unknown.contains(line)) {
                        unknown.add(line);
                    }
                }
            }
            return unknown;
        }

        private static String underlyingName(ConfigurationPropertySource s) {
            Object u = s.getUnderlyingSource();
            return u instanceof org.springframework.core.env.PropertySource<?> ps ? ps.getName() : "";
        }
    }
}
