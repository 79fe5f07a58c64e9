package dev.rasp.core.config;

/**
 * The user-facing configuration keys with a fixed name (docs/native-boundary.md, "The agent's
 * user-facing contract"; docs/rules.md §5). The dynamic rule keys are in {@link RulesConfig}.
 *
 * <p>A constant here is all a new fixed key needs to be known: a {@code rasp.*} system property,
 * {@code RASP_*} variable or config file key that is none of these (nor of the families in
 * {@link KnownKeys#DYNAMIC_PREFIXES}) is logged at start with the nearest known key.
 */
public enum ConfigKey {
    MODE("rasp.mode"),
    CONFIG_FILE("rasp.config.file"),
    EVENTS_FILE("rasp.events.file"),
    EVENTS_SHUTDOWN_TIMEOUT_MS("rasp.events.shutdown_timeout_ms"),
    NATIVE_DIR("rasp.native.dir"),
    MAX_INPUT_BYTES("rasp.request.max_input_bytes"),
    ON_OVERFLOW("rasp.request.on_overflow"),
    ON_UNPARSABLE("rasp.sql.on_unparsable"),
    ON_INTERNAL_ERROR("rasp.on_internal_error"),
    RULES_FILE("rasp.rules.file"),
    RULES_RELOAD_SECONDS("rasp.rules.reload_seconds"),
    RULES_BACKEND("rasp.rules.backend"),
    RULES_MAX_FILE_BYTES("rasp.rules.max_file_bytes"),
    SSRF_ALLOWED_HOSTS("rasp.ssrf.allowed_hosts"),
    JNDI_ALLOWED_HOSTS("rasp.jndi.allowed_hosts"),
    DESER_ALLOWED_CLASSES("rasp.deser.allowed_classes"),
    XXE_MAX_ENTITY_EXPANSIONS("rasp.xxe.max_entity_expansions"),
    XXE_MAX_ENTITY_CHARS("rasp.xxe.max_entity_chars"),
    EVENTS_OTLP_ENABLED("rasp.events.otlp.enabled"),
    EVENTS_OTLP_ENDPOINT("rasp.events.otlp.endpoint"),
    EVENTS_OTLP_PROTOCOL("rasp.events.otlp.protocol"),
    EVENTS_OTLP_HEADERS("rasp.events.otlp.headers"),
    EVENTS_SYSLOG_ENDPOINT("rasp.events.syslog.endpoint"),
    EVENTS_SYSLOG_FORMAT("rasp.events.syslog.format"),
    EVENTS_SYSLOG_FACILITY("rasp.events.syslog.facility"),
    JMX_ENABLED("rasp.jmx.enabled");

    /** System property and config file key, e.g. rasp.request.max_input_bytes. */
    public final String property;
    /** Environment variable, e.g. RASP_REQUEST_MAX_INPUT_BYTES. */
    public final String environmentVariable;

    ConfigKey(String property) {
        this.property = property;
        this.environmentVariable = property.replace('.', '_').toUpperCase(java.util.Locale.ROOT);
    }

    static ConfigKey forProperty(String property) {
        for (ConfigKey k : values()) {
            if (k.property.equals(property)) {
                return k;
            }
        }
        return null;
    }
}
