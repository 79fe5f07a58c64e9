package dev.rasp.core;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * Grants the agent's own module access to one package of a JDK module through
 * {@link Instrumentation}'s {@code redefineModule}, by reflection (the agent is compiled for Java 8, where
 * there are no modules): an export for its public types ({@code jdk.internal.misc.Unsafe}, {@link
 * BootstrapClasses}), an open for deep reflection ({@code com.sun.management.internal}, the JIT directive's
 * diagnostic command). Only the module of the class asking is granted anything, never the application's.
 */
public final class JavaModules {

    private JavaModules() {
    }

    /**
     * Exports ({@code open} false) or opens the package of {@code target} to the module of {@code self}, unless
     * it already is; Java 9 or later.
     */
    public static void grant(Instrumentation instrumentation, Class<?> target, Class<?> self, boolean open)
            throws Exception {
        Class<?> moduleType = Class.forName("java.lang.Module");
        Method getModule = Class.class.getMethod("getModule");
        Object targetModule = getModule.invoke(target);
        Object selfModule = getModule.invoke(self);
        String pkg = target.getName().substring(0, target.getName().lastIndexOf('.'));
        if ((Boolean) moduleType.getMethod(open ? "isOpen" : "isExported", String.class, moduleType)
                .invoke(targetModule, pkg, selfModule)) {
            return;
        }
        Map<String, Set<Object>> grant = Collections.singletonMap(pkg, Collections.singleton(selfModule));
        Map<String, Set<Object>> none = Collections.emptyMap();
        Instrumentation.class.getMethod("redefineModule", moduleType, Set.class, Map.class, Map.class, Set.class,
                Map.class).invoke(instrumentation, targetModule, Collections.emptySet(), open ? none : grant,
                open ? grant : none, Collections.emptySet(), Collections.emptyMap());
    }
}
