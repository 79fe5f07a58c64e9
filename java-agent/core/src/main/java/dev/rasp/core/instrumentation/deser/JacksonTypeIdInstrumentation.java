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
 * Jackson 2 polymorphic typing by class name, where present: the entry of
 * {@code com.fasterxml.jackson.databind.jsontype.impl.ClassNameIdResolver._typeFromId(String, DatabindContext)}.
 * Default typing ({@code activateDefaultTyping}, the older {@code enableDefaultTyping}) and
 * {@code @JsonTypeInfo(use = Id.CLASS)} / {@code Id.MINIMAL_CLASS} (MinimalClassNameIdResolver calls it with the
 * completed name) turn every type id into a class there, before the PolymorphicTypeValidator is asked and before
 * TypeFactory loads (and initialises) the class. {@code Id.NAME} ids map to the subtypes the application
 * registered and name no class.
 */
public final class JacksonTypeIdInstrumentation implements InstrumentationModule {

    static final String CLASS_NAME_ID_RESOLVER = "com.fasterxml.jackson.databind.jsontype.impl.ClassNameIdResolver";

    @Override
    public String name() {
        return "jackson-polymorphic";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(CLASS_NAME_ID_RESOLVER);
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder.type(named(CLASS_NAME_ID_RESOLVER))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(named("_typeFromId")).and(takesArguments(2))
                                        .and(takesArgument(0, String.class)),
                                JacksonTypeIdAdvice.class.getName()));
    }
}
