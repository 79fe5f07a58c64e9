package dev.rasp.core.instrumentation.jndi;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Named;

import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.isStatic;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.namedOneOf;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * JNDI name operations, at three places (method shapes checked on JDK 17 and 25):
 * <ul>
 * <li>the one method of {@code javax.naming.InitialContext} they all pass before a provider is
 * chosen: {@code getURLOrDefaultInitCtx(String|Name)} (protected, same on JDK 8 to 25). It sees
 * the final name: Log4j has resolved its lookups by then, and the URL context it is about to pick
 * (LDAP, RMI, DNS, CORBA) has not connected yet;</li>
 * <li>the JDK's URL contexts ({@code com.sun.jndi.url.ldap.ldapURLContext} in java.naming, also
 * serving ldaps:; {@code rmi.rmiURLContext} in jdk.naming.rmi, both boot loader;
 * {@code dns.dnsURLContext} in jdk.naming.dns, platform loader; {@code iiop.iiopURLContext} on
 * JDK 8), at {@code getRootURLContext(String, Hashtable)}, where each of their operations resolves
 * the URL to the provider: the names that reach a URL context without InitialContext's hook
 * (NamingManager.getURLContext, a context a lookup returned). A name InitialContext's hook just
 * judged is not judged again (the core keeps a per-thread marker);</li>
 * <li>{@code javax.naming.spi.NamingManager.getInitialContext(Hashtable)} (static), where every
 * initial context hands its environment, with its provider URL, to the factory.</li>
 * </ul>
 */
public final class JndiInstrumentation implements InstrumentationModule {

    static final String INITIAL_CONTEXT = "javax.naming.InitialContext";
    static final String NAMING_MANAGER = "javax.naming.spi.NamingManager";
    static final String[] URL_CONTEXTS = {
            "com.sun.jndi.url.ldap.ldapURLContext",
            "com.sun.jndi.url.rmi.rmiURLContext",
            "com.sun.jndi.url.dns.dnsURLContext",
            "com.sun.jndi.url.iiop.iiopURLContext",
    };

    @Override
    public String name() {
        return "jndi";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(INITIAL_CONTEXT, NAMING_MANAGER).names(URL_CONTEXTS);
    }

    @Override
    public Matcher<Named> bootstrapTypes() {
        return named(INITIAL_CONTEXT).or(named(NAMING_MANAGER)).or(namedOneOf(URL_CONTEXTS));
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder.type(named(INITIAL_CONTEXT))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(named("getURLOrDefaultInitCtx")).and(takesArguments(1))
                                        .and(takesArgument(0, String.class).or(takesArgument(0, named("javax.naming.Name")))),
                                InitialContextAdvice.class.getName()))
                .type(namedOneOf(URL_CONTEXTS))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(named("getRootURLContext")).and(takesArguments(2))
                                        .and(takesArgument(0, String.class))
                                        .and(takesArgument(1, named("java.util.Hashtable"))),
                                UrlContextAdvice.class.getName()))
                .type(named(NAMING_MANAGER))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(isStatic()).and(named("getInitialContext")).and(takesArguments(1))
                                        .and(takesArgument(0, named("java.util.Hashtable"))),
                                ProviderUrlAdvice.class.getName()));
    }
}
