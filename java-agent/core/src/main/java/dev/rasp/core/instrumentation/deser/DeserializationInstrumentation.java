package dev.rasp.core.instrumentation.deser;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Named;

import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * Java serialization, at the point every {@code ObjectInputStream} passes for every class it
 * reads: {@code java.io.ObjectStreamClass.initNonProxy(ObjectStreamClass model, Class, ...)}
 * and {@code initProxy(Class, ...)}, called by the stream's private readNonProxyDesc /
 * readProxyDesc right after {@code resolveClass} / {@code resolveProxyClass} (and the
 * ObjectInputFilter) and before any object of the class is created or its readObject runs.
 *
 * <p>Why not {@code resolveClass} itself: subclasses override it without calling super (Commons
 * IO's ValidatingObjectInputStream, Spring's ConfigurableObjectInputStream, application loaders),
 * and may override {@code readClassDescriptor} too; the package-private ObjectStreamClass methods
 * cannot be overridden, and have the same signatures on JDK 8 to 25. Why not a process-wide
 * ObjectInputFilter: it can be installed once (the application's own filter or filter factory
 * would fail or replace ours), and its API differs on Java 8 ({@code sun.misc}).
 */
public final class DeserializationInstrumentation implements InstrumentationModule {

    static final String OBJECT_STREAM_CLASS = "java.io.ObjectStreamClass";

    @Override
    public String name() {
        return "deserialization";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(OBJECT_STREAM_CLASS);
    }

    @Override
    public Matcher<Named> bootstrapTypes() {
        return named(OBJECT_STREAM_CLASS);
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder.type(named(OBJECT_STREAM_CLASS))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(named("initNonProxy")).and(takesArguments(4))
                                        .and(takesArgument(0, named(OBJECT_STREAM_CLASS))),
                                ClassDescriptorAdvice.class.getName())
                        .advice(isMethod().and(named("initProxy")).and(takesArguments(3))
                                        .and(takesArgument(0, Class.class)),
                                ProxyDescriptorAdvice.class.getName()));
    }
}
