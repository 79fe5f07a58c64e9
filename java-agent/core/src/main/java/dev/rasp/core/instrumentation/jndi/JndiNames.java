package dev.rasp.core.instrumentation.jndi;

import java.util.Locale;

/** JNDI names as the engine receives them. */
public final class JndiNames {

    private JndiNames() {
    }

    /** A String as it is; a javax.naming.Name as its toString() (a CompositeName joins its components with '/'). */
    public static String text(Object name) {
        return name instanceof String ? (String) name : String.valueOf(name);
    }

    /**
     * Whether the name has a URL scheme other than {@code java:}, read as
     * InitialContext.getURLScheme reads it (a colon before any slash, not first). Only such a
     * name can reach a remote provider; outside requests every other name is allowed without
     * asking the engine.
     */
    public static boolean mayBeRemote(String name) {
        int colon = name.indexOf(':');
        int slash = name.indexOf('/');
        if (colon <= 0 || (slash >= 0 && slash < colon)) {
            return false;
        }
        return !name.substring(0, colon).toLowerCase(Locale.ROOT).equals("java");
    }
}
