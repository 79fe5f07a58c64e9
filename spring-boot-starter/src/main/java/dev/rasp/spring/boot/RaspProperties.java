package dev.rasp.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The agent's configuration the Spring way: every key under {@code rasp.*} in
 * application.properties / application.yml (or any other Spring property source) becomes the agent's
 * key of the same name (docs/rules.md §5, README "Configuration"), e.g.
 * {@code rasp.request.max-input-bytes} is the agent's {@code rasp.request.max_input_bytes}.
 *
 * <p>A property left unset is not passed on, so the agent's own sources (a {@code -D} system property,
 * a {@code RASP_*} environment variable, {@code rasp.config.file}) and defaults still apply; the
 * defaults named below are the agent's.
 */
@ConfigurationProperties(prefix = "rasp")
public class RaspProperties {

    /** What to do with an attack: block stops it, monitor lets it run and writes an event, off installs nothing (default block). */
    private Mode mode;

    /** What to do when a check fails inside the agent itself: open lets the call run, closed blocks it (block mode only; default open). */
    private FailureMode onInternalError;

    private final Config config = new Config();
    private final Events events = new Events();
    private final NativeLibrary nativeLibrary = new NativeLibrary();
    private final Request request = new Request();
    private final Sql sql = new Sql();
    private final Ssrf ssrf = new Ssrf();
    private final Rules rules = new Rules();
    private final Deser deser = new Deser();
    private final Jndi jndi = new Jndi();
    private final Xxe xxe = new Xxe();

    /** Exclusions by name: each drops the findings that match all of the fields it sets. */
    private Map<String, Exclusion> exclusion = new LinkedHashMap<>();

    private final Attach attach = new Attach();

    private final Jmx jmx = new Jmx();

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public FailureMode getOnInternalError() {
        return onInternalError;
    }

    public void setOnInternalError(FailureMode onInternalError) {
        this.onInternalError = onInternalError;
    }

    public Config getConfig() {
        return config;
    }

    public Events getEvents() {
        return events;
    }

    /** {@code rasp.native.*} ("native" is a Java keyword, hence the longer field name). */
    public NativeLibrary getNative() {
        return nativeLibrary;
    }

    public Request getRequest() {
        return request;
    }

    public Sql getSql() {
        return sql;
    }

    public Ssrf getSsrf() {
        return ssrf;
    }

    public Rules getRules() {
        return rules;
    }

    public Jndi getJndi() {
        return jndi;
    }

    public Deser getDeser() {
        return deser;
    }

    public Xxe getXxe() {
        return xxe;
    }

    public Map<String, Exclusion> getExclusion() {
        return exclusion;
    }

    public void setExclusion(Map<String, Exclusion> exclusion) {
        this.exclusion = exclusion;
    }

    public Attach getAttach() {
        return attach;
    }

    public Jmx getJmx() {
        return jmx;
    }

    /** The agent's mode. */
    public enum Mode { BLOCK, MONITOR, OFF }

    /** Verdict for what the engine cannot decide on content (input overflow, unparsable statement). */
    public enum FallbackVerdict { BLOCK, MONITOR, ALLOW }

    /** What a check does when the agent itself fails. */
    public enum FailureMode { OPEN, CLOSED }

    /** The mode of one rule. */
    public enum RuleMode { BLOCK, MONITOR, OFF }

    /** Which engine scans the rule set's patterns. */
    public enum Backend { AUTO, HYPERSCAN, PORTABLE }

    public static class Config {
        /** A Java properties file with more agent keys (rasp.x.y=...); these Spring properties take precedence over it. */
        private String file;

        public String getFile() {
            return file;
        }

        public void setFile(String file) {
            this.file = file;
        }
    }

    public static class Events {
        /** Where events go, one JSON object per line; - for stderr (default rasp-events.jsonl in the working directory). */
        private String file;

        /**
         * How long the shutdown hook waits for queued events to be written, 0 to 60s in whole milliseconds (a plain
         * number is milliseconds); what is still queued then is counted as dropped (default 2s).
         */
        private Duration shutdownTimeout;

        private final Otlp otlp = new Otlp();
        private final Syslog syslog = new Syslog();

        public String getFile() {
            return file;
        }

        public void setFile(String file) {
            this.file = file;
        }

        public Duration getShutdownTimeout() {
            return shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }

        public Otlp getOtlp() {
            return otlp;
        }

        public Syslog getSyslog() {
            return syslog;
        }
    }

    /** {@code rasp.events.otlp.*}: events also exported as OpenTelemetry log records over OTLP/HTTP. */
    public static class Otlp {
        /**
         * Export to OTLP; true without an endpoint takes it from OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, else
         * OTEL_EXPORTER_OTLP_ENDPOINT + /v1/logs, else http://localhost:4318/v1/logs (default true when the endpoint is set).
         */
        private Boolean enabled;

