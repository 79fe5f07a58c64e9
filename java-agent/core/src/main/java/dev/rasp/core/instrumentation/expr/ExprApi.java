package dev.rasp.core.instrumentation.expr;

import dev.rasp.core.instrumentation.ApiMethods;

import java.lang.reflect.Method;

/** The ExprApi codes of the native contract (docs/native-boundary.md). */
public final class ExprApi {
    public static final int SPEL = 0;
    public static final int SPEL_TEMPLATE = 1;
    public static final int OGNL = 2;
    public static final int MVEL = 3;
    public static final int JEXL = 4;
    public static final int JAKARTA_EL = 5;
    public static final int JAVAX_EL = 6;
    public static final int FREEMARKER = 7;
    public static final int VELOCITY = 8;
    public static final int THYMELEAF = 9;
    /** What the EL advice sends: the core makes it JAKARTA_EL or JAVAX_EL from the factory. */
    public static final int EL = -1;

    private ExprApi() {
    }

    /** The code of an EL parse by {@code factory}: javax when it is a javax.el.ExpressionFactory. */
    public static int el(Object factory) {
        for (Class<?> c = factory.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("javax.el.ExpressionFactory")) {
                return JAVAX_EL;
            }
        }
        return JAKARTA_EL;
    }

    /** The code to send for a parse the advice reported as {@code api} with {@code detail}. */
    public static int of(int api, Object detail) {
        if (api == SPEL) {
            return spel(detail);
        }
        return api == EL ? el(detail) : api;
    }

    /**
     * SpEL's code for a parse with {@code parserContext} (an
     * org.springframework.expression.ParserContext or null): a template context makes the text
     * literal around its delimiters.
     */
    public static int spel(Object parserContext) {
        if (parserContext == null) {
            return SPEL;
        }
        // from the interface, found once per context class: Spring's own contexts
        // (ParserContext.TEMPLATE_EXPRESSION, the bean expression resolver's) are anonymous classes
        Method isTemplate = ApiMethods.ofInterface(parserContext.getClass(), PARSER_CONTEXT, "isTemplate");
        if (isTemplate == null) {
            return SPEL; // read as code: the stricter reading
        }
        return Boolean.TRUE.equals(ApiMethods.call(isTemplate, parserContext)) ? SPEL_TEMPLATE : SPEL;
    }

    private static final String PARSER_CONTEXT = "org.springframework.expression.ParserContext";
}
