package dev.rasp.core.jmx;

import dev.rasp.core.engine.Json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine's stats JSON ({@code Engine.stats()}) as counters: the top-level numbers, the rule set
 * id, and the per-destination counters when the engine reports them ({@code destinations}:
 * {@code [{name, written, dropped, errors, ...}]}; an engine without them reports only the
 * {@code events_written}/{@code events_dropped} totals). Text that cannot be read is no stats at
 * all, never an exception: a JMX read must not fail because of it.
 */
final class EngineStats {

    static final EngineStats NONE = new EngineStats(Collections.<String, Object>emptyMap(), false);

    private final Map<String, Object> fields;
    private final boolean available;

    private EngineStats(Map<String, Object> fields, boolean available) {
        this.fields = fields;
        this.available = available;
    }

    @SuppressWarnings("unchecked")
    static EngineStats parse(String json) {
        if (json == null) {
            return NONE;
        }
        try {
            Object v = Json.parse(json);
            return v instanceof Map ? new EngineStats((Map<String, Object>) v, true) : NONE;
        } catch (IllegalArgumentException e) {
            return NONE;
        }
    }

    /** False when the engine gave nothing readable. */
    boolean available() {
        return available;
    }

    /** A whole-number field, or null when absent or not a number. */
    Long counter(String key) {
        return whole(fields.get(key));
    }

    /** A string field, or null. */
    String string(String key) {
        Object v = fields.get(key);
        return v instanceof String ? (String) v : null;
    }

    /** Every top-level number, in the engine's order. */
    Map<String, Long> counters() {
        return numbers(fields);
    }

    /**
     * The per-destination counters, in configuration order; null when the engine does not report
     * them (then only the totals exist).
     */
    @SuppressWarnings("unchecked")
    List<Destination> destinations() {
        Object v = fields.get("destinations");
        if (!(v instanceof List)) {
            return null;
        }
        List<Destination> out = new ArrayList<Destination>();
        for (Object d : (List<Object>) v) {
            if (d instanceof Map) {
                Map<String, Object> m = (Map<String, Object>) d;
                Object name = m.get("name");
                if (name instanceof String && !((String) name).isEmpty()) {
                    out.add(new Destination((String) name, numbers(m)));
                }
            }
        }
        return out;
    }

    /** The destination of that name, or null. */
    Destination destination(String name) {
        List<Destination> all = destinations();
        if (all != null) {
            for (Destination d : all) {
                if (d.name.equals(name)) {
                    return d;
                }
            }
        }
        return null;
    }

    /** One destination's name and its numeric fields (written, dropped, errors, ...). */
    static final class Destination {
        final String name;
        final Map<String, Long> counters;

        Destination(String name, Map<String, Long> counters) {
            this.name = name;
            this.counters = counters;
        }
    }

    private static Map<String, Long> numbers(Map<String, Object> m) {
        Map<String, Long> out = new LinkedHashMap<String, Long>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Long n = whole(e.getValue());
            if (n != null) {
                out.put(e.getKey(), n);
            }
        }
        return out;
    }

    private static Long whole(Object v) {
        if (v instanceof Long) {
            return (Long) v;
        }
        if (v instanceof Double) {
            return ((Double) v).longValue();
        }
        return null;
    }

    /** The JMX attribute name of an engine key: {@code contexts_opened} -> {@code ContextsOpened}. */
    static String attributeName(String key) {
        StringBuilder b = new StringBuilder(key.length());
        boolean upper = true;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '_' || c == '-' || c == '.') {
                upper = true;
            } else if (Character.isLetterOrDigit(c)) {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.length() == 0 ? "Unnamed" : b.toString().substring(0, 1).toUpperCase(Locale.ROOT) + b.substring(1);
    }
}
