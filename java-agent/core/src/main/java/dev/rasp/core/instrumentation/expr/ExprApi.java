package dev.rasp.core.instrumentation.expr;

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
        try {
            Method isTemplate = IS_TEMPLATE.get(parserContext.getClass());
            if (isTemplate == null) {
                return SPEL;
            }
            return Boolean.TRUE.equals(isTemplate.invoke(parserContext)) ? SPEL_TEMPLATE : SPEL;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return SPEL; // read as code: the stricter reading
        }
    }

    private static final String PARSER_CONTEXT = "org.springframework.expression.ParserContext";

    /**
     * {@code ParserContext.isTemplate()} for each context class, found once per class (Spring parses
     * a few hundred bean expressions at a start, each with a context). Taken from the interface, not
     * the class: the contexts Spring itself passes ({@code ParserContext.TEMPLATE_EXPRESSION}, the bean
     * expression resolver's) are anonymous classes, whose own public method reflection may not call
     * from another package. Null when the class does not implement the interface.
     */
    private static final ClassValue<Method> IS_TEMPLATE = new ClassValue<Method>() {
        @Override
        protected Method computeValue(Class<?> type) {
            Class<?> api = parserContextType(type);
            try {
                return api == null ? null : api.getMethod("isTemplate");
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
    };

    private static Class<?> parserContextType(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                Class<?> found = i.getName().equals(PARSER_CONTEXT) ? i : parserContextType(i);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
