package dev.rasp.core.jmx;

import dev.rasp.bootstrap.RaspTelemetry;

import java.util.Set;
import java.util.TreeSet;

/** {@code dev.rasp:type=Rule,name=<rule id>}: the verdicts of one rule. */
final class RuleBean extends ReadOnlyBean {

    private final String ruleId;

    RuleBean(String ruleId) {
        super("RASP verdicts of rule " + ruleId);
        this.ruleId = ruleId;
    }

    @Override
    Values read() {
        long blocked = 0;
        long monitored = 0;
        Set<String> categories = new TreeSet<String>();
        for (RaspTelemetry.VerdictCount c : RaspTelemetry.verdicts()) {
            if (!c.ruleId.equals(ruleId)) {
                continue;
            }
            if (RaspTelemetry.BLOCKED.equals(c.action)) {
                blocked += c.count();
            } else {
                monitored += c.count();
            }
            if (!c.category.isEmpty()) {
                categories.add(c.category);
            }
        }
        StringBuilder category = new StringBuilder();
        for (String c : categories) {
            category.append(category.length() == 0 ? "" : ",").append(c);
        }
        return new Values()
                .put("RuleId", String.class, ruleId, "The rule's id")
                .put("Category", String.class, category.toString(), "The rule's category (sqli, cmdi, path, ...)")
                .count("Blocked", blocked, "Blocked verdicts of this rule")
                .count("Monitored", monitored, "Monitored verdicts of this rule")
                .count("Verdicts", blocked + monitored, "Blocked and monitored verdicts of this rule");
    }
}
