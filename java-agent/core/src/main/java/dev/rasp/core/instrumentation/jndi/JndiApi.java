package dev.rasp.core.instrumentation.jndi;

/** JndiApi codes (docs/native-boundary.md): which JNDI entry point a name came through. */
public final class JndiApi {

    private JndiApi() {
    }

    /** Any name operation of javax.naming.InitialContext and its subclasses. */
    public static final int INITIAL_CONTEXT = 0;

    /**
     * A JDK URL context (ldap:, ldaps:, rmi:, dns:) resolving a URL name to its provider:
     * getRootURLContext(String, Hashtable), however the context was reached.
     */
    public static final int URL_CONTEXT = 1;

    /**
     * The provider URL (java.naming.provider.url) of an initial context's environment, as
     * NamingManager.getInitialContext(Hashtable) hands it to the factory. The hook passes the
     * environment; the core reads the URL out of it.
     */
    public static final int PROVIDER_URL = 2;
}
