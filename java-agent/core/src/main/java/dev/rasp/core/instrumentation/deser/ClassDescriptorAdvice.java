package dev.rasp.core.instrumentation.deser;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Inlined at the start of {@code ObjectStreamClass.initNonProxy(ObjectStreamClass model, ...)}:
 * {@code model} is the descriptor as the stream spelled it, whatever class resolveClass found.
 */
public final class ClassDescriptorAdvice {

    private ClassDescriptorAdvice() {
    }

    // Not suppressing: RaspBlockedException must stop the stream.
    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(0) Object model) {
        RaspBridge.onClassDescriptor(RaspHooks.CLASS_DESCRIPTOR, model);
    }
}
