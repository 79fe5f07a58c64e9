package dev.rasp.core.instrumentation.expr;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import java.io.Reader;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.TypeShape;

import static dev.rasp.core.instrumentation.matching.Matchers.failSafe;
import static dev.rasp.core.instrumentation.matching.Matchers.hasSuperType;
import static dev.rasp.core.instrumentation.matching.Matchers.isAbstract;
import static dev.rasp.core.instrumentation.matching.Matchers.isBridge;
import static dev.rasp.core.instrumentation.matching.Matchers.isConstructor;
import static dev.rasp.core.instrumentation.matching.Matchers.isInterface;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.isStatic;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.nameStartsWith;
import static dev.rasp.core.instrumentation.matching.Matchers.namedOneOf;
import static dev.rasp.core.instrumentation.matching.Matchers.not;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * Expression languages as sinks, at the one method of each library that every way of parsing an
 * expression reaches, before it is parsed:
 * <ul>
 *   <li>SpEL: {@code TemplateAwareExpressionParser.parseExpression(String, ParserContext)}, which
 *   {@code SpelExpressionParser}'s {@code parseExpression} overloads and Spring's own callers
 *   (Thymeleaf, Spring Security, {@code @Value}) reach;</li>
 *   <li>OGNL (Struts): {@code Ognl.parseExpression(String)};</li>
 *   <li>MVEL: the static {@code MVEL} methods taking the expression as a {@code String} first;</li>
 *   <li>JEXL 3: {@code internal.Engine.createExpression} and {@code createScript};</li>
 *   <li>Jakarta and javax EL: {@code createValueExpression} and {@code createMethodExpression} on
 *   every ExpressionFactory implementation (Tomcat's, Expressly, JUEL);</li>
 *   <li>FreeMarker: the {@code Template} constructor taking the source {@code Reader} that every
 *   other constructor and {@code Configuration.getTemplate} reach (FreeMarker 2.3.22 and later);</li>
 *   <li>Velocity: {@code RuntimeInstance.parse(Reader, Template)}, which {@code Velocity.evaluate}
 *   and template loading reach;</li>
 *   <li>Thymeleaf: the {@code StringTemplateResource} constructor, where a template processed from
 *   a string (a {@code StringTemplateResolver}) gets its source. Its {@code ${...}} expressions
 *   also reach the SpEL hook, but without the {@code [[...]]} or attribute around them that input
 *   wrote: only the whole source shows that.</li>
 * </ul>
 * A template is judged as a whole: its source is read before the engine parses it (see
 * {@code RaspBridge.onTemplate}).
 */
public final class ExpressionInstrumentation implements InstrumentationModule {

    static final String SPEL_PARSER = "org.springframework.expression.common.TemplateAwareExpressionParser";
    static final String OGNL = "ognl.Ognl";
    static final String MVEL = "org.mvel2.MVEL";
    static final String JEXL_ENGINE = "org.apache.commons.jexl3.internal.Engine";
    static final String FREEMARKER_TEMPLATE = "freemarker.template.Template";
    static final String VELOCITY_RUNTIME = "org.apache.velocity.runtime.RuntimeInstance";
    static final String THYMELEAF_STRING_RESOURCE = "org.thymeleaf.templateresource.StringTemplateResource";

    @Override
    public String name() {
        return "expr";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(SPEL_PARSER, OGNL, MVEL, JEXL_ENGINE, FREEMARKER_TEMPLATE, VELOCITY_RUNTIME,
                THYMELEAF_STRING_RESOURCE, "jakarta.el.ExpressionFactory", "javax.el.ExpressionFactory");
    }

    /** Jakarta and javax ExpressionFactory implementations, in one walk of the hierarchy. */
    private static Matcher<TypeShape> elFactories() {
        return not(isInterface()).and(not(isAbstract()))
                .and(failSafe(hasSuperType(namedOneOf("jakarta.el.ExpressionFactory", "javax.el.ExpressionFactory"))));
    }

    private static Matcher<MethodShape> elMethods() {
        return isMethod().and(not(isAbstract())).and(namedOneOf("createValueExpression", "createMethodExpression"))
                .and(takesArgument(1, String.class));
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder
                .type(named(SPEL_PARSER))
                .transform(advice(adviceLoader).advice(isMethod().and(named("parseExpression")).and(takesArguments(2))
                                .and(takesArgument(0, String.class)),
                        CachedAdvice.nested(ExpressionAdvice.class, "Spel")))
                .type(named(OGNL))
                .transform(advice(adviceLoader).advice(isMethod().and(isStatic()).and(named("parseExpression"))
                                .and(takesArguments(1)).and(takesArgument(0, String.class)),
                        CachedAdvice.nested(ExpressionAdvice.class, "Ognl")))
                .type(named(MVEL))
                .transform(advice(adviceLoader).advice(isMethod().and(isStatic())
                                .and(nameStartsWith("eval").or(named("compileExpression")).or(named("executeExpression")))
                                .and(takesArgument(0, String.class)),
                        CachedAdvice.nested(ExpressionAdvice.class, "Mvel")))
                .type(named(JEXL_ENGINE))
                .transform(advice(adviceLoader)
                        .advice(isMethod().and(named("createExpression")).and(not(isBridge())).and(takesArguments(2))
                                        .and(takesArgument(1, String.class)),
                                CachedAdvice.nested(ExpressionAdvice.class, "JexlExpression"))
                        .advice(isMethod().and(named("createScript")).and(not(isBridge())).and(takesArguments(4))
                                        .and(takesArgument(2, String.class)),
                                CachedAdvice.nested(ExpressionAdvice.class, "JexlScript")))
                .type(elFactories())
                .transform(advice(adviceLoader).advice(elMethods(), CachedAdvice.nested(ExpressionAdvice.class, "El")))
                .type(named(FREEMARKER_TEMPLATE))
                .transform(advice(adviceLoader).advice(isConstructor().and(takesArguments(6))
                                .and(takesArgument(2, Reader.class)),
                        CachedAdvice.nested(ExpressionAdvice.class, "FreeMarker")))
                .type(named(VELOCITY_RUNTIME))
                .transform(advice(adviceLoader).advice(isMethod().and(named("parse")).and(takesArguments(2))
                                .and(takesArgument(0, Reader.class)),
                        CachedAdvice.nested(ExpressionAdvice.class, "Velocity")))
                .type(named(THYMELEAF_STRING_RESOURCE))
                .transform(advice(adviceLoader).advice(isConstructor().and(takesArguments(1))
                                .and(takesArgument(0, String.class)),
                        CachedAdvice.nested(ExpressionAdvice.class, "Thymeleaf")));
    }

    private static CachedAdvice advice(ClassLoader adviceLoader) {
        return CachedAdvice.of(adviceLoader);
    }
}
