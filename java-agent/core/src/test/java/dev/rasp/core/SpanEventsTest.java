package dev.rasp.core;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The real OpenTelemetry SDK (as an application would have it) records the verdict on the current span. */
class SpanEventsTest {

    @Test
    void aVerdictBecomesAnEventOfTheCurrentSpan() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
            Tracer tracer = provider.get("test");
            Span span = tracer.spanBuilder("GET /h2/users/by-name").startSpan();
            try (Scope ignored = span.makeCurrent()) {
                SpanEvents.add(true, "sqli.tautology", "sqli", "ev-1");
                SpanEvents.add(false, "sig.sqli.union", "sqli", "ev-2");
            } finally {
                span.end();
            }
            // Outside any span: nothing to add to, nothing fails.
            SpanEvents.add(true, "sqli.tautology", "sqli", "ev-3");
            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertEquals(1, spans.size());
            List<EventData> events = spans.get(0).getEvents();
            assertEquals(2, events.size(), events.toString());
            assertEquals("rasp.blocked", events.get(0).getName());
            assertEquals("sqli.tautology", events.get(0).getAttributes().get(AttributeKey.stringKey("rasp.rule.id")));
            assertEquals("sqli", events.get(0).getAttributes().get(AttributeKey.stringKey("rasp.category")));
            assertEquals("ev-1", events.get(0).getAttributes().get(AttributeKey.stringKey("rasp.event.id")));
            assertEquals("rasp.monitored", events.get(1).getName());
        }
    }

    @Test
    void withoutTheApiNothingHappens() {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        // A loader that sees no OpenTelemetry class (only the JDK's).
        try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
            t.setContextClassLoader(bare);
            SpanEvents.add(true, "sqli.tautology", "sqli", "ev-1");
            t.setContextClassLoader(null);
            SpanEvents.add(true, "sqli.tautology", "sqli", "ev-1");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
