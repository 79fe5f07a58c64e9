package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.weaving.AdviceWeaver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The agent's classes whose code runs only while the JVM hands a class to the agent's transformer (at a load
 * the native first look let through, or a retransformation): the pre-filter and type hierarchy, the matchers
 * and the weaver. Nothing here runs while a request is served (woven advice is copied into the application's
 * methods; the advice classes and the sinks' APIs are not in this list).
 *
 * <p>It is what the JIT directive ({@code dev.rasp.core.jmx.JitDirectives}) keeps out of C2: since the native
 * hook sends about a tenth of the start's classes to Java, these methods get hot for a few hundred loads and
 * then sit idle, so C2's compiles of them (the weaver's and the type hierarchy's large methods above all) cost
 * the start more compiler-thread CPU than their faster code gives back; C1 still compiles them.
 */
public final class TransformTimeCode {

    private TransformTimeCode() {
    }

    /**
     * Binary names: a name ending in {@code .} is a package and everything below it, any other one class
     * and its nested classes.
     */
    public static List<String> classes() {
        List<String> out = new ArrayList<String>();
        out.add(packageOf(Matcher.class));
        out.add(packageOf(AdviceWeaver.class));
        for (Class<?> c : new Class<?>[] {
            CachedAdvice.class, ClassFileHome.class, ClassFileScan.class, ClassFiles.class,
            InstrumentationModule.class, JdkImage.class, JdkTypes.class, LoadedClasses.class, ModuleReadEdge.class, PerLoader.class,
            PrefilteredTransformer.class, TransformWarmup.class, Transformations.class, TypeHierarchy.class,
            TypeKeys.class, TypePrefilter.class, WeavingTransformer.class,
        }) {
            out.add(c.getName());
        }
        return Collections.unmodifiableList(out);
    }

    private static String packageOf(Class<?> c) {
        String name = c.getName();
        return name.substring(0, name.lastIndexOf('.') + 1);
    }
}
