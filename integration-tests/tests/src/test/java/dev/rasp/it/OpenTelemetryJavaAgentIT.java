package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * rasp.jar beside the OpenTelemetry Java agent, in the application most users trace: both agents
 * instrument JDBC and the servlet container, the block and its benign twin behave as without the
 * tracer, and the block becomes a {@code rasp.blocked} event on a span of the request's trace.
 *
 * <p>The javax application has no OpenTelemetry API of its own, so the event goes through the Java
 * agent's relocated API on the boot class path. The tracer exports spans as OTLP JSON on its log
 * ({@code otel.traces.exporter=logging-otlp}), which the test reads back.
 */
@ExtendWith(AppLogsOnFailure.class)
class OpenTelemetryJavaAgentIT {
    private static final String SPAN_EXPORT = "OtlpJsonLoggingSpanExporter - ";
    static AppProcess app;
    static Scenario s;

    @BeforeAll
    static void start() {
        app = AppProcess.builder("javax-otel", ItConfig.javaxJar()).mode("block")
            .jvmArg("-javaagent:" + ItConfig.otelJavaAgentJar())
            .jvmArg("-Dotel.traces.exporter=logging-otlp")
            .jvmArg("-Dotel.metrics.exporter=none")
            .jvmArg("-Dotel.logs.exporter=none")
            .jvmArg("-Dotel.service.name=rasp-it")
            .jvmArg("-Dotel.bsp.schedule.delay=100")
            .start().awaitReady(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aBlockIsAnEventOfTheRequestsTraceAndItsTwinIsServed() {
        Case attack = Cases.attacks(Endpoint.JAVAX).stream().filter(c -> c.endpoint == Endpoint.BY_NAME)
            .findFirst().orElseThrow();
        Case twin = Cases.benign(Endpoint.JAVAX).stream().filter(c -> c.endpoint == Endpoint.BY_NAME)
            .findFirst().orElseThrow();
        int mark = new EventLog(app.eventsFile()).mark();
        s.assertBlocked("h2", attack);
        s.assertBenign("h2", twin);
        // The scenario's own probes block too (Scenario's sentinels): every block of the file is compared.
        List<JsonNode> blocks = new ArrayList<>();
        for (String line : new EventLog(app.eventsFile()).linesSince(mark)) {
            blocks.add(EventLog.parse(line));
        }
        JsonNode event = blocks.stream().filter(e -> "h2".equals(e.path("sink").path("dialect").asText()))
            .findFirst().orElseThrow(() -> new AssertionError("no h2 block in " + blocks));

        List<SpanEvent> raspEvents = new ArrayList<>();
        List<JsonNode> spans = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            raspEvents.clear();
            spans.clear();
            collect(app.stderrCompleteLines(), spans, raspEvents);
            boolean twinExported = spans.stream().anyMatch(span -> isServerSpan(span)
                && span.path("name").asText().contains("/users/by-name") && !hasRaspEvent(span, raspEvents));
            if (raspEvents.size() >= blocks.size() && twinExported) {
                break;
            }
            AppProcess.sleep(200);
        }
        assertEquals(blocks.size(), raspEvents.size(), "one span event per block, none for the twin: " + raspEvents);
        SpanEvent spanEvent = raspEvents.stream()
            .filter(e -> event.path("event_id").asText().equals(attribute(e.event(), "rasp.event.id")))
            .findFirst().orElseThrow(() -> new AssertionError("no span event names " + event.path("event_id")
                + ": " + raspEvents));
        assertEquals("rasp.blocked", spanEvent.event().path("name").asText());
        assertEquals(event.path("rule_id").asText(), attribute(spanEvent.event(), "rasp.rule.id"));
        assertEquals("sqli", attribute(spanEvent.event(), "rasp.category"));
        String trace = spanEvent.traceId();
        assertTrue(spans.stream().anyMatch(span -> isServerSpan(span) && trace.equals(span.path("traceId").asText())
                && span.path("name").asText().contains("/users/by-name")),
            "the span event is in the trace of the blocked request's server span: " + trace);
        assertFalse(app.agentLogLines().stream().anyMatch(l -> l.contains("internal error")), app.agentLogLines().toString());
    }

    private static boolean hasRaspEvent(JsonNode span, List<SpanEvent> raspEvents) {
        return raspEvents.stream().anyMatch(e -> e.traceId().equals(span.path("traceId").asText()));
    }

    private static boolean isServerSpan(JsonNode span) {
        return span.path("kind").asInt() == 2;
    }

    private static String attribute(JsonNode event, String key) {
        for (JsonNode a : event.path("attributes")) {
            if (key.equals(a.path("key").asText())) {
                return a.path("value").path("stringValue").asText();
            }
        }
        return null;
    }

    /** A span event and the trace of its span. */
    record SpanEvent(String traceId, JsonNode event) { }

    /** Every exported span, and each rasp.* span event. */
    private static void collect(List<String> log, List<JsonNode> spans, List<SpanEvent> raspEvents) {
        for (String line : log) {
            int at = line.indexOf(SPAN_EXPORT);
            if (at < 0) {
                continue;
            }
            JsonNode export = EventLog.parse(line.substring(at + SPAN_EXPORT.length()));
            for (JsonNode scope : export.path("scopeSpans")) {
                for (JsonNode span : scope.path("spans")) {
                    spans.add(span);
                    for (JsonNode e : span.path("events")) {
                        if (e.path("name").asText().startsWith("rasp.")) {
                            raspEvents.add(new SpanEvent(span.path("traceId").asText(), e));
                        }
                    }
                }
            }
        }
    }
}
