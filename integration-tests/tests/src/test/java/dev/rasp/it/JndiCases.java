package dev.rasp.it;

import java.util.ArrayList;
import java.util.List;

/**
 * JNDI injection against the test applications ({@code /jndi/...}): a lookup name from the request, and Log4Shell
 * (the Spring app's Log4j 2.14.1 logging the {@code X-Api-Version} header). Every attack names a server on the
 * test's {@link LookupTrap}; the effect is the trap receiving a connection. Each has a benign twin on the same
 * endpoint.
 */
final class JndiCases {
    private JndiCases() {}

    /** An attack: the request, the header carrying it (or null for the query), the input value, the transform. */
    record Attack(String id, String app, String target, String header, String input, String transform) {
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
        out.add(new Attack("lookup-ldap", app, "/jndi/lookup?name=" + Http.enc(name), null, name, null));
        String rmi = "rmi://127.0.0.1:" + port + "/Exploit";
        out.add(new Attack("lookup-rmi", app, "/jndi/lookup?name=" + Http.enc(rmi), null, rmi, null));
        if (app.equals("spring")) {
            out.add(new Attack("log4j-plain", app, "/jndi/log4j", "X-Api-Version", "${jndi:" + name + "}",
                "lookup-decoded"));
            out.add(new Attack("log4j-obfuscated", app, "/jndi/log4j", "X-Api-Version",
                "${${lower:j}ndi:${lower:l}${::-d}${env:NOTHING:-a}p://127.0.0.1:" + port + "/a}", "lookup-decoded"));
        }
        return out;
    }

    static List<Twin> twins(String app) {
        List<Twin> out = new ArrayList<>();
        out.add(new Twin("resource-under-java-comp", app, "/jndi/resource?name=users", null, null,
            "java:comp/env/jdbc/users"));
        out.add(new Twin("lookup-local-name", app, "/jndi/lookup?name=users", null, null, "\"name\":\"users\""));
        if (app.equals("spring")) {
            out.add(new Twin("log4j-plain-header", app, "/jndi/log4j", "X-Api-Version", "2.1.0 (ldap clients welcome)",
                "2.1.0"));
        }
        return out;
    }
}
