package dev.rasp.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where events go besides the file: an OpenTelemetry collector (OTLP/HTTP) and a syslog
 * receiver. Resolved here, with the OpenTelemetry variables, into explicit
 * {@code events.otlp.*} / {@code events.syslog.*} engine lines, so the engine never reads the
 * environment.
 *
 * <p>OTLP is on when {@code rasp.events.otlp.endpoint} is set, or when
 * {@code rasp.events.otlp.enabled=true}; then the endpoint comes, as in the OpenTelemetry SDKs,
 * from {@code OTEL_EXPORTER_OTLP_LOGS_ENDPOINT} (as is), else {@code OTEL_EXPORTER_OTLP_ENDPOINT}
 * (plus {@code /v1/logs}), else {@code http://localhost:4318/v1/logs}. Each {@code OTEL_*}
 * variable may also be given as its system property ({@code otel.service.name}), which wins, as
 * in the OpenTelemetry Java SDK.
 */
public final class EventExportConfig {
    static final String OTLP_DEFAULT_ENDPOINT = "http://localhost:4318/v1/logs";
    private static final String LOGS_PATH = "/v1/logs";
    private static final String FACILITIES = "kern user mail daemon auth syslog lpr news uucp cron authpriv ftp ntp audit"
            + " alert clock local0 local1 local2 local3 local4 local5 local6 local7";

    /** Full logs URL, or null when OTLP export is off. */
    private final String otlpEndpoint;
    private final String otlpProtocol;
    private final String otlpHeaders;
    private final String serviceName;
    private final String resourceAttributes;
    /** udp://host:port or tcp://host:port, or null when syslog is off. */
    private final String syslogEndpoint;
    private final String syslogFormat;
    private final String syslogFacility;

    private EventExportConfig(String otlpEndpoint, String otlpProtocol, String otlpHeaders, String serviceName,
                              String resourceAttributes, String syslogEndpoint, String syslogFormat,
                              String syslogFacility) {
        this.otlpEndpoint = otlpEndpoint;
        this.otlpProtocol = otlpProtocol;
        this.otlpHeaders = otlpHeaders;
        this.serviceName = serviceName;
        this.resourceAttributes = resourceAttributes;
        this.syslogEndpoint = syslogEndpoint;
        this.syslogFormat = syslogFormat;
        this.syslogFacility = syslogFacility;
    }

    static EventExportConfig resolve(ConfigSources sources, Properties systemProperties, Map<String, String> environment) {
        String otlpEndpoint = otlpEndpoint(sources, systemProperties, environment);
        String protocol = sources.choice(ConfigKey.EVENTS_OTLP_PROTOCOL, "http/protobuf",
                "use http/protobuf or http/json (grpc is not supported)", "http/protobuf", "http/json")
                .toLowerCase(Locale.ROOT);
        String headers = sources.lookup(ConfigKey.EVENTS_OTLP_HEADERS);
        if (headers == null) {
            headers = otel(systemProperties, environment, "OTEL_EXPORTER_OTLP_LOGS_HEADERS");
        }
        if (headers == null) {
            headers = otel(systemProperties, environment, "OTEL_EXPORTER_OTLP_HEADERS");
        }
        String serviceName = otel(systemProperties, environment, "OTEL_SERVICE_NAME");
        String resourceAttributes = otel(systemProperties, environment, "OTEL_RESOURCE_ATTRIBUTES");

        String syslog = sources.lookup(ConfigKey.EVENTS_SYSLOG_ENDPOINT);
        if (syslog != null) {
            syslog = syslog.trim();
            if (!syslog.matches("(udp|tcp)://(\\[[0-9A-Fa-f:.]+\\]|[^\\s/:\\[\\]]+):[0-9]{1,5}")
                    || Integer.parseInt(syslog.substring(syslog.lastIndexOf(':') + 1)) < 1
                    || Integer.parseInt(syslog.substring(syslog.lastIndexOf(':') + 1)) > 65535) {
                throw ConfigException.badValue(ConfigKey.EVENTS_SYSLOG_ENDPOINT, syslog,
                        "use udp://host:port or tcp://host:port, e.g. udp://127.0.0.1:514");
            }
        }
        String format = sources.choice(ConfigKey.EVENTS_SYSLOG_FORMAT, "rfc5424", "use rfc5424 or cef",
                "rfc5424", "cef").toLowerCase(Locale.ROOT);
        String facility = facility(sources);
        return new EventExportConfig(otlpEndpoint, protocol, oneLine(headers), oneLine(serviceName),
                oneLine(resourceAttributes), syslog, format, facility);
    }

    private static String otlpEndpoint(ConfigSources sources, Properties systemProperties,
                                       Map<String, String> environment) {
        String raw = sources.lookup(ConfigKey.EVENTS_OTLP_ENDPOINT);
        String enabledDefault = raw == null ? "false" : "true";
        boolean enabled = "TRUE".equals(sources.choice(ConfigKey.EVENTS_OTLP_ENABLED, enabledDefault,
                "use true or false", "true", "false"));
        if (!enabled) {
            return null;
        }
        if (raw != null) {
            String url = raw.trim();
            String problem = httpUrlProblem(url);
            if (problem != null) {
                throw ConfigException.badValue(ConfigKey.EVENTS_OTLP_ENDPOINT, raw, problem);
            }
            return url.endsWith(LOGS_PATH) ? url : withoutTrailingSlash(url) + LOGS_PATH;
        }
        String variable = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";
        String url = otel(systemProperties, environment, variable);
        if (url == null) {
            variable = "OTEL_EXPORTER_OTLP_ENDPOINT";
            url = otel(systemProperties, environment, variable);
            if (url != null) {
                url = withoutTrailingSlash(url.trim()) + LOGS_PATH;
            }
        }
        if (url == null) {
            return OTLP_DEFAULT_ENDPOINT;
        }
        url = url.trim();
        String problem = httpUrlProblem(url);
        if (problem != null) {
            throw new ConfigException("rasp: bad value '" + ConfigException.printable(url) + "' for " + variable
                    + " (taken because " + ConfigKey.EVENTS_OTLP_ENABLED.property + "=true): " + problem);
        }
        return url;
    }

    /** Why {@code url} cannot be sent to, or null. */
    private static String httpUrlProblem(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            return "TLS is not supported yet; use an http:// URL (a collector on this host or network, "
                    + "which may forward over TLS)";
        }
        if (!lower.startsWith("http://") || url.length() == "http://".length() || url.matches(".*[\\s\\p{Cntrl}@].*")) {
            return "use an http://host:port URL, e.g. http://127.0.0.1:4318";
        }
        return null;
    }

    private static String facility(ConfigSources sources) {
        String raw = sources.lookup(ConfigKey.EVENTS_SYSLOG_FACILITY);
        if (raw == null) {
            return "local0";
        }
        String value = raw.trim().toLowerCase(Locale.ROOT);
        if (value.matches("[0-9]{1,2}") && Integer.parseInt(value) <= 23) {
            return value;
        }
        for (String name : FACILITIES.split(" ")) {
            if (name.equals(value)) {
                return value;
            }
        }
        throw ConfigException.badValue(ConfigKey.EVENTS_SYSLOG_FACILITY, raw,
                "use a facility name (user, daemon, auth, authpriv, local0 to local7, ...) or a number from 0 to 23");
    }

    /** The system property form wins over the variable, as in the OpenTelemetry Java SDK. */
    private static String otel(Properties systemProperties, Map<String, String> environment, String variable) {
        String property = variable.toLowerCase(Locale.ROOT).replace('_', '.');
        String v = systemProperties.getProperty(property);
        if (v == null) {
            v = environment.get(variable);
        }
        return v == null || v.trim().isEmpty() ? null : v;
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Engine lines cannot hold line breaks. */
    private static String oneLine(String value) {
        return value == null ? null : value.replace('\n', ' ').replace('\r', ' ').trim();
    }

    void appendEngineLines(StringBuilder sb) {
        if (otlpEndpoint != null) {
            line(sb, "events.otlp.endpoint", otlpEndpoint);
            line(sb, "events.otlp.protocol", otlpProtocol);
            if (otlpHeaders != null && !otlpHeaders.isEmpty()) {
                line(sb, "events.otlp.headers", otlpHeaders);
            }
            if (serviceName != null) {
                line(sb, "events.otlp.service_name", serviceName);
            }
            if (resourceAttributes != null) {
                line(sb, "events.otlp.resource_attributes", resourceAttributes);
            }
        }
        if (syslogEndpoint != null) {
            line(sb, "events.syslog.endpoint", syslogEndpoint);
            line(sb, "events.syslog.format", syslogFormat);
            line(sb, "events.syslog.facility", syslogFacility);
        }
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append('=').append(value).append('\n');
    }

    /** The full OTLP logs URL, or null when OTLP export is off. */
    public String otlpEndpoint() {
        return otlpEndpoint;
    }

    /** The syslog endpoint, or null when syslog is off. */
    public String syslogEndpoint() {
        return syslogEndpoint;
    }

    /** For the start log: "" when only the file is used. Headers are left out (they may hold keys). */
    String describe() {
        StringBuilder sb = new StringBuilder();
        if (otlpEndpoint != null) {
            sb.append(", otlp=").append(otlpEndpoint).append(" (").append(otlpProtocol).append(')');
        }
        if (syslogEndpoint != null) {
            sb.append(", syslog=").append(syslogEndpoint).append(" (").append(syslogFormat).append(", ")
                    .append(syslogFacility).append(')');
        }
        return sb.toString();
    }
}
