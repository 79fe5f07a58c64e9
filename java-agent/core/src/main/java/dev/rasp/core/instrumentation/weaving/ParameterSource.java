package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.MethodVisitor;

/**
 * Loads the value of a custom advice parameter in the instrumented method, before the advice
 * runs: one value of the parameter's type on the operand stack, nothing else changed.
 */
@FunctionalInterface
public interface ParameterSource {

    /**
     * @param mv              where the instructions go (the instrumented method)
     * @param target          the instrumented method
     * @param annotationValue the annotation's {@code value()} element, or null when it has none
     */
    void load(MethodVisitor mv, TargetMethod target, Object annotationValue);

    /**
     * Whether what it loads comes from the method's arguments (true unless said otherwise): exit
     * advice reads copies of the arguments, which such a source would not see, so it may only
     * serve enter advice.
     */
    default boolean readsArguments() {
        return true;
    }
}
