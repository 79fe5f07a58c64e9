package dev.rasp.it;

import java.nio.file.Path;
import java.util.List;

/**
 * Expression-language injection on the Spring app's {@code /expr/*} endpoints ({@code ExprController}) and the javax
 * app's ({@code ExprServlets}: javax EL, OGNL, JEXL, MVEL on Jetty, cases named {@code "javax: ..."}), and the benign
 * twins. Each attack creates a marker file when it runs ({@code {M}} in its request: a fresh path under the
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

        /** The {@code sink.dialect} the event must name for a template engine's case (null: any language). */
        String dialect() {
            if (target.contains("/thymeleaf")) {
                return "thymeleaf"; // the template's source is judged before SpEL sees its ${...}
            }
            return target.contains("/freemarker") ? "freemarker" : target.contains("/velocity") ? "velocity" : null;
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
                "/expr/rules/run", "expr.policy.dangerous_class"),
            new Attack("FreeMarker greeting text writing a directive that runs Execute", null,
                "/expr/freemarker?greeting=" + Http.enc(FTL_EXECUTE) + "{M}" + Http.enc("\")}"), "expr.injection"),
            new Attack("Velocity greeting text writing a directive that reaches Runtime", null,
                "/expr/velocity?greeting=" + Http.enc(VTL_RUNTIME) + "{M}" + Http.enc("\")"), "expr.injection"),
            new Attack("a stored FreeMarker template running Execute, rendered by a later request",
                "/expr/freemarker/templates/save?source=" + Http.enc(FTL_EXECUTE) + "{M}" + Http.enc("\")}"),
                "/expr/freemarker/templates/run", "expr.policy.dangerous_class"),
            new Attack("a stored Velocity template reaching Runtime, rendered by a later request",
                "/expr/velocity/templates/save?source=" + Http.enc(VTL_RUNTIME) + "{M}" + Http.enc("\")"),
                "/expr/velocity/templates/run", "expr.policy.dangerous_class"),
            new Attack("Thymeleaf template whose ${...} the input extends with a method call", null,
                "/expr/thymeleaf?field=" + Http.enc("save('") + "{M}" + Http.enc("')"), "expr.injection"),
            new Attack("Thymeleaf greeting text writing an inlined expression", null,
                "/expr/thymeleaf-greeting?greeting=" + Http.enc("[[${order.save('") + "{M}" + Http.enc("')}]]"),
                "expr.injection"));
    }

    /** FreeMarker's Execute model running {@code touch <marker>} (the marker path and {@code ")}} follow). */
    static final String FTL_EXECUTE = "<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"touch ";

    /** Velocity reaching Runtime through the root's class: {@code touch <marker>} (the path and {@code ")} follow). */
    static final String VTL_RUNTIME =
        "#set($rt = $order.getClass().forName(\"java.lang.Runtime\"))$rt.getRuntime().exec(\"touch ";

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
            new Twin("a stored rule of arithmetic", "/expr/rules/save?rule=" + Http.enc("items * 2"), "/expr/rules/run", "6"),
            new Twin("FreeMarker greeting of literal text", null,
                "/expr/freemarker?greeting=" + Http.enc("Ann & Bob (team #2) costs 5 $, [#1] x<y"),
                "Hello Ann & Bob (team #2) costs 5 $, [#1] x<y!"),
            new Twin("FreeMarker greeting with FTL syntax as a data-model value", null,
                "/expr/freemarker-model?name=" + Http.enc("${7*7} <#if x>"), "Hello ${7*7} <#if x>!"),
            new Twin("a stored FreeMarker template with an interpolation",
                "/expr/freemarker/templates/save?source=" + Http.enc("You have ${order.items} items"),
                "/expr/freemarker/templates/run", "You have 3 items"),
            new Twin("Velocity greeting of literal text", null,
                "/expr/velocity?greeting=" + Http.enc("Ann & Bob (team #2) costs $5, #hashtag"),
                "Hello Ann & Bob (team #2) costs $5, #hashtag!"),
            new Twin("Velocity greeting with VTL syntax as a data-model value", null,
                "/expr/velocity-model?name=" + Http.enc("$order.items #set($a=1)"), "Hello $order.items #set($a=1)!"),
            new Twin("a stored Velocity template with a reference",
                "/expr/velocity/templates/save?source=" + Http.enc("You have $order.items items"),
                "/expr/velocity/templates/run", "You have 3 items"),
            new Twin("Thymeleaf template showing the property the input names", null,
                "/expr/thymeleaf?field=items", "<p>3</p>"),
            new Twin("Thymeleaf greeting of literal text", null,
                "/expr/thymeleaf-greeting?greeting=" + Http.enc("Ann and Bob (team #2) costs 5 $, {x}"),
                "<p>Hello Ann and Bob (team #2) costs 5 $, {x}!</p>"),
            new Twin("Thymeleaf page with expression syntax as a model variable", null,
                "/expr/thymeleaf-model?name=" + Http.enc("[[${order.items}]] __${7*7}__"),
                "<p>[[${order.items}]] __${7*7}__</p>"));
    }

    /** The prefix of the javax app's cases: the ITs send them to the Jetty app. */
    static final String JAVAX = "javax: ";

    static boolean onJavax(String name) {
        return name.startsWith(JAVAX);
    }

    /** The javax app's attacks: the same shapes through javax EL (GlassFish), OGNL, JEXL and MVEL on Jetty. */
    static List<Attack> javaxAttacks() {
        return List.of(
            new Attack(JAVAX + "javax EL template text opening an expression", null,
                "/expr/el?name=" + Http.enc("${report.save('") + "{M}" + Http.enc("')}"), "expr.injection"),
            new Attack(JAVAX + "javax EL deferred-syntax text calling a method", null,
                "/expr/el?name=" + Http.enc("#{report.save('") + "{M}" + Http.enc("')}"), "expr.injection"),
            new Attack(JAVAX + "OGNL expression calling a method", null,
                "/expr/ognl?expr=" + Http.enc("save('") + "{M}" + Http.enc("')"), "expr.injection"),
            new Attack(JAVAX + "OGNL expression constructing a FileOutputStream", null,
                "/expr/ognl?expr=" + Http.enc("new java.io.FileOutputStream('") + "{M}" + Http.enc("').close()"),
                "expr.injection"),
            new Attack(JAVAX + "JEXL filter calling a method", null,
                "/expr/jexl?expr=" + Http.enc("order.save('") + "{M}" + Http.enc("')"), "expr.injection"),
            new Attack(JAVAX + "MVEL formula calling a method", null,
                "/expr/mvel?expr=" + Http.enc("save('") + "{M}" + Http.enc("')"), "expr.injection"),
            new Attack(JAVAX + "a stored MVEL rule reaching Runtime, evaluated by a later request",
                "/expr/rules/save?rule=" + Http.enc("java.lang.Runtime.getRuntime().exec('touch ") + "{M}" + Http.enc("').waitFor()"),
                "/expr/rules/run", "expr.policy.dangerous_class"));
    }

    static List<Twin> javaxTwins() {
        return List.of(
            new Twin(JAVAX + "javax EL template with punctuation", null, "/expr/el?name=" + Http.enc("Bob & Alice (team #2) {x}"),
                "Dear Bob & Alice (team #2) {x}, welcome"),
            new Twin(JAVAX + "OGNL property", null, "/expr/ognl?expr=items", "3"),
            new Twin(JAVAX + "JEXL property path", null, "/expr/jexl?expr=" + Http.enc("order.items"), "3"),
            new Twin(JAVAX + "MVEL property", null, "/expr/mvel?expr=items", "3"),
            new Twin(JAVAX + "a stored MVEL rule of arithmetic", "/expr/rules/save?rule=" + Http.enc("items * 2"),
                "/expr/rules/run", "6"));
    }

    static List<String> attackNames() {
        return java.util.stream.Stream.concat(attacks().stream(), javaxAttacks().stream()).map(Attack::name).toList();
    }

    static List<String> twinNames() {
        return java.util.stream.Stream.concat(twins().stream(), javaxTwins().stream()).map(Twin::name).toList();
    }

    static Attack attack(String name) {
        return java.util.stream.Stream.concat(attacks().stream(), javaxAttacks().stream())
            .filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    static Twin twin(String name) {
        return java.util.stream.Stream.concat(twins().stream(), javaxTwins().stream())
            .filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
