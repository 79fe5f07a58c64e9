package dev.rasp.core.instrumentation.jndi;

import dev.rasp.core.instrumentation.InstrumentationModule;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * JNDI name operations, at the one method of {@code javax.naming.InitialContext} they all pass
 * before a provider is chosen: {@code getURLOrDefaultInitCtx(String|Name)} (protected, same on
 * JDK 8 to 25). It sees the final name: Log4j has resolved its lookups by then, and the URL
 * context it is about to pick (LDAP, RMI, DNS, CORBA) has not connected yet. Code that builds a
 * provider's Context itself (new InitialDirContext(env) with a provider URL, then scheme-less
 * names) is judged on those names, which never choose the provider.
 */
public final class JndiInstrumentation implements InstrumentationModule {

    static final String INITIAL_CONTEXT = "javax.naming.InitialContext";

    @Override
    public String name() {
        return "jndi";
    }

    @Override
    public ElementMatcher.Junction<TypeDescription> bootstrapTypes() {
        return named(INITIAL_CONTEXT);
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, ClassLoader adviceLoader) {
        return builder.type(named(INITIAL_CONTEXT))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(adviceLoader)
                        .advice(isMethod().and(named("getURLOrDefaultInitCtx")).and(takesArguments(1))
                                        .and(takesArgument(0, String.class).or(takesArgument(0, named("javax.naming.Name")))),
                                InitialContextAdvice.class.getName()));
    }
}
