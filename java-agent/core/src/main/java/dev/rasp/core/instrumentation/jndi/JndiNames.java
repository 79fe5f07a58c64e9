package dev.rasp.core.instrumentation.jndi;

import java.util.Hashtable;
import java.util.Locale;
import javax.naming.Context;
import javax.naming.Name;

/** JNDI names as the engine receives them. */
public final class JndiNames {

    private JndiNames() {
    }

    /**
     * A String as it is; a javax.naming.Name of one component as that component (what
     * InitialContext reads the scheme of and a URL context receives; its toString() would
     * escape the URL's slashes); any other Name as its toString() (a CompositeName joins its
     * components with '/').
     */
    public static String text(Object name) {
        if (name instanceof String) {
            return (String) name;
        }
        if (name instanceof Name && ((Name) name).size() == 1) {
            return ((Name) name).get(0);
        }
        return String.valueOf(name);
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

    /**
     * The provider URL of an initial context's environment (a Hashtable, as
     * NamingManager.getInitialContext receives it), or null when it has none or it cannot
     * reach a remote provider. A space-separated list is returned whole: the engine judges it
     * as one value.
     */
    public static String providerUrl(Object environment) {
        if (!(environment instanceof Hashtable)) {
            return null;
        }
        Object url = ((Hashtable<?, ?>) environment).get(Context.PROVIDER_URL);
        if (!(url instanceof String)) {
            return null;
        }
        String text = (String) url;
        for (String one : text.split(" ")) {
            if (mayBeRemote(one)) {
                return text;
            }
        }
        return null;
    }

    /**
     * Whether the URL a URL context is resolving is the name InitialContext's hook judged last
     * on this thread ({@code judged}): InitialContext.lookup(String) hands the same String on;
     * lookup(Name) hands on the Name's first component.
     */
    public static boolean sameName(Object judged, Object url) {
        if (judged == null) {
            return false;
        }
        if (judged == url) {
            return true;
        }
        if (judged instanceof Name) {
            Name name = (Name) judged;
            return !name.isEmpty() && name.get(0) == url;
        }
        return false;
    }
}
