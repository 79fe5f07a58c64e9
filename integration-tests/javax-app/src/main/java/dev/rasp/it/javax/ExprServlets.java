package dev.rasp.it.javax;

import java.io.IOException;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.el.ExpressionFactory;
import javax.el.StandardELContext;
import javax.el.ValueExpression;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import ognl.AbstractMemberAccess;
import ognl.Ognl;
import ognl.OgnlContext;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.MapContext;
import org.apache.commons.jexl3.introspection.JexlPermissions;
import org.mvel2.MVEL;

/**
 * Deliberately injectable expression evaluation on a plain javax.servlet application (the Spring app's
 * ExprController without Spring): a javax EL message template (GlassFish's javax.el, as JSP containers embed it),
 * OGNL over a root object (Struts 2's language), a JEXL 3 filter, an MVEL formula, and a stored MVEL rule evaluated by
 * a later request. Each answers the value as text/plain; an evaluation error is a 500.
 */
final class ExprServlets {
    private ExprServlets() {}

    /** The root every expression sees: an order with three items, and a report it can save. */
    public static final class Order {
        public int getItems() {
            return 3;
        }

        public String getName() {
            return "alice";
        }

        public String save(String path) throws IOException {
            Files.write(Path.of(path), "saved by an expression\n".getBytes(StandardCharsets.UTF_8));
            return "saved";
        }
    }

    interface Eval {
        Object run(HttpServletRequest req) throws Exception;
    }

    private static final AtomicReference<String> STORED_RULE = new AtomicReference<>("items * 2");

    static Map<String, HttpServlet> all() {
        Map<String, HttpServlet> m = new LinkedHashMap<>();
        m.put("/expr/el", servlet(req -> el(req.getParameter("name"))));
        m.put("/expr/ognl", servlet(req -> ognl(req.getParameter("expr"))));
        m.put("/expr/jexl", servlet(req -> new JexlBuilder().permissions(JexlPermissions.UNRESTRICTED).create()
            .createExpression(req.getParameter("expr"))
            .evaluate(new MapContext(Map.of("order", new Order())))));
        m.put("/expr/mvel", servlet(req -> MVEL.eval(req.getParameter("expr"), new Order())));
        // A pricing rule stored by one request (nothing parsed) and evaluated by a later one: the expression then
        // holds no input of the request that runs it.
        m.put("/expr/rules/save", servlet(req -> {
            STORED_RULE.set(req.getParameter("rule"));
            return "stored";
        }));
        m.put("/expr/rules/run", servlet(req -> MVEL.eval(STORED_RULE.get(), new Order())));
        return m;
    }

    private static String el(String name) {
        ExpressionFactory factory = ExpressionFactory.newInstance();
        StandardELContext context = new StandardELContext(factory);
        context.getVariableMapper().setVariable("report", factory.createValueExpression(new Order(), Order.class));
        ValueExpression message = factory.createValueExpression(context, "Dear " + name + ", welcome", String.class);
        return (String) message.getValue(context);
    }

    private static Object ognl(String expr) throws Exception {
        Order root = new Order();
        OgnlContext context = Ognl.createDefaultContext(root, new AbstractMemberAccess() {
            @Override
            public boolean isAccessible(OgnlContext c, Object target, Member member, String property) {
                return Modifier.isPublic(member.getModifiers());
            }
        });
        return Ognl.getValue(Ognl.parseExpression(expr), context, root);
    }

    private static HttpServlet servlet(Eval eval) {
        return new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
                String out;
                try {
                    out = String.valueOf(eval.run(req));
                    res.setStatus(200);
                } catch (RuntimeException e) {
                    throw e; // the agent's block travels as an unchecked exception: the container answers it
                } catch (Exception e) {
                    out = "error: " + e;
                    res.setStatus(500);
                }
                res.setContentType("text/plain;charset=utf-8");
                res.getWriter().write(out);
            }
        };
    }
}
