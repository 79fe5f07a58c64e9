package dev.rasp.core.rules;

import dev.rasp.core.engine.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What the engine says about the rule set in use ({@code rulesInfo()}): its id, how many rules it
 * has, the scanning backend, and the rule ids the configuration names that no longer exist (a
 * reload may drop a rule that {@code rasp.rules.mode.*} or an exclusion still names).
 *
 * <p>The JSON is the engine's own, read with the core's small reader ({@link Json}).
 */
public final class RuleSetInfo {
    public final String id;
    public final long rules;
    public final String backend;
    public final List<String> unknownRuleIds;

    RuleSetInfo(String id, long rules, String backend, List<String> unknownRuleIds) {
        this.id = id;
        this.rules = rules;
        this.backend = backend;
        this.unknownRuleIds = Collections.unmodifiableList(unknownRuleIds);
    }

    /** For when the engine could not answer: nothing is known but that. */
    static RuleSetInfo unknown() {
        return new RuleSetInfo("unknown", 0, "unknown", new ArrayList<String>());
    }

    /** Parses the engine's JSON; a field it cannot find or read keeps the {@link #unknown()} value. */
    static RuleSetInfo parse(String json) {
        if (json == null) {
            return unknown();
        }
        Map<?, ?> fields;
        try {
            Object parsed = Json.parse(json);
            if (!(parsed instanceof Map)) {
                return unknown();
            }
            fields = (Map<?, ?>) parsed;
        } catch (IllegalArgumentException e) {
            return unknown(); // the log line then says "unknown" where the engine was unclear
        }
        Object id = fields.get("id");
        Object rules = fields.get("rules");
        Object backend = fields.get("backend");
        List<String> unknownIds = new ArrayList<String>();
        Object ids = fields.get("unknown_rule_ids");
        if (ids instanceof List) {
            for (Object e : (List<?>) ids) {
                if (e instanceof String) {
                    unknownIds.add((String) e);
                }
            }
        }
        return new RuleSetInfo(id instanceof String ? (String) id : "unknown",
                rules instanceof Long ? (Long) rules : 0,
                backend instanceof String ? (String) backend : "unknown", unknownIds);
    }

    @Override
    public String toString() {
        return id + " (" + rules + " rules, " + backend + " backend)";
    }
}
