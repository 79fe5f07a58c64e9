package dev.rasp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The early retransformation at attach: one class of the agent's own, nothing else, and never an
 * exception into the agent's start. (What it does to the JVM's compiled code is checked against the
 * JVM's own log in StarterIT.)
 */
class CompiledCodeResetTest {

    private final List<Class<?>> retransformed = new ArrayList<Class<?>>();

    private Instrumentation jvm(boolean supported, boolean refuses) {
        return (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Instrumentation.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "isRetransformClassesSupported":
                            return supported;
                        case "retransformClasses":
                            retransformed.addAll(Arrays.asList((Class<?>[]) args[0]));
                            if (refuses) {
                                throw new UnmodifiableClassException("refused");
                            }
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    @Test
    void retransformsOneClassOfItsOwn() {
        CompiledCodeReset.now(jvm(true, false));
        assertEquals(Arrays.<Class<?>>asList(CompiledCodeReset.class), retransformed);
    }

    @Test
    void aJvmThatCannotRetransformIsLeftAlone() {
        CompiledCodeReset.now(jvm(false, false));
        assertTrue(retransformed.isEmpty());
    }

    @Test
    void aRefusalIsNotTheAgentsFailure() {
        CompiledCodeReset.now(jvm(true, true));
        assertEquals(1, retransformed.size());
    }
}
