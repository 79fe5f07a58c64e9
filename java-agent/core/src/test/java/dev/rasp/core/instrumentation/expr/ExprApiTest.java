package dev.rasp.core.instrumentation.expr;

import org.junit.jupiter.api.Test;
import org.springframework.expression.ParserContext;
import org.springframework.expression.common.TemplateParserContext;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The SpEL code sent with an expression: template or code, as the parser context the application passed says. */
class ExprApiTest {

    /** Not public: as Spring's own contexts (ParserContext.TEMPLATE_EXPRESSION, the bean expression resolver's). */
    private static final class PackagePrivateContext implements ParserContext {
        private final boolean template;

        PackagePrivateContext(boolean template) {
            this.template = template;
        }

        @Override
        public boolean isTemplate() {
            return template;
        }

        @Override
        public String getExpressionPrefix() {
            return "#{";
        }

        @Override
        public String getExpressionSuffix() {
            return "}";
        }
    }

    /** A context one step removed from the interface (a subclass of a non-public implementation). */
    private static final class CodeContext extends AbstractContext {
        @Override
        public boolean isTemplate() {
            return false;
        }
    }

    abstract static class AbstractContext implements ParserContext {
        @Override
        public String getExpressionPrefix() {
            return "${";
        }

        @Override
        public String getExpressionSuffix() {
            return "}";
        }
    }

    @Test
    void aTemplateContextIsReadAsATemplateWhateverItsClassesAccess() {
        assertEquals(ExprApi.SPEL_TEMPLATE, ExprApi.of(ExprApi.SPEL, ParserContext.TEMPLATE_EXPRESSION),
                "Spring's own anonymous template context");
        assertEquals(ExprApi.SPEL_TEMPLATE, ExprApi.of(ExprApi.SPEL, new TemplateParserContext()));
        assertEquals(ExprApi.SPEL_TEMPLATE, ExprApi.of(ExprApi.SPEL, new PackagePrivateContext(true)));
        // asked again: the method found for the class is used again
        assertEquals(ExprApi.SPEL_TEMPLATE, ExprApi.of(ExprApi.SPEL, ParserContext.TEMPLATE_EXPRESSION));
    }

    @Test
    void aCodeContextNoContextOrAnotherObjectIsReadAsCode() {
        assertEquals(ExprApi.SPEL, ExprApi.of(ExprApi.SPEL, new PackagePrivateContext(false)));
        assertEquals(ExprApi.SPEL, ExprApi.of(ExprApi.SPEL, new CodeContext()));
        assertEquals(ExprApi.SPEL, ExprApi.of(ExprApi.SPEL, null));
        assertEquals(ExprApi.SPEL, ExprApi.of(ExprApi.SPEL, "not a parser context"), "the stricter reading");
    }

    @Test
    void otherApisKeepTheirCode() {
        assertEquals(ExprApi.OGNL, ExprApi.of(ExprApi.OGNL, null));
        assertEquals(ExprApi.JAKARTA_EL, ExprApi.of(ExprApi.EL, new Object()));
    }
}