        /** The collector, http://host:port (/v1/logs is added unless the URL ends with it); https is not supported yet. */
        private String endpoint;

        /** The OTLP encoding: http/protobuf or http/json; grpc is not supported (default http/protobuf). */
        private String protocol;

        /**
         * Headers sent with every export (an API key), name=value pairs separated by commas, values percent-encoded
         * (default OTEL_EXPORTER_OTLP_LOGS_HEADERS, else OTEL_EXPORTER_OTLP_HEADERS).
         */
        private String headers;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(String endpoint) {
            this.endpoint = endpoint;
        }

        public String getProtocol() {
            return protocol;
        }

        public void setProtocol(String protocol) {
            this.protocol = protocol;
        }

        public String getHeaders() {
            return headers;
        }

        public void setHeaders(String headers) {
            this.headers = headers;
        }
    }

    /** {@code rasp.events.syslog.*}: events also sent to a syslog receiver. */
    public static class Syslog {
        /** The receiver, udp://host:port or tcp://host:port, e.g. udp://127.0.0.1:514 (default none: syslog off). */
        private String endpoint;

        /** The message body: rfc5424 (the event's JSON) or cef (an ArcSight CEF record) (default rfc5424). */
        private String format;

        /** The syslog facility: a name (user, daemon, auth, authpriv, local0 to local7, ...) or 0 to 23 (default local0). */
        private String facility;

        public String getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(String endpoint) {
            this.endpoint = endpoint;
        }

        public String getFormat() {
            return format;
        }

        public void setFormat(String format) {
            this.format = format;
        }

        public String getFacility() {
            return facility;
        }

        public void setFacility(String facility) {
            this.facility = facility;
        }
    }

