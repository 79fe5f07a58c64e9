package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.ClassFileShape;
import dev.rasp.core.instrumentation.matching.LoadedClassShape;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.Named;
import dev.rasp.core.instrumentation.matching.SuperTypes;
import dev.rasp.core.instrumentation.matching.TypeShape;
import dev.rasp.core.instrumentation.weaving.AdviceClass;
import dev.rasp.core.instrumentation.weaving.AdviceWeaver;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's class file transformer: a class the pre-filter passes ({@link PrefilteredTransformer})
 * is described from its class file ({@link ClassFileShape}: one ASM read of its header and members;
 * its super types from {@link TypeHierarchy}, which the pre-filter filled while it looked at the same
 * class), matched against the modules' rules ({@link Transformations}), and the advice of every rule
 * it matches is woven into the methods each advice's matcher selects, in one ASM pass
 * ({@link AdviceWeaver}): a woven class costs one read and one write of its class file, a matched
 * one one read.
 *
 * <p>As ByteBuddy's agent builder did when the agent used it: classes the agent ignores are left alone (the boot loader's
 * other than the modules' JDK sinks, the agent's own, ByteBuddy's, synthetic classes); a class loaded
 * while this transformer runs on the same thread is left alone (it would re-enter the matching
 * that loaded it); a class of a named module that does not read the bridge's module is made to read
 * it, since the woven advice calls the bridge; every failure is contained and counted, the class
 * left as it was.
 */
public final class WeavingTransformer implements ClassFileTransformer, PrefilteredTransformer.Weaver {

    /** Told what happened to each class; never throws. */
    public interface Listener {
        void onTransformation(String typeName);

        void onError(String typeName, Throwable error);
    }

    private static final int ACC_SYNTHETIC = Opcodes.ACC_SYNTHETIC;

    private final List<Transformations.Rule> rules;
    private final Matcher<? super Named> bootTypes;
    private final ClassLoader ownLoader;
    private final List<String> ignoredPrefixes;
    private final TypeHierarchy hierarchy;
    private final Listener listener;
    private final ThreadLocal<boolean[]> busy = new ThreadLocal<boolean[]>() {
        @Override
        protected boolean[] initialValue() {
            return new boolean[1];
        }
    };
    /** Adds the read edge to the bridge's module; null before Java 9. */
    private final ModuleReadEdge readEdge;
    private final BridgeVisibility bridgeVisibility;

    /**
     * @param bootTypes       the boot loader's classes the modules hook (by name); every other boot class is ignored
     * @param ownLoader       the agent core's loader, whose classes are ignored
     * @param ignoredPrefixes binary name prefixes of classes to ignore
     * @param hierarchy       the super types read so far (the pre-filter's), and where more are read
     * @param bridge          a class of the module the woven advice calls
     */
    public WeavingTransformer(Transformations transformations, Matcher<? super Named> bootTypes,
                              ClassLoader ownLoader, List<String> ignoredPrefixes, TypeHierarchy hierarchy,
                              Instrumentation instrumentation, Class<?> bridge, Listener listener) {
        this.rules = transformations.rules();
        this.bootTypes = bootTypes;
        this.ownLoader = ownLoader;
        this.ignoredPrefixes = new ArrayList<String>(ignoredPrefixes);
        this.hierarchy = hierarchy;
        this.listener = listener;
        this.readEdge = ModuleReadEdge.to(instrumentation, bridge);
        this.bridgeVisibility = new BridgeVisibility(bridge);
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
                            byte[] classFile) {
        return transform(null, loader, internalName, redefined, domain, classFile);
    }

    /**
     * As {@link #transform(ClassLoader, String, Class, ProtectionDomain, byte[])}, with the class's
     * module as the JVM passed it (a {@code java.lang.Module}, or null before Java 9).
     */
    public byte[] transform(Object module, ClassLoader loader, String internalName, Class<?> redefined,
                            ProtectionDomain domain, byte[] classFile) {
        if (internalName == null || classFile == null) {
            return null;
        }
        boolean[] inside = busy.get();
        if (inside[0]) {
            return null; // loaded by this transformer's own work on this thread
        }
        inside[0] = true;
        String name = internalName.replace('/', '.');
        try {
            if (ignored(name, loader)) {
                return null;
            }
            ClassFileShape type = new ClassFileShape(new ClassReader(classFile), hierarchy.of(loader, domain));
            if ((type.modifiers() & ACC_SYNTHETIC) != 0) {
                return null;
            }
            List<CachedAdvice> advice = matched(type);
            if (advice.isEmpty()) {
                return null;
            }
            if (!bridgeVisibility.visibleFrom(loader)) {
                listener.onError(name, bridgeVisibility.invisible(loader));
                return null;
            }
            byte[] woven = weave(type, advice, loader);
            if (woven == null) {
                // matched, but no method of it is selected (a filter base class that declares no
                // doFilter): left as it was, and not counted as transformed (the pre-filter drops
                // such classes before their super types are read: TypePrefilter)
                return null;
            }
            if (readEdge != null) {
                readEdge.from(module);
            }
            listener.onTransformation(name);
            return woven;
        } catch (Throwable t) {
            listener.onError(name, t);
            return null;
        } finally {
            inside[0] = false;
        }
    }

