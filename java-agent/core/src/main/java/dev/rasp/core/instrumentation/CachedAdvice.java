package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MethodShape;

import dev.rasp.core.instrumentation.weaving.AdviceClass;
import dev.rasp.core.instrumentation.weaving.ParameterBindings;
import dev.rasp.core.instrumentation.weaving.ParameterSource;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A module's advice: advice classes and the methods each goes into, with the module's own
 * parameter bindings. Each advice class is read once and shared by every class it is woven into.
 *
 * <p>The agent's transformer ({@link WeavingTransformer}) asks {@link #adviceFor} which advice goes
 * into a method and weaves it itself ({@link dev.rasp.core.instrumentation.weaving.AdviceWeaver}: the advice class read once from its
 * class file). As an {@code AgentBuilder.Transformer} it weaves with ByteBuddy's {@code Advice}
 * instead ({@code -Drasp.debug.advice=bytebuddy}, to compare), also resolved once rather than per
 * woven class as ByteBuddy's {@code Transformer.ForAdvice} does: the agent's advice names only the
 * JDK's types and the bootstrap bridge's, so one resolution through the agent's own loader serves
 * every class. An advice class the agent's loader cannot serve is read, each time, through the
 * instrumented class's loader.
 *
 * <p>The advice's own exceptions are suppressed where it says so, except those it lets through by
 * design (the bridge's block). Immutable: {@link #advice} and {@link #bind} return a new instance.
 */
public final class CachedAdvice implements AgentBuilder.Transformer {

    /**
     * The custom bindings as ByteBuddy takes them, applied only when ByteBuddy weaves (so that the
     * agent's weaver does not load ByteBuddy's advice classes): an {@code Object[]} of the
     * annotation and the constant, or of the {@code Advice.OffsetMapping.Factory}.
     */
    private final List<Object[]> mapping;
    private final ParameterBindings bindings;
    private final ClassLoader adviceLoader;
    private final List<Entry> entries;

    private CachedAdvice(List<Object[]> mapping, ParameterBindings bindings, ClassLoader adviceLoader,
                         List<Entry> entries) {
        this.mapping = mapping;
        this.bindings = bindings;
        this.adviceLoader = adviceLoader;
        this.entries = entries;
    }

    /** Advice classes of the agent's loader, with no custom parameter bindings. */
    public static CachedAdvice of(ClassLoader adviceLoader) {
        return new CachedAdvice(Collections.<Object[]>emptyList(), ParameterBindings.none(), adviceLoader,
                Collections.<Entry>emptyList());
    }

    /** Parameters with this annotation receive the constant (an Integer, Long, String or Boolean). */
    public CachedAdvice bind(Class<? extends Annotation> annotation, Object constant) {
        requireNoEntries();
        return new CachedAdvice(with(new Object[]{annotation, constant}), bindings.constant(annotation, constant),
                adviceLoader, entries);
    }

    /** Parameters with this annotation receive what the factory (ByteBuddy) or the source (the agent's weaver) loads. */
    public <T extends Annotation> CachedAdvice bind(Class<T> annotation, Advice.OffsetMapping.Factory<T> byteBuddy,
                                                    ParameterSource own) {
        requireNoEntries();
        return new CachedAdvice(with(new Object[]{byteBuddy}), bindings.source(annotation, own), adviceLoader, entries);
    }

    private List<Object[]> with(Object[] binding) {
        List<Object[]> more = new ArrayList<Object[]>(mapping);
        more.add(binding);
        return Collections.unmodifiableList(more);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Advice.WithCustomMapping byteBuddyMapping() {
        Advice.WithCustomMapping m = Advice.withCustomMapping();
        for (Object[] binding : mapping) {
            m = binding.length == 2 ? m.bind((Class) binding[0], binding[1]) : m.bind((Advice.OffsetMapping.Factory<?>) binding[0]);
        }
        return m;
    }

    private void requireNoEntries() {
        if (!entries.isEmpty()) {
            throw new IllegalStateException("bind before advice()");
        }
    }

    /** This advice class woven into the methods the matcher selects (in order, as {@code ForAdvice.advice}). */
    public CachedAdvice advice(Matcher<? super MethodShape> matcher, String adviceClass) {
        List<Entry> more = new ArrayList<Entry>(entries);
        more.add(new Entry(matcher, adviceClass));
        return new CachedAdvice(mapping, bindings, adviceLoader, Collections.unmodifiableList(more));
    }

    /**
     * The advice classes to weave into this method, in order (read through the agent's loader once,
     * through {@code loader} each time should that fail); empty when none selects it.
     */
    public List<AdviceClass> adviceFor(MethodShape method, ClassLoader loader) {
        List<AdviceClass> selected = Collections.emptyList();
        for (Entry entry : entries) {
            if (entry.matcher.matches(method)) {
                if (selected.isEmpty()) {
                    selected = new ArrayList<AdviceClass>(2);
                }
                selected.add(entry.own(loader));
            }
        }
        return selected;
    }

    /**
     * Reads every advice class now, through the agent's loader, so that the first classes woven do
     * not (about 60 ms of the main thread in a Spring Boot start, reading some 100 advice classes as
     * their first targets loaded). One that cannot be read here is read, and its failure reported,
     * when it is first woven.
     */
    public void readAll() {
        for (Entry entry : entries) {
            try {
                entry.own(null);
            } catch (Throwable later) {
                // reported by the weaving that needs it
            }
        }
    }

    /** Weaves with ByteBuddy's {@code Advice} ({@code -Drasp.debug.advice=bytebuddy}). */
    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                                            JavaModule module, ProtectionDomain domain) {
        AsmVisitorWrapper.ForDeclaredMethods methods = new AsmVisitorWrapper.ForDeclaredMethods();
        for (Entry entry : entries) {
            methods = methods.invokable(ByteBuddyShapes.methods(entry.matcher), entry.resolved(loader, module));
        }
        return builder.visit(methods);
    }

    /** One advice class and the methods it goes into. */
    private final class Entry {
        final Matcher<? super MethodShape> matcher;
        final String adviceClass;
        /** Resolved through the agent's loader; null until first used, or when that failed. */
        private volatile Advice shared;
        private volatile boolean perClass;
        /** Read for the agent's weaver; null until first used. */
        private volatile AdviceClass own;

        Entry(Matcher<? super MethodShape> matcher, String adviceClass) {
            this.matcher = matcher;
            this.adviceClass = adviceClass;
        }

        /** Read from the agent's loader once; from the instrumented class's loader, each time, should that fail. */
        AdviceClass own(ClassLoader loader) {
            AdviceClass advice = own;
            if (advice == null) {
                byte[] classFile = classFile(adviceLoader);
                if (classFile == null) {
                    classFile = loader == null ? null : classFile(loader);
                    if (classFile == null) {
                        throw new IllegalStateException("no class file for advice " + adviceClass);
                    }
                    return AdviceClass.read(classFile, bindings);
                }
                // two threads may both read it the first time: equal results, one kept
                advice = AdviceClass.read(classFile, bindings);
                own = advice;
            }
            return advice;
        }

        private byte[] classFile(ClassLoader from) {
            String resource = adviceClass.replace('.', '/') + ".class";
            try (InputStream in = from.getResourceAsStream(resource)) {
                if (in == null) {
                    return null;
                }
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(4096);
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                }
                return out.toByteArray();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read advice " + adviceClass, e);
            }
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
            return byteBuddyMapping().to(pool.describe(adviceClass).resolve(), locator)
                    .withAssigner(Assigner.DEFAULT)
                    .withExceptionHandler(Advice.ExceptionHandler.Default.SUPPRESSING);
        }
    }
}
