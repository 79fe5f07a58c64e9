package dev.rasp.core.instrumentation.deser;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Inlined at the start of Jackson's {@code ClassNameIdResolver._typeFromId(String id, ...)}: the type id a
 * document carries, before the class it names is loaded or any object of it created.
 */
public final class JacksonTypeIdAdvice {

    private JacksonTypeIdAdvice() {
    }

    // Not suppressing: RaspBlockedException must stop the document.
    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(0) String id) {
        RaspBridge.onClassDescriptor(RaspHooks.CLASS_JACKSON, id);
    }
}
