package dev.rasp.core.instrumentation.jndi;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Inlined at the start of the static {@code javax.naming.spi.NamingManager.getInitialContext(Hashtable)},
 * which every initial context (InitialContext, InitialDirContext, InitialLdapContext, Spring
 * LDAP's context sources through them) passes with its merged environment before the factory
 * connects to the environment's provider URL. The environment goes to the bridge whole: the core
 * reads java.naming.provider.url out of it. Not suppressing.
 */
public final class ProviderUrlAdvice {

    private ProviderUrlAdvice() {
    }

    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(0) Object environment) {
        RaspBridge.onJndi(JndiApi.PROVIDER_URL, environment);
    }
}
