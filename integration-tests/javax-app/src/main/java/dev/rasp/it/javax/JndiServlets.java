package dev.rasp.it.javax;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Deliberately injectable JNDI lookups (the same endpoints as the Spring app's JndiController, without Log4j).
 * Each answers {"name": the name looked up, "result" or "error": what the lookup gave}; a failed lookup is a 200 too
 * (the tests judge whether the lookup ran, not whether it found anything).
 */
final class JndiServlets {
    private JndiServlets() {}

    static Map<String, HttpServlet> all() {
        Map<String, HttpServlet> m = new LinkedHashMap<>();
        // The name is the request's: ldap://attacker/a makes the JVM connect to the attacker's server.
        m.put("/jndi/lookup", servlet(req -> req.getParameter("name")));
        // The application fixes the namespace; the input only names the resource under it (the benign twin).
        m.put("/jndi/resource", servlet(req -> "java:comp/env/jdbc/" + req.getParameter("name")));
        return m;
    }

    interface NameOf {
        String name(HttpServletRequest req);
    }

    private static HttpServlet servlet(NameOf nameOf) {
        return new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
                String name = nameOf.name(req);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("name", name);
                try {
                    out.put("result", String.valueOf(new InitialContext().lookup(name)));
                } catch (NamingException e) {
                    out.put("error", e.getClass().getSimpleName());
                }
                Servlets.JdbcServlet.json(res, 200, out);
            }
        };
    }
}
