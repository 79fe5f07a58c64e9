package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MatcherBounds;
import dev.rasp.core.instrumentation.matching.MethodShape;

import dev.rasp.core.instrumentation.weaving.AdviceClass;
import dev.rasp.core.instrumentation.weaving.ParameterBindings;
import dev.rasp.core.instrumentation.weaving.ParameterSource;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A module's advice: advice classes and the methods each goes into, with the module's own
 * parameter bindings. Each advice class is read once and shared by every class it is woven into.
 *
 * <p>The agent's transformer ({@link WeavingTransformer}) asks {@link #adviceFor} which advice goes
 * into a method and weaves it itself ({@link dev.rasp.core.instrumentation.weaving.AdviceWeaver}: the advice class read once from its
 * class file): the agent's advice names only the JDK's types and the bootstrap bridge's, so one
 * reading through the agent's own loader serves every class. An advice class the agent's loader
 * cannot serve is read, each time, through the instrumented class's loader.
 *
 * <p>The advice's own exceptions are suppressed where it says so, except those it lets through by
 * design (the bridge's block). Immutable: {@link #advice} and {@link #bind} return a new instance.
 */
public final class CachedAdvice {

    private final ParameterBindings bindings;
    private final ClassLoader adviceLoader;
    private final List<Entry> entries;

    private CachedAdvice(ParameterBindings bindings, ClassLoader adviceLoader, List<Entry> entries) {
        this.bindings = bindings;
        this.adviceLoader = adviceLoader;
        this.entries = entries;
    }

    /** Advice classes of the agent's loader, with no custom parameter bindings. */
    public static CachedAdvice of(ClassLoader adviceLoader) {
        return new CachedAdvice(ParameterBindings.none(), adviceLoader, Collections.<Entry>emptyList());
    }

    /** Parameters with this annotation receive the constant (an Integer, Long, String or Boolean). */
    public CachedAdvice bind(Class<? extends Annotation> annotation, Object constant) {
        requireNoEntries();
        return new CachedAdvice(bindings.constant(annotation, constant), adviceLoader, entries);
    }

    /** Parameters with this annotation receive what the source loads (code the weaver emits). */
    public <T extends Annotation> CachedAdvice bind(Class<T> annotation, ParameterSource source) {
        requireNoEntries();
        return new CachedAdvice(bindings.source(annotation, source), adviceLoader, entries);
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
        return new CachedAdvice(bindings, adviceLoader, Collections.unmodifiableList(more));
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
     * The names of the methods this advice can go into ({@code <init>} for constructors), or null
     * when a method of any name can be selected ({@link MatcherBounds#methodNames}).
     */
    public Set<String> methodNames() {
        Set<String> names = new HashSet<String>();
        for (Entry entry : entries) {
            Set<String> own = MatcherBounds.methodNames(entry.matcher);
            if (own == null) {
                return null;
            }
            names.addAll(own);
        }
        return names;
    }

    /** Whether any of this advice goes into this method (what {@link #adviceFor} selects, without reading advice). */
    public boolean selects(MethodShape method) {
        for (Entry entry : entries) {
            if (entry.matcher.matches(method)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The binary name of an advice class nested in a holder class ({@code JavaIoAdvice$Delete}),
     * without loading the advice class: the agent only ever reads advice as class files, and
     * {@code JavaIoAdvice.Delete.class.getName()} loaded some 140 classes at every start for their
     * names. That each name is a class file the agent's loader serves is tested
     * ({@code AdviceClassesTest}).
     */
    public static String nested(Class<?> holder, String simpleName) {
        return holder.getName() + '$' + simpleName;
    }

    /**
     * Reads every advice class now, through the agent's loader, so that the first classes woven do
     * not (about 60 ms of the main thread in a Spring Boot start, reading some 100 advice classes as
     * their first targets loaded). One that cannot be read here is read, and its failure reported,
     * when it is first woven.
     *
     * @return the names of the advice classes that could not be read
     */
    public List<String> readAll() {
        List<String> unread = Collections.emptyList();
        for (Entry entry : entries) {
            try {
                entry.own(null);
            } catch (Throwable later) {
                // reported by the weaving that needs it
                if (unread.isEmpty()) {
                    unread = new ArrayList<String>();
                }
                unread.add(entry.adviceClass + " (" + later + ")");
            }
        }
        return unread;
    }

    /** One advice class and the methods it goes into. */
    private final class Entry {
        final Matcher<? super MethodShape> matcher;
        final String adviceClass;
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
            return ClassFiles.read(from, adviceClass);
        }
    }
}
