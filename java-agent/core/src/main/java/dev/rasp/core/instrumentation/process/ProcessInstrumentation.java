package dev.rasp.core.instrumentation.process;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Named;

import java.util.Map;

import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.isStatic;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * Process launches, at the one JDK method all of them pass: {@code java.lang.ProcessImpl.start}
 * (same signature on JDK 8, where it creates the UNIXProcess, and on JDK 9+, Unix and Windows).
 * It receives the argv after Runtime.exec(String) has split the line, and the environment map.
 */
public final class ProcessInstrumentation implements InstrumentationModule {

    static final String PROCESS_IMPL = "java.lang.ProcessImpl";

    @Override
    public String name() {
        return "process";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(PROCESS_IMPL);
    }

    @Override
    public Matcher<Named> bootstrapTypes() {
        return named(PROCESS_IMPL);
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder.type(named(PROCESS_IMPL))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(isStatic()).and(named("start")).and(takesArguments(5))
                                        .and(takesArgument(0, String[].class)).and(takesArgument(1, Map.class)),
                                ProcessImplAdvice.class.getName()));
    }
}
