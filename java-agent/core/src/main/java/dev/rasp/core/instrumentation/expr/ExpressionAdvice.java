package dev.rasp.core.instrumentation.expr;

import dev.rasp.bootstrap.RaspBridge;
import java.io.Reader;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Expressions about to be parsed. Each advice only hands the expression text (and SpEL's parser
 * context) to the bridge; not suppressing: RaspBlockedException must stop the parse.
 */
public final class ExpressionAdvice {

    private ExpressionAdvice() {
    }

    /** TemplateAwareExpressionParser.parseExpression(String, ParserContext). */
    public static final class Spel {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object expression, @Advice.Argument(1) Object parserContext) {
            RaspBridge.onExpression(ExprApi.SPEL, expression, parserContext);
        }
    }

    /** Ognl.parseExpression(String). */
    public static final class Ognl {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object expression) {
            RaspBridge.onExpression(ExprApi.OGNL, expression, null);
        }
    }

    /** The static MVEL methods whose first argument is the expression. */
    public static final class Mvel {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object expression) {
            RaspBridge.onExpression(ExprApi.MVEL, expression, null);
        }
    }

    /** JEXL's Engine.createExpression(JexlInfo, String). */
    public static final class JexlExpression {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(1) Object expression) {
            RaspBridge.onExpression(ExprApi.JEXL, expression, null);
        }
    }

    /** JEXL's Engine.createScript(JexlFeatures, JexlInfo, String, String...). */
    public static final class JexlScript {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(2) Object script) {
            RaspBridge.onExpression(ExprApi.JEXL, script, null);
        }
    }

    /**
     * createValueExpression / createMethodExpression(ELContext, String, ...) of a Jakarta or javax
     * ExpressionFactory; the core tells which from the factory.
     */
    public static final class El {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Object factory, @Advice.Argument(1) Object expression) {
            RaspBridge.onExpression(ExprApi.EL, expression, factory);
        }
    }

    /**
     * FreeMarker's Template(String, String, Reader, Configuration, ParserConfiguration, String),
     * which every other constructor and Configuration.getTemplate reach: the template's source is
     * judged, and the engine parses the same text from the reader the bridge hands back.
     */
    public static final class FreeMarker {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(value = 2, readOnly = false) Reader source) {
            source = (Reader) RaspBridge.onTemplate(ExprApi.FREEMARKER, source);
        }
    }

    /** Velocity's RuntimeInstance.parse(Reader, Template): Velocity.evaluate and template loading reach it. */
    public static final class Velocity {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Reader source) {
            source = (Reader) RaspBridge.onTemplate(ExprApi.VELOCITY, source);
        }
    }

    /** Thymeleaf's template from a string: the string is the template's source. */
    public static final class Thymeleaf {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object source) {
            RaspBridge.onExpression(ExprApi.THYMELEAF, source, null);
        }
    }
}
