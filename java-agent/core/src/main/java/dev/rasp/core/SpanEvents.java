package dev.rasp.core;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Adds {@code rasp.blocked} / {@code rasp.monitored} to the current OpenTelemetry span when the
 * application has the OpenTelemetry API, so a verdict shows up in the trace. The API is the
 * application's own (found through the thread's context class loader, by reflection): the agent
 * ships none and leaks none. When the application has no API but runs under the OpenTelemetry Java
 * agent, that agent's own copy on the boot class path is used ({@link #JAVA_AGENT_API}): the Java
 * agent makes its server and client spans current there, and bridges an application's API to it,
 * so both reach the same span. Without either, or without a recording span, nothing happens.
 *
 * <p>Called only for monitored and blocked verdicts, inside the check's guard (class loading it
 * causes is not judged). The lookups per class loader are cached; blocks are rare, so one
 * synchronized map is enough.
 */
final class SpanEvents {
    /** Per context class loader: its {@link Binding}, or {@link #ABSENT}. */
    private static final Map<ClassLoader, Object> BINDINGS = new WeakHashMap<ClassLoader, Object>();
    private static final Object ABSENT = new Object();
    /** The package the OpenTelemetry Java agent relocates its API to, on the boot class path. */
    static final String JAVA_AGENT_API = "io.opentelemetry.javaagent.shaded.";

    private SpanEvents() {
    }

    static void add(boolean blocked, String ruleId, String category, String eventId) {
        // null (no context loader) is a key too: it finds only the OpenTelemetry Java agent's API
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Binding binding = binding(loader);
        if (binding != null) {
            binding.addEvent(blocked ? "rasp.blocked" : "rasp.monitored", ruleId, category, eventId);
        }
    }

    private static Binding binding(ClassLoader loader) {
        synchronized (BINDINGS) {
            Object b = BINDINGS.get(loader);
            if (b == null) {
                b = Binding.find(loader);
                BINDINGS.put(loader, b == null ? ABSENT : b);
            }
            return b == ABSENT ? null : (Binding) b;
        }
    }

    /** The API's methods in one class loader. */
    private static final class Binding {
        private final Method current;
        private final Method isRecording;
        private final Method addEvent;
        private final Method builder;
        private final Method put;
        private final Method build;

        private Binding(Method current, Method isRecording, Method addEvent, Method builder, Method put, Method build) {
            this.current = current;
            this.isRecording = isRecording;
            this.addEvent = addEvent;
            this.builder = builder;
            this.put = put;
            this.build = build;
        }

        static Binding find(ClassLoader loader) {
            Binding own = find("", loader);
            return own != null ? own : find(JAVA_AGENT_API, null);
        }

        /** The API under {@code prefix} as {@code loader} sees it (null: the boot loader). */
        private static Binding find(String prefix, ClassLoader loader) {
            try {
                Class<?> span = Class.forName(prefix + "io.opentelemetry.api.trace.Span", false, loader);
                Class<?> attributes = Class.forName(prefix + "io.opentelemetry.api.common.Attributes", false, loader);
                Class<?> builder = Class.forName(prefix + "io.opentelemetry.api.common.AttributesBuilder", false, loader);
                return new Binding(span.getMethod("current"), span.getMethod("isRecording"),
                        span.getMethod("addEvent", String.class, attributes), attributes.getMethod("builder"),
                        builder.getMethod("put", String.class, String.class), builder.getMethod("build"));
            } catch (ClassNotFoundException | LinkageError | NoSuchMethodException | SecurityException e) {
                return null;
            }
        }

        void addEvent(String name, String ruleId, String category, String eventId) {
            try {
                Object span = current.invoke(null);
                if (!Boolean.TRUE.equals(isRecording.invoke(span))) {
                    return;
                }
                Object b = builder.invoke(null);
                put.invoke(b, "rasp.rule.id", ruleId);
                put.invoke(b, "rasp.category", category);
                put.invoke(b, "rasp.event.id", eventId);
                addEvent.invoke(span, name, build.invoke(b));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // the application's tracing must never fail a check; the event file has the verdict
            }
        }
    }
}
