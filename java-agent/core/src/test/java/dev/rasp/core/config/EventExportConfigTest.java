package dev.rasp.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventExportConfigTest {

    @TempDir
    Path tmp;

    private final Properties sys = new Properties();
    private final Map<String, String> env = new HashMap<>();

    private AgentConfig resolve() {
        sys.setProperty("user.dir", tmp.toString());
        sys.setProperty("java.io.tmpdir", tmp.toString());
        return AgentConfig.resolve(sys, env);
    }

    private String engineLines() {
        return new String(resolve().toEngineConfig("1"), StandardCharsets.UTF_8);
    }

    private String error() {
        return assertThrows(ConfigException.class, this::resolve).getMessage();
    }

    @Test
    void offByDefaultEvenWithOpenTelemetryVariablesSet() {
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");
        AgentConfig c = resolve();
        assertNull(c.eventExport().otlpEndpoint());
        assertNull(c.eventExport().syslogEndpoint());
        assertFalse(engineLines().contains("events.otlp."));
        assertFalse(engineLines().contains("events.syslog."));
    }

    @Test
    void theRaspEndpointGetsTheLogsPathAndWinsOverOpenTelemetryVariables() {
        sys.setProperty("rasp.events.otlp.endpoint", "http://127.0.0.1:4318/");
        env.put("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://elsewhere:4318/v1/logs");
        env.put("OTEL_SERVICE_NAME", "shop");
        env.put("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod");
        env.put("OTEL_EXPORTER_OTLP_HEADERS", "api-key=secret");
        String lines = engineLines();
        assertTrue(lines.contains("events.otlp.endpoint=http://127.0.0.1:4318/v1/logs\n"), lines);
        assertTrue(lines.contains("events.otlp.protocol=http/protobuf\n"), lines);
        assertTrue(lines.contains("events.otlp.service_name=shop\n"), lines);
        assertTrue(lines.contains("events.otlp.resource_attributes=deployment.environment=prod\n"), lines);
        assertTrue(lines.contains("events.otlp.headers=api-key=secret\n"), lines);
        assertFalse(resolve().describe().contains("secret"), "headers stay out of the log");

        sys.setProperty("rasp.events.otlp.endpoint", "http://127.0.0.1:4318/v1/logs");
        assertEquals("http://127.0.0.1:4318/v1/logs", resolve().eventExport().otlpEndpoint());
    }

    @Test
    void enabledTakesTheEndpointFromOpenTelemetryVariablesAsTheSdksDo() {
        sys.setProperty("rasp.events.otlp.enabled", "true");
        assertEquals("http://localhost:4318/v1/logs", resolve().eventExport().otlpEndpoint());
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/");
        assertEquals("http://collector:4318/v1/logs", resolve().eventExport().otlpEndpoint());
        env.put("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://logs:9999/custom");
        assertEquals("http://logs:9999/custom", resolve().eventExport().otlpEndpoint(), "used as is");
        sys.setProperty("otel.exporter.otlp.logs.endpoint", "http://prop:1/x");
        assertEquals("http://prop:1/x", resolve().eventExport().otlpEndpoint(), "the system property wins");
        sys.setProperty("otel.service.name", "from-property");
        env.put("OTEL_SERVICE_NAME", "from-env");
        assertTrue(engineLines().contains("events.otlp.service_name=from-property\n"));

        sys.setProperty("rasp.events.otlp.endpoint", "http://127.0.0.1:1");
        sys.setProperty("rasp.events.otlp.enabled", "false");
        assertNull(resolve().eventExport().otlpEndpoint(), "enabled=false turns it off");
    }

    @Test
    void protocolAndSyslogKeys() {
        sys.setProperty("rasp.events.otlp.endpoint", "http://127.0.0.1:4318");
        env.put("RASP_EVENTS_OTLP_PROTOCOL", "http/json");
        env.put("RASP_EVENTS_SYSLOG_ENDPOINT", "tcp://127.0.0.1:6514");
        sys.setProperty("rasp.events.syslog.format", "CEF");
        sys.setProperty("rasp.events.syslog.facility", "auth");
        String lines = engineLines();
        assertTrue(lines.contains("events.otlp.protocol=http/json\n"), lines);
        assertTrue(lines.contains("events.syslog.endpoint=tcp://127.0.0.1:6514\nevents.syslog.format=cef\n"
                + "events.syslog.facility=auth\n"), lines);
        sys.setProperty("rasp.events.syslog.endpoint", "udp://[::1]:514");
        sys.remove("rasp.events.syslog.facility");
        assertTrue(engineLines().contains("events.syslog.facility=local0\n"));
    }

    @Test
    void mistakesNameTheKeyAndTheFix() {
        sys.setProperty("rasp.events.otlp.endpoint", "https://collector:4318");
        assertTrue(error().startsWith("rasp: bad value 'https://collector:4318' for rasp.events.otlp.endpoint "
                + "(RASP_EVENTS_OTLP_ENDPOINT): TLS is not supported yet"), error());
        sys.setProperty("rasp.events.otlp.endpoint", "collector:4318");
        assertTrue(error().contains("use an http://host:port URL"), error());
        sys.setProperty("rasp.events.otlp.endpoint", "http://c:4318");
        sys.setProperty("rasp.events.otlp.protocol", "grpc");
        assertEquals("rasp: bad value 'grpc' for rasp.events.otlp.protocol (RASP_EVENTS_OTLP_PROTOCOL): "
                + "use http/protobuf or http/json (grpc is not supported)", error());
        sys.remove("rasp.events.otlp.protocol");
        sys.remove("rasp.events.otlp.endpoint");
        sys.setProperty("rasp.events.otlp.enabled", "true");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", "https://c:4318");
        assertTrue(error().startsWith("rasp: bad value 'https://c:4318/v1/logs' for OTEL_EXPORTER_OTLP_ENDPOINT "
                + "(taken because rasp.events.otlp.enabled=true): TLS is not supported yet"), error());
        sys.remove("rasp.events.otlp.enabled");
        for (String bad : new String[] {"udp://h", "127.0.0.1:514", "tls://h:6514", "udp://h:0", "udp://h:70000"}) {
            sys.setProperty("rasp.events.syslog.endpoint", bad);
            assertTrue(error().startsWith("rasp: bad value '" + bad + "' for rasp.events.syslog.endpoint "
                    + "(RASP_EVENTS_SYSLOG_ENDPOINT): use udp://host:port or tcp://host:port"), error());
        }
        sys.setProperty("rasp.events.syslog.endpoint", "udp://h:514");
        sys.setProperty("rasp.events.syslog.facility", "local8");
        assertTrue(error().contains("for rasp.events.syslog.facility (RASP_EVENTS_SYSLOG_FACILITY): use a facility"));
        sys.setProperty("rasp.events.syslog.facility", "local7");
        sys.setProperty("rasp.events.syslog.format", "leef");
        assertTrue(error().contains("for rasp.events.syslog.format (RASP_EVENTS_SYSLOG_FORMAT): use rfc5424 or cef"));
    }

    @Test
    void engineErrorsNameTheAgentKeys() {
        assertEquals("rasp: bad value 'x' for rasp.events.syslog.format (RASP_EVENTS_SYSLOG_FORMAT): use rfc5424 or cef",
                AgentConfig.userFacingEngineError("bad value 'x' for events.syslog.format: use rfc5424 or cef"));
    }
}
