package dev.rasp.core.instrumentation.deser;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;

import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * XStream 1.4.x, where present: the exit of {@code com.thoughtworks.xstream.mapper.CachingMapper.realClass(String)},
 * the outermost mapper of every XStream instance the library builds. Every class a document names reaches it: the
 * root and each element name, {@code class} and {@code resolves-to} attributes, the interfaces and the handler of a
 * {@code <dynamic-proxy>}, the element type of an {@code -array}. Its exit sees the class aliases resolved to (the
 * name the document spells may be an alias); the class is loaded (not initialised) and no object of it exists yet.
 * Class literals ({@code <java-class>com.x.Y</java-class>}) bypass the mapper chain: the exit of
 * {@code JavaClassConverter.fromString(String)} judges them the same way.
 *
 * <p>Why not {@code DefaultMapper.realClass}, which is the one that loads: CachingMapper answers a name it has seen
 * from its cache without asking the mappers inside, so an application that keeps one XStream (as most do) would
 * let the second request with a gadget through. Why not the security framework's {@code TypePermission}s: an
 * application that calls {@code addPermission(AnyTypePermission.ANY)} clears them.
 */
public final class XStreamInstrumentation implements InstrumentationModule {

    static final String CACHING_MAPPER = "com.thoughtworks.xstream.mapper.CachingMapper";
    /**
     * Class literals ({@code <java-class>}, and the declaring classes of {@code <field>} / {@code <method>}, whose
     * converters delegate to it): JavaClassConverter resolves them with a DefaultMapper of its own, not the chain.
     */
    static final String JAVA_CLASS_CONVERTER = "com.thoughtworks.xstream.converters.extended.JavaClassConverter";

    @Override
    public String name() {
        return "xstream";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(CACHING_MAPPER, JAVA_CLASS_CONVERTER);
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder.type(named(CACHING_MAPPER))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(named("realClass")).and(takesArguments(1))
                                        .and(takesArgument(0, String.class)),
                                XStreamClassAdvice.class.getName()))
                .type(named(JAVA_CLASS_CONVERTER))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(named("fromString")).and(takesArguments(1))
                                        .and(takesArgument(0, String.class)),
                                XStreamClassAdvice.class.getName()));
    }
}
