package dev.rasp.core.engine;

import java.nio.charset.StandardCharsets;

/** What takeEvent returns: the identifiers of the event the engine queued for writing. */
public final class EngineEvent {
    public final String ruleId;
    public final String eventId;
    public final String category;

    public EngineEvent(String ruleId, String eventId, String category) {
        this.ruleId = ruleId;
        this.eventId = eventId;
        this.category = category;
    }

    /** Parses "rule_id\nevent_id\ncategory"; missing parts become empty strings. */
    static EngineEvent parse(byte[] utf8) {
        String[] parts = new String(utf8, StandardCharsets.UTF_8).split("\n", -1);
        return new EngineEvent(part(parts, 0), part(parts, 1), part(parts, 2));
    }

    private static String part(String[] parts, int i) {
        return i < parts.length ? parts[i].trim() : "";
    }
}