    /** {@code rasp.jmx.*}. */
    public static class Jmx {
        /** Register the agent's dev.rasp:* MBeans on the platform MBean server (default true). */
        private Boolean enabled;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }
    }

    public static class NativeLibrary {
        /** Directory the native library is extracted into, for hosts whose temporary directory is noexec (default java.io.tmpdir). */
        private String dir;

        public String getDir() {
            return dir;
        }

        public void setDir(String dir) {
            this.dir = dir;
        }
    }

    public static class Request {
        /** Request input (parameters, headers, cookies, body) kept per request, from 1KB to 1GB; bounds memory (default 1MB). */
        private DataSize maxInputBytes;

        /** Verdict for a sink reached by a request whose input exceeded max-input-bytes (default block). */
        private FallbackVerdict onOverflow;

        public DataSize getMaxInputBytes() {
            return maxInputBytes;
        }

        public void setMaxInputBytes(DataSize maxInputBytes) {
            this.maxInputBytes = maxInputBytes;
        }

        public FallbackVerdict getOnOverflow() {
            return onOverflow;
        }

        public void setOnOverflow(FallbackVerdict onOverflow) {
            this.onOverflow = onOverflow;
        }
    }

    public static class Sql {
        /** Verdict for a SQL statement or shell script that contains request input and cannot be lexed (default block). */
        private FallbackVerdict onUnparsable;

        public FallbackVerdict getOnUnparsable() {
            return onUnparsable;
        }

        public void setOnUnparsable(FallbackVerdict onUnparsable) {
            this.onUnparsable = onUnparsable;
        }
    }

    public static class Ssrf {
        /**
         * Destinations request input may name: host names, *. domains, addresses and CIDR ranges (e.g.
         * hooks.partner.example, *.partner.example, 10.20.0.0/16); a connection input chose to one of them is not judged.
         */
        private List<String> allowedHosts = new ArrayList<>();

        public List<String> getAllowedHosts() {
            return allowedHosts;
        }

        public void setAllowedHosts(List<String> allowedHosts) {
            this.allowedHosts = allowedHosts;
        }
    }

    public static class Jndi {
        /**
         * Hosts (names, addresses, .domain suffixes) remote JNDI lookups may reach without a jndi.policy.remote
         * finding; input that chooses a lookup's provider is still jndi.remote_lookup.
         */
        private List<String> allowedHosts = new ArrayList<>();

        public List<String> getAllowedHosts() {
            return allowedHosts;
        }

        public void setAllowedHosts(List<String> allowedHosts) {
            this.allowedHosts = allowedHosts;
        }
    }

    public static class Xxe {
        /** Entity references one parse of a request's document may expand before xxe.entity_expansion stops it (default 10000). */
        private Integer maxEntityExpansions;

        /** Characters of internal entities' replacement text one such parse may expand (default 10000000). */
        private Integer maxEntityChars;

        public Integer getMaxEntityExpansions() {
            return maxEntityExpansions;
        }

        public void setMaxEntityExpansions(Integer maxEntityExpansions) {
            this.maxEntityExpansions = maxEntityExpansions;
        }

        public Integer getMaxEntityChars() {
            return maxEntityChars;
        }

        public void setMaxEntityChars(Integer maxEntityChars) {
            this.maxEntityChars = maxEntityChars;
        }
    }

    public static class Deser {
        /**
         * The allow-list mode of Java deserialization: class names, package.* or package.**; while serving a
         * request an ObjectInputStream may read only these (and the JDK's boxed numbers, String, Enum). Unset: the
         * deser.gadget.* deny-list alone.
         */
        private List<String> allowedClasses = new ArrayList<>();

        public List<String> getAllowedClasses() {
            return allowedClasses;
        }

        public void setAllowedClasses(List<String> allowedClasses) {
            this.allowedClasses = allowedClasses;
        }
    }

    public static class Rules {
        /** A compiled rule file (rasp rules compile) to use instead of the set built into rasp.jar. */
        private String file;

        /** Seconds between checks of the rule file for changes, 0 to 86400; 0 never reloads (default 5). */
        private Integer reloadSeconds;

        /** Pattern engine: auto picks Hyperscan when the CPU has SSSE3 (default auto). */
        private Backend backend;

        /** A larger rule file is refused from its size, unread: 1B to 1GB, e.g. 128MB (default 64MB). */
        private DataSize maxFileBytes;

        /** Per-rule modes by rule id (e.g. rasp.rules.mode.sqli.union=monitor); a rule's mode overrides the global one. */
        private Map<String, RuleMode> mode = new LinkedHashMap<>();

        public String getFile() {
            return file;
        }

        public void setFile(String file) {
            this.file = file;
        }

        public Integer getReloadSeconds() {
            return reloadSeconds;
        }

        public void setReloadSeconds(Integer reloadSeconds) {
            this.reloadSeconds = reloadSeconds;
        }

        public Backend getBackend() {
            return backend;
        }

        public void setBackend(Backend backend) {
            this.backend = backend;
        }

        public DataSize getMaxFileBytes() {
            return maxFileBytes;
        }

        public void setMaxFileBytes(DataSize maxFileBytes) {
            this.maxFileBytes = maxFileBytes;
        }

        public Map<String, RuleMode> getMode() {
            return mode;
        }

        public void setMode(Map<String, RuleMode> mode) {
            this.mode = mode;
        }
    }

    public static class Exclusion {
        /** Path globs of the requests it applies to, * within a segment and ** for any depth (e.g. /api/** or /search); any route when unset. */
        private List<String> routes = new ArrayList<>();

        /** Inputs it applies to: name or source:name (query, form, header, cookie, path, json, multipart, body); any input when unset. */
        private List<String> inputs = new ArrayList<>();

        /** Rule ids or prefixes (sqli.*) it applies to; every rule when unset. */
        private List<String> rules = new ArrayList<>();

        public List<String> getRoutes() {
            return routes;
        }

        public void setRoutes(List<String> routes) {
            this.routes = routes;
        }

        public List<String> getInputs() {
            return inputs;
        }

        public void setInputs(List<String> inputs) {
            this.inputs = inputs;
        }

        public List<String> getRules() {
            return rules;
        }

        public void setRules(List<String> rules) {
            this.rules = rules;
        }
    }

    public static class Attach {
        /** Load the agent into the running JVM when it was not started with -javaagent; false leaves the application unprotected. */
        private boolean enabled = true;

        /** Fail the application's start when the agent cannot be loaded, instead of running unprotected. */
        private boolean required;

        /** How long loading the agent may take before the start goes on without it. */
        private Duration timeout = Duration.ofSeconds(60);

        /**
         * Load the agent while the application context is created, and hold the context's first
         * lifecycle phase (before the web server opens its port) until it is in; false (the default)
         * loads it before the context exists, the application's start waiting meanwhile.
         */
        private boolean background;

        /**
         * Load rasp.jar as soon as the application starts and start it once the properties are read,
         * so that the JVM throws away less compiled code (see the README); read from the command line,
         * -D and the environment only (RASP_ATTACH_EARLY), since property files are read later.
         */
        private boolean early = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isRequired() {
            return required;
        }

        public void setRequired(boolean required) {
            this.required = required;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public boolean isBackground() {
            return background;
        }

        public void setBackground(boolean background) {
            this.background = background;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public boolean isEarly() {
            return early;
        }

        public void setEarly(boolean early) {
            this.early = early;
        }
    }
}
