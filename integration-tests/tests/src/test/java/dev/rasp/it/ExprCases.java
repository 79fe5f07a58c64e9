package dev.rasp.it;

import java.nio.file.Path;
import java.util.List;

/**
 * Expression-language injection on the Spring app's {@code /expr/*} endpoints ({@code ExprController}), and the
 * benign twins. Each attack creates a marker file when it runs ({@code {M}} in its request: a fresh path under the
 * app's markers directory); {@code before} is a request sent first (the stored rule's save).
 */
final class ExprCases {
    private ExprCases() {
    }

    record Attack(String name, String before, String target, String rule) {
        @Override
        public String toString() {
            return name;
        }

        String before(Path marker) {
            return before == null ? null : before.replace("{M}", Http.enc(marker.toString()));
        }

        String target(Path marker) {
            return target.replace("{M}", Http.enc(marker.toString()));
        }
    }

    record Twin(String name, String before, String target, String expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Attack> attacks() {
        return List.of(
            new Attack("SpEL formula constructing a FileOutputStream", null,
                "/expr/spel?expr=" + Http.enc("new java.io.FileOutputStream('") + "{M}" + Http.enc("').close()"),
                "expr.injection"),
            new Attack("SpEL formula calling a method of its root", null,
                "/expr/spel?expr=" + Http.enc("save('") + "{M}" + Http.enc("')"), "expr.injection"),
            new Attack("SpEL property name that is a method call", null,
                "/expr/spel-property?field=" + Http.enc("save('") + "{M}" + Http.enc("')"), "expr.injection"),
            new Attack("SpEL template text opening an expression", null,
                "/expr/spel-template?name=" + Http.enc("#{save('") + "{M}" + Http.enc("')}"), "expr.injection"),
            new Attack("Jakarta EL template text opening an expression", null,
                "/expr/el?name=" + Http.enc("${report.save('") + "{M}" + Http.enc("')}"), "expr.injection"),
            new Attack("OGNL expression calling a method", null,
                "/expr/ognl?expr=" + Http.enc("save('") + "{M}" + Http.enc("')"), "expr.injection"),
            new Attack("JEXL filter calling a method", null,
                "/expr/jexl?expr=" + Http.enc("order.save('") + "{M}" + Http.enc("')"), "expr.injection"),
            new Attack("MVEL formula calling a method", null,
                "/expr/mvel?expr=" + Http.enc("save('") + "{M}" + Http.enc("')"), "expr.injection"),
            new Attack("a stored rule reaching Runtime, evaluated by a later request",
                "/expr/rules/save?rule=" + Http.enc("T(java.lang.Runtime).getRuntime().exec(new String[]{'touch', '")
                    + "{M}" + Http.enc("'}).waitFor()"),
                "/expr/rules/run", "expr.policy.dangerous_class"));
    }

    static List<Twin> twins() {
        return List.of(
            new Twin("SpEL formula that is a number", null, "/expr/spel?expr=42", "42"),
            new Twin("SpEL property name", null, "/expr/spel-property?field=name", "alice"),
            new Twin("SpEL template with braces in the text", null,
                "/expr/spel-template?name=" + Http.enc("Ann {the admin}"), "Hello Ann {the admin}, you have 3 items"),
            new Twin("Jakarta EL template with punctuation", null, "/expr/el?name=" + Http.enc("Bob & Alice (team #2)"),
                "Dear Bob & Alice (team #2), welcome"),
            new Twin("OGNL property", null, "/expr/ognl?expr=items", "3"),
            new Twin("JEXL property path", null, "/expr/jexl?expr=" + Http.enc("order.items"), "3"),
            new Twin("MVEL property", null, "/expr/mvel?expr=items", "3"),
            new Twin("a stored rule of arithmetic", "/expr/rules/save?rule=" + Http.enc("items * 2"), "/expr/rules/run", "6"));
    }

    static List<String> attackNames() {
        return attacks().stream().map(Attack::name).toList();
    }

    static List<String> twinNames() {
        return twins().stream().map(Twin::name).toList();
    }

    static Attack attack(String name) {
        return attacks().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    static Twin twin(String name) {
        return twins().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
