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
 * SnakeYAML global tags, where present: {@code org.yaml.snakeyaml.constructor.Constructor.getClassForNode(Node)}
 * (1.x and 2.x; subclasses such as CustomClassLoaderConstructor override getClassForName, which it calls, not this
 * method). SnakeYAML 2.x refuses global tags unless the application's TagInspector allows them; 1.x allows all.
 */
public final class SnakeYamlInstrumentation implements InstrumentationModule {

    static final String CONSTRUCTOR = "org.yaml.snakeyaml.constructor.Constructor";

    @Override
    public String name() {
        return "snakeyaml";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(CONSTRUCTOR);
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder.type(named(CONSTRUCTOR))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(named("getClassForNode")).and(takesArguments(1))
                                        .and(takesArgument(0, named("org.yaml.snakeyaml.nodes.Node"))),
                                YamlTagAdvice.class.getName()));
    }
}
