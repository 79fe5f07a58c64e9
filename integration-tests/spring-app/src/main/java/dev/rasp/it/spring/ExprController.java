package dev.rasp.it.spring;

import jakarta.el.ExpressionFactory;
import jakarta.el.StandardELContext;
import jakarta.el.ValueExpression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.util.Map;
import ognl.AbstractMemberAccess;
import ognl.Ognl;
import ognl.OgnlContext;
import ognl.OgnlException;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.MapContext;
import org.apache.commons.jexl3.introspection.JexlPermissions;
import org.mvel2.MVEL;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.common.TemplateParserContext;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deliberately injectable expression evaluation, the shapes real applications have: a "formula" field evaluated as
 * SpEL, a sort property name, a greeting template with {@code #{...}} parts, a Jakarta EL message template (Tomcat's
 * EL), OGNL over a root object (Struts' language), and a rule stored by one request and evaluated by a later one
 * (the expression then holds no input of the request that runs it).
 */
@RestController
@RequestMapping("/expr")
public class ExprController {
    private final ExpressionParser spel = new SpelExpressionParser();
    private final AtomicReference<String> storedRule = new AtomicReference<>("items * 2");

    /** The root every expression sees: an order with three items, and a report it can save. */
    public static final class Order {
        public int getItems() {
            return 3;
        }

        public String getName() {
            return "alice";
        }

        public String save(String path) throws IOException {
            Files.writeString(Path.of(path), "saved by an expression\n");
            return "saved";
        }
    }

    @GetMapping("/spel")
    public String spel(@RequestParam String expr) {
        return String.valueOf(spel.parseExpression(expr).getValue(new StandardEvaluationContext(new Order())));
    }

    @GetMapping("/spel-property")
    public String spelProperty(@RequestParam String field) {
        return String.valueOf(spel.parseExpression(field).getValue(new StandardEvaluationContext(new Order())));
    }

    @GetMapping("/spel-template")
    public String spelTemplate(@RequestParam String name) {
        return spel.parseExpression("Hello " + name + ", you have #{items} items", new TemplateParserContext())
                .getValue(new StandardEvaluationContext(new Order()), String.class);
    }

    @GetMapping("/el")
    public String el(@RequestParam String name) {
        ExpressionFactory factory = ExpressionFactory.newInstance();
        StandardELContext context = new StandardELContext(factory);
        context.getVariableMapper().setVariable("report", factory.createValueExpression(new Order(), Order.class));
        ValueExpression message = factory.createValueExpression(context, "Dear " + name + ", welcome", String.class);
        return (String) message.getValue(context);
    }

    @GetMapping("/ognl")
    public String ognl(@RequestParam String expr) throws OgnlException {
        Order root = new Order();
        OgnlContext context = Ognl.createDefaultContext(root, new AbstractMemberAccess() {
            @Override
            public boolean isAccessible(OgnlContext c, Object target, Member member, String name) {
                return Modifier.isPublic(member.getModifiers());
            }
        });
        return String.valueOf(Ognl.getValue(Ognl.parseExpression(expr), context, root));
    }

    /** JEXL 3 with the order as variable {@code order}: a "filter" written by the user. */
    @GetMapping("/jexl")
    public String jexl(@RequestParam String expr) {
        JexlEngine jexl = new JexlBuilder().permissions(JexlPermissions.UNRESTRICTED).create();
        MapContext context = new MapContext(Map.of("order", new Order()));
        return String.valueOf(jexl.createExpression(expr).evaluate(context));
    }

    /** MVEL over the order: a pricing formula. */
    @GetMapping("/mvel")
    public String mvel(@RequestParam String expr) {
        return String.valueOf(MVEL.eval(expr, new Order()));
    }

    /** Stores a pricing rule (no expression is parsed here). */
    @GetMapping("/rules/save")
    public String saveRule(@RequestParam String rule) {
        storedRule.set(rule);
        return "stored";
    }

    /** Evaluates the stored rule: the expression comes from storage, not from this request. */
    @GetMapping("/rules/run")
    public String runRule() {
        return String.valueOf(spel.parseExpression(storedRule.get()).getValue(new StandardEvaluationContext(new Order())));
    }
}