    /**
     * The agent's ignore rules by name and loader (synthetic classes are told from their
     * description): the boot loader's classes other than the JDK sinks, the agent's own.
     */
    private boolean ignored(String name, ClassLoader loader) {
        if (loader == null ? !bootTypes.matches(new Matchers.TypeName(name)) : loader == ownLoader) {
            return true;
        }
        for (String prefix : ignoredPrefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The advice of every rule whose type matcher matches, in the rules' order. */
    private List<CachedAdvice> matched(TypeShape type) {
        List<CachedAdvice> matched = Collections.emptyList();
        for (Transformations.Rule rule : rules) {
            if (rule.types.matches(type)) {
                if (matched.isEmpty()) {
                    matched = new ArrayList<CachedAdvice>(4);
                }
                matched.addAll(rule.advice);
            }
        }
        return matched;
    }

    /** The class woven, or null when no method of it is selected by any matched advice (also the start-up warm-up's). */
    static byte[] weave(ClassFileShape type, List<CachedAdvice> advice, ClassLoader loader) {
        final Map<String, List<AdviceClass>> plan = new HashMap<String, List<AdviceClass>>();
        for (MethodShape method : type.methods()) {
            String key = null;
            for (CachedAdvice a : advice) {
                List<AdviceClass> selected = a.adviceFor(method, loader);
                if (!selected.isEmpty()) {
                    if (key == null) {
                        key = method.name() + method.descriptor();
                    }
                    List<AdviceClass> list = plan.get(key);
                    if (list == null) {
                        list = new ArrayList<AdviceClass>(2);
                        plan.put(key, list);
                    }
                    list.addAll(selected);
                }
            }
        }
        if (plan.isEmpty()) {
            return null;
        }
        ClassReader reader = type.reader();
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new AdviceWeaver(writer, (name, descriptor) -> plan.get(name + descriptor)), ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /**
     * Whether a loaded class would be woven (what the retransformation pass asks): described from
     * its class file as at load, its super types from the loaded classes; by reflection
     * ({@link LoadedClassShape}) only when no class file is served for it (generated at run time).
     */
    public boolean matches(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (ignored(type.getName(), loader)) {
            return false;
        }
        byte[] classFile = hierarchy.classFileOf(type);
        TypeShape shape = classFile != null
                ? new ClassFileShape(new ClassReader(classFile), new LoadedSuperTypes(type, hierarchy.of(loader, type.getProtectionDomain())))
                : new LoadedClassShape(type);
        return (shape.modifiers() & ACC_SYNTHETIC) == 0 && !matched(shape).isEmpty();
    }

    /** The super types of a loaded class's hierarchy from the loaded classes; any other type's from its loader. */
    private static final class LoadedSuperTypes implements SuperTypes {
        private final Map<String, Class<?>> loaded = new HashMap<String, Class<?>>();
        private final SuperTypes others;

        LoadedSuperTypes(Class<?> type, SuperTypes others) {
            this.others = others;
            add(type);
        }

        private void add(Class<?> type) {
            if (loaded.put(type.getName().replace('.', '/'), type) != null) {
                return;
            }
            if (type.getSuperclass() != null) {
                add(type.getSuperclass());
            }
            for (Class<?> i : type.getInterfaces()) {
                add(i);
            }
        }

        @Override
        public String[] of(String internalName) {
            Class<?> type = loaded.get(internalName);
            if (type == null) {
                return others.of(internalName);
            }
            return SuperTypes.names(type);
        }
    }

    /** Reads every rule's advice classes now ({@link CachedAdvice#readAll}): called off the main thread after the install. */
    public void readAdvice() {
        for (Transformations.Rule rule : rules) {
            for (CachedAdvice advice : rule.advice) {
                advice.readAll();
            }
        }
    }

    @Override
    public String toString() {
        return "the agent's weaving transformer (" + rules.size() + " rules)";
    }
}
