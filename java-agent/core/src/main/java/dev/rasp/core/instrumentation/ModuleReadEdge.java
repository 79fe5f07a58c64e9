package dev.rasp.core.instrumentation;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Collections;

/**
 * Makes a named module read the bridge's module before advice calling the bridge is woven into
 * one of its classes: a named JDK module other than {@code java.base} ({@code java.naming}'s
 * {@code InitialContext}) does not read the boot loader's unnamed module, where the bridge is
 * defined, and the woven call would fail with an {@code IllegalAccessError}. Java 9's module API by
 * reflection, since the agent is compiled for Java 8; on Java 8 there is nothing to do.
 */
final class ModuleReadEdge {

    private final Instrumentation instrumentation;
    private final Object bridgeModule;
    private final Method isNamed;
    private final Method canRead;
    private final Method redefineModule;

    private ModuleReadEdge(Instrumentation instrumentation, Object bridgeModule, Method isNamed, Method canRead,
                           Method redefineModule) {
        this.instrumentation = instrumentation;
        this.bridgeModule = bridgeModule;
        this.isNamed = isNamed;
        this.canRead = canRead;
        this.redefineModule = redefineModule;
    }

    /** The read edge to the module of {@code bridge}, or null before Java 9 (no modules) or without instrumentation. */
    static ModuleReadEdge to(Instrumentation instrumentation, Class<?> bridge) {
        if (instrumentation == null || bridge == null) {
            return null;
        }
        try {
            Class<?> moduleType = Class.forName("java.lang.Module");
            Object bridgeModule = moduleOf(bridge);
            return new ModuleReadEdge(instrumentation, bridgeModule, moduleType.getMethod("isNamed"),
                    moduleType.getMethod("canRead", moduleType),
                    Instrumentation.class.getMethod("redefineModule", moduleType, java.util.Set.class, java.util.Map.class,
                            java.util.Map.class, java.util.Set.class, java.util.Map.class));
        } catch (ReflectiveOperationException | LinkageError java8) {
            return null;
        }
    }

    /** The module of a loaded class (a {@code java.lang.Module}); null before Java 9. */
    static Object moduleOf(Class<?> type) {
        try {
            return Class.class.getMethod("getModule").invoke(type);
        } catch (ReflectiveOperationException | LinkageError java8) {
            return null;
        }
    }

    /** Adds the edge from this module (a {@code java.lang.Module}) when it is named and does not read the bridge's yet. */
    void from(Object module) throws ReflectiveOperationException {
        if (module == null || !(Boolean) isNamed.invoke(module) || (Boolean) canRead.invoke(module, bridgeModule)) {
            return;
        }
        redefineModule.invoke(instrumentation, module, Collections.singleton(bridgeModule), Collections.emptyMap(),
                Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
    }
}
