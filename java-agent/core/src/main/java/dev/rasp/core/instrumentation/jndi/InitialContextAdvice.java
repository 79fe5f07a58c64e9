package dev.rasp.core.instrumentation.jndi;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Inlined at the start of {@code javax.naming.InitialContext.getURLOrDefaultInitCtx(String)} and
 * {@code (Name)}, where every name operation of InitialContext, InitialDirContext and
 * InitialLdapContext (lookup, lookupLink, bind, list, search, getAttributes, ...) picks the
 * context for the name, with the name as the application (or Log4j's JndiManager, Spring's
 * JndiTemplate, JMX's RMIConnector) passed it. Not suppressing: RaspBlockedException must stop
 * the lookup before any connection is made.
 */
public final class InitialContextAdvice {

    private InitialContextAdvice() {
    }

    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(0) Object name) {
        RaspBridge.onJndi(JndiApi.INITIAL_CONTEXT, name);
    }
}
