package dev.rasp.core.instrumentation.orm;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.TypeShape;

import static dev.rasp.core.instrumentation.matching.Matchers.failSafe;
import static dev.rasp.core.instrumentation.matching.Matchers.hasSuperType;
import static dev.rasp.core.instrumentation.matching.Matchers.isAbstract;
import static dev.rasp.core.instrumentation.matching.Matchers.isBridge;
import static dev.rasp.core.instrumentation.matching.Matchers.isInterface;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.isPublic;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.nameStartsWith;
import static dev.rasp.core.instrumentation.matching.Matchers.not;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;

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

    static Matcher<TypeShape> producerTypes() {
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

    static Matcher<MethodShape> methods(OrmMethod method) {
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
