package dev.rasp.it.javax;

import java.io.IOException;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import javax.naming.spi.NamingManager;
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
        // The application builds the initial context's provider URL around the server the request names.
        m.put("/jndi/directory", op(req -> directoryAt("ldap://" + req.getParameter("server") + "/dc=example")));
        // The twin: the application fixes the server; the input is only the entry's DN.
        m.put("/jndi/directory-entry", op(req -> directoryAt("ldap://localhost:1/" + req.getParameter("dn"))));
        // A URL name resolved through the URL context for its scheme, without InitialContext.
        m.put("/jndi/url-context", op(req -> urlContext(req.getParameter("name"))));
        // The twin: the application fixes the scheme and server; the input is the entry's common name.
        m.put("/jndi/url-context-entry", op(req -> urlContext("ldap://localhost:1/cn=" + req.getParameter("cn"))));
        return m;
    }

    interface Op {
        Map<String, Object> run(HttpServletRequest req);
    }

    private static HttpServlet op(Op op) {
        return new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
                Servlets.JdbcServlet.json(res, 200, op.run(req));
            }
        };
    }

    private static Map<String, Object> directoryAt(String providerUrl) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("provider", providerUrl);
        Hashtable<String, Object> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        env.put(Context.PROVIDER_URL, providerUrl);
        env.put("com.sun.jndi.ldap.connect.timeout", "3000");
        try {
            DirContext ctx = new InitialDirContext(env);
            try {
                out.put("result", String.valueOf(ctx.getAttributes("")));
            } finally {
                ctx.close();
            }
        } catch (NamingException e) {
            out.put("error", e.getClass().getSimpleName());
        }
        return out;
    }

    private static Map<String, Object> urlContext(String name) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        int colon = name.indexOf(':');
        try {
            Hashtable<String, Object> env = new Hashtable<>();
            env.put("com.sun.jndi.ldap.connect.timeout", "3000");
            Context ctx = colon > 0 ? NamingManager.getURLContext(name.substring(0, colon), env) : null;
            if (ctx == null) {
                out.put("error", "no URL context");
            } else if (ctx instanceof DirContext) {
                out.put("result", String.valueOf(((DirContext) ctx).getAttributes(name)));
            } else {
                out.put("result", String.valueOf(ctx.lookup(name)));
            }
        } catch (NamingException e) {
            out.put("error", e.getClass().getSimpleName());
        }
        return out;
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
