package dev.rasp.core.instrumentation.jndi;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Inlined at the start of {@code getRootURLContext(String, Hashtable)} of the JDK's URL contexts
 * (ldapURLContext, rmiURLContext, dnsURLContext), where each of their name operations resolves a
 * URL name to the provider's root context before connecting. Reached without InitialContext too:
 * NamingManager.getURLContext(scheme, env).lookup(url), a URL context a lookup returned, an rmi:
 * Reference address. Not suppressing: RaspBlockedException must stop the lookup.
 */
public final class UrlContextAdvice {

    private UrlContextAdvice() {
    }

    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(0) String url) {
        RaspBridge.onJndi(JndiApi.URL_CONTEXT, url);
    }
}
