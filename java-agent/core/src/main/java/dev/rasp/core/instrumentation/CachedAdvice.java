package dev.rasp.core.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A module's advice, resolved once and woven into every class it applies to: what ByteBuddy's
 * {@code AgentBuilder.Transformer.ForAdvice} does, without resolving each advice class again for
 * every class it is woven into.
 *
 * <p>ByteBuddy's {@code ForAdvice} describes the advice class and builds its dispatchers (each
 * advice method's annotations and offset mappings) in every transformation, because advice may
 * name types that only the instrumented class's loader can resolve. The agent's advice names none:
 * its parameters are the JDK's types and the bootstrap bridge's ({@code Object}, {@code String},
 * {@code RequestScope}), so one resolution through the agent's own loader serves every class. That
 * was about 1 ms of the transformer's time per woven class at start (async-profiler, a Spring Boot
 * start: 149 of 568 ms of ByteBuddy's samples). Should an advice class ever fail to resolve that
 * way, it is resolved per class as {@code ForAdvice} does, through the instrumented class's loader.
 *
 * <p>The assigner and exception handler are {@code ForAdvice}'s defaults: the advice's own
 * exceptions are suppressed, except those the advice lets through by design (the bridge's block).
 * Immutable: {@link #advice} returns a new transformer.
 */
public final class CachedAdvice implements AgentBuilder.Transformer {

    private final Advice.WithCustomMapping mapping;
    private final ClassLoader adviceLoader;
    private final List<Entry> entries;

    private CachedAdvice(Advice.WithCustomMapping mapping, ClassLoader adviceLoader, List<Entry> entries) {
        this.mapping = mapping;
        this.adviceLoader = adviceLoader;
        this.entries = entries;
    }

    /** Advice classes of the agent's loader, with no custom mapping. */
    public static CachedAdvice of(ClassLoader adviceLoader) {
        return of(Advice.withCustomMapping(), adviceLoader);
    }

    /** Advice classes of the agent's loader, with custom annotation bindings (constants per module). */
    public static CachedAdvice of(Advice.WithCustomMapping mapping, ClassLoader adviceLoader) {
        return new CachedAdvice(mapping, adviceLoader, Collections.<Entry>emptyList());
    }

    /** This advice class woven into the methods the matcher selects (in order, as {@code ForAdvice.advice}). */
    public CachedAdvice advice(ElementMatcher<? super MethodDescription> matcher, String adviceClass) {
        List<Entry> more = new ArrayList<Entry>(entries);
        more.add(new Entry(matcher, adviceClass));
        return new CachedAdvice(mapping, adviceLoader, Collections.unmodifiableList(more));
    }

    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                                            JavaModule module, ProtectionDomain domain) {
        AsmVisitorWrapper.ForDeclaredMethods methods = new AsmVisitorWrapper.ForDeclaredMethods();
        for (Entry entry : entries) {
            methods = methods.invokable(entry.matcher, entry.resolved(loader, module));
        }
        return builder.visit(methods);
    }

    /** One advice class and the methods it goes into. */
    private final class Entry {
        final ElementMatcher<? super MethodDescription> matcher;
        final String adviceClass;
        /** Resolved through the agent's loader; null until first used, or when that failed. */
        private volatile Advice shared;
        private volatile boolean perClass;

        Entry(ElementMatcher<? super MethodDescription> matcher, String adviceClass) {
            this.matcher = matcher;
            this.adviceClass = adviceClass;
        }

        Advice resolved(ClassLoader loader, JavaModule module) {
            Advice advice = shared;
            if (advice != null) {
                return advice;
            }
            if (!perClass) {
                try {
                    // two threads may both resolve it the first time: equal results, one kept
                    advice = resolve(ClassFileLocator.ForClassLoader.of(adviceLoader));
                    shared = advice;
                    return advice;
                } catch (RuntimeException | LinkageError unresolvable) {
                    perClass = true;
                }
            }
            // as ForAdvice: the advice loader's class files, then the instrumented class's loader's
            return resolve(new ClassFileLocator.Compound(ClassFileLocator.ForClassLoader.of(adviceLoader),
                    AgentBuilder.LocationStrategy.ForClassLoader.STRONG.classFileLocator(loader, module)));
        }

        private Advice resolve(ClassFileLocator locator) {
            TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
            return mapping.to(pool.describe(adviceClass).resolve(), locator)
                    .withAssigner(Assigner.DEFAULT)
                    .withExceptionHandler(Advice.ExceptionHandler.Default.SUPPRESSING);
        }
    }
}
