package dev.rasp.core.instrumentation.orm;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypePoolCache;
import dev.rasp.core.instrumentation.TypeKeys;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.failSafe;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

/**
 * ORM query languages as sinks: JPQL/HQL is judged before the provider translates it to SQL,
 * when the request input is still in the text verbatim.
 *
 * <p>Hooked: the public, non-abstract, non-bridge {@code create*Query(String, ...)} methods of
 * every class implementing {@code jakarta.persistence.EntityManager},
 * {@code javax.persistence.EntityManager} or Hibernate's {@code org.hibernate.query.QueryProducer}
 * (Hibernate 6 declares them once, in {@code AbstractSharedSessionContract}). Not hooked: JDK
 * dynamic proxies (Spring's shared EntityManager) and Spring's own classes, which only forward to
 * the provider's EntityManager; a delegating layer that is hooked (Hibernate's
 * {@code SessionDelegatorBaseImpl}) passes the same String on and the core checks it once.
 */
public final class OrmInstrumentation implements InstrumentationModule {

    @Override
    public String name() {
        return "orm";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names("jakarta.persistence.EntityManager", "javax.persistence.EntityManager",
                "org.hibernate.query.QueryProducer");
    }

    static ElementMatcher.Junction<TypeDescription> producerTypes() {
        return not(isInterface())
                .and(not(nameStartsWith("org.springframework.")))
                .and(not(nameStartsWith("com.sun.proxy.")))
                .and(not(nameStartsWith("jdk.proxy")))
                .and(failSafe(hasSuperType(named("jakarta.persistence.EntityManager")
                        .or(named("javax.persistence.EntityManager"))
                        .or(named("org.hibernate.query.QueryProducer")))))
                // last: a second walk of the hierarchy, paid only by the few classes that got here
                .and(failSafe(not(hasSuperType(named("java.lang.reflect.Proxy")))));
    }

    static ElementMatcher.Junction<MethodDescription> methods(OrmMethod method) {
        return isMethod().and(named(method.methodName)).and(isPublic()).and(not(isAbstract()))
                .and(not(isBridge())).and(takesArgument(0, String.class));
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        Transformations producers = null;
        for (OrmMethod method : OrmMethod.values()) {
            CachedAdvice t = CachedAdvice.of(adviceLoader).bind(OrmMethodKind.class, method.kind)
                    .advice(methods(method), QueryAdvice.class.getName());
            producers = producers == null ? builder.type(producerTypes()).transform(t) : producers.transform(t);
        }
        return producers;
    }
}
