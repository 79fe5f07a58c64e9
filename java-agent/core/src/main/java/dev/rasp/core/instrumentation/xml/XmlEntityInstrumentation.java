package dev.rasp.core.instrumentation.xml;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.Named;

import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.nameEndsWith;
import static dev.rasp.core.instrumentation.matching.Matchers.not;
import static dev.rasp.core.instrumentation.matching.Matchers.isStatic;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * XML entities (XXE, entity-expansion bombs), at the one method of Xerces' entity manager every
 * JDK XML API reaches for every entity: {@code XMLEntityManager.setupCurrentEntity}, in the
 * JDK's copy (java.xml, same shape from JDK 8 to 25) and in Apache xercesImpl when an
 * application ships its own. DocumentBuilder, SAXParser/XMLReader, XMLInputFactory (the JDK's
 * StAX scans with the same entity manager), TransformerFactory and SchemaFactory (reading XML
 * through Xerces) and JAXB's Unmarshaller (through SAX) all set their entities up here.
 * Woodstox (the StAX implementation jackson-dataformat-xml brings, which XMLInputFactory.newInstance()
 * then returns) resolves external entities in {@code DefaultInputResolver.resolveEntity}, with the literal ids.
 */
public final class XmlEntityInstrumentation implements InstrumentationModule {

    static final String JDK_ENTITY_MANAGER = "com.sun.org.apache.xerces.internal.impl.XMLEntityManager";
    static final String APACHE_ENTITY_MANAGER = "org.apache.xerces.impl.XMLEntityManager";
    static final String WOODSTOX_RESOLVER = "com.ctc.wstx.io.DefaultInputResolver";

    @Override
    public String name() {
        return "xml";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(JDK_ENTITY_MANAGER, APACHE_ENTITY_MANAGER, WOODSTOX_RESOLVER);
    }

    @Override
    public Matcher<Named> bootstrapTypes() {
        return named(JDK_ENTITY_MANAGER);
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder
                .type(named(JDK_ENTITY_MANAGER))
                .transform(transformer(adviceLoader, XmlEntityApi.JDK_XERCES,
                        setupCurrentEntity(5, 2)))
                .type(named(APACHE_ENTITY_MANAGER))
                .transform(transformer(adviceLoader, XmlEntityApi.APACHE_XERCES,
                        setupCurrentEntity(4, 1)))
                .type(named(WOODSTOX_RESOLVER))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(isStatic()).and(named("resolveEntity")).and(takesArguments(8))
                                        .and(takesArgument(2, String.class)).and(takesArgument(3, String.class))
                                        .and(takesArgument(4, String.class)),
                                WoodstoxResolveAdvice.class.getName()));
    }

    /** {@code setupCurrentEntity} with {@code arity} parameters, the XMLInputSource at {@code sourceIndex}. */
    static Matcher<MethodShape> setupCurrentEntity(int arity, int sourceIndex) {
        return isMethod().and(not(isStatic())).and(named("setupCurrentEntity")).and(takesArguments(arity))
                .and(takesArgument(sourceIndex, nameEndsWith(".XMLInputSource")))
                .and(takesArgument(sourceIndex - 1, String.class));
    }

    private static CachedAdvice transformer(ClassLoader adviceLoader, int api,
                                                       Matcher<? super MethodShape> method) {
        return XercesMappings.bind(CachedAdvice.of(adviceLoader), api)
                .advice(method, EntityAdvice.class.getName());
    }
}
