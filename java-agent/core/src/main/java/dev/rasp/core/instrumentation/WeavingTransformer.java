package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.weaving.AdviceClass;
import dev.rasp.core.instrumentation.weaving.AdviceWeaver;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The agent's class file transformer: a class the pre-filter passes ({@link PrefilteredTransformer})
 * is described from its class file (ByteBuddy's type pool, {@link TypePoolCache}), matched against
 * the modules' rules ({@link Transformations}), and the advice of every rule it matches is woven
 * into the methods each advice's matcher selects, in one ASM pass ({@link AdviceWeaver}). What
 * ByteBuddy's agent builder did around that (its type writer, listeners, the decorated type's
 * method registry) is not run: about 250 of its classes are not loaded, and a woven class costs one
 * read and one write of its class file.
 *
 * <p>As ByteBuddy's agent builder: classes the agent ignores are left alone (the boot loader's
 * other than the modules' JDK sinks, the agent's own, ByteBuddy's, synthetic classes); a class loaded
 * while this transformer runs on the same thread is left alone (it would re-enter the matching
 * that loaded it); a class of a named module that does not read the bridge's module is made to read
 * it, since the woven advice calls the bridge; every failure is contained and counted, the class
 * left as it was. {@code -Drasp.debug.advice=bytebuddy} goes back to ByteBuddy's agent builder and
 * advice, to compare.
 */
public final class WeavingTransformer extends ResettableClassFileTransformer.AbstractBase {

    /** Told what happened to each class; never throws. */
    public interface Listener {
        void onTransformation(String typeName);

        void onError(String typeName, Throwable error);
    }

    private final List<Transformations.Rule> rules;
    private final ElementMatcher<? super TypeDescription> bootTypes;
    private final ClassLoader ownLoader;
    private final List<String> ignoredPrefixes;
    private final AgentBuilder.PoolStrategy pools;
    private final AgentBuilder.LocationStrategy locations;
    private final Listener listener;
    private final ThreadLocal<boolean[]> busy = new ThreadLocal<boolean[]>() {
        @Override
        protected boolean[] initialValue() {
            return new boolean[1];
        }
    };
    /** Adds the read edge to the bridge's module (ByteBuddy's listener, as {@code assureReadEdgeTo} uses). */
    private final AgentBuilder.Listener readEdge;

    /**
     * @param bootTypes       the boot loader's classes the modules hook (by name); every other boot class is ignored
     * @param ownLoader       the agent core's loader, whose classes are ignored
     * @param ignoredPrefixes binary name prefixes of classes to ignore
     * @param bridge          a class of the module the woven advice calls
     */
    public WeavingTransformer(Transformations transformations, ElementMatcher<? super TypeDescription> bootTypes,
                              ClassLoader ownLoader, List<String> ignoredPrefixes, AgentBuilder.PoolStrategy pools,
                              AgentBuilder.LocationStrategy locations, Instrumentation instrumentation, Class<?> bridge,
                              Listener listener) {
        this.rules = transformations.rules();
        this.bootTypes = bootTypes;
        this.ownLoader = ownLoader;
        this.ignoredPrefixes = new ArrayList<String>(ignoredPrefixes);
        this.pools = pools;
        this.locations = locations;
        this.listener = listener;
        this.readEdge = bridge == null || !JavaModule.isSupported() ? null
                : new AgentBuilder.Listener.ModuleReadEdgeCompleting(instrumentation, false,
                        Collections.singleton(JavaModule.ofType(bridge)));
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
            JavaModule javaModule = module == null ? null : JavaModule.of(module);
            TypeDescription type = describe(name, loader, javaModule, classFile);
            if (type.isSynthetic()) {
                return null;
            }
            List<CachedAdvice> advice = matched(type);
            if (advice.isEmpty()) {
                return null;
            }
            byte[] woven = weave(classFile, type, advice, loader);
            if (woven != null && readEdge != null && javaModule != null) {
                readEdge.onTransformation(type, loader, javaModule, redefined != null, null);
            }
            // a matched type counts as transformed, as ByteBuddy counts it, even when no method of it
            // is selected (a filter base class that declares no doFilter): it is left as it was
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
        if (loader == null ? !bootTypes.matches(new TypeDescription.Latent(name, 0, null)) : loader == ownLoader) {
            return true;
        }
        for (String prefix : ignoredPrefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private TypeDescription describe(String name, ClassLoader loader, JavaModule module, byte[] classFile) {
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
                locations.classFileLocator(loader, module));
        TypePool pool = pools.typePool(locator, loader, name);
        return pool.describe(name).resolve();
    }

    /** The advice of every rule whose type matcher matches, in the rules' order. */
    private List<CachedAdvice> matched(TypeDescription type) {
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
    static byte[] weave(byte[] classFile, TypeDescription type, List<CachedAdvice> advice, ClassLoader loader) {
        final Map<String, List<AdviceClass>> plan = new HashMap<String, List<AdviceClass>>();
        for (MethodDescription method : type.getDeclaredMethods()) {
            String key = null;
            for (CachedAdvice a : advice) {
                List<AdviceClass> selected = a.adviceFor(method, loader);
                if (!selected.isEmpty()) {
                    if (key == null) {
                        key = method.getInternalName() + method.getDescriptor();
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
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new AdviceWeaver(writer, (name, descriptor) -> plan.get(name + descriptor)), ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /** The advice that would be woven into a loaded class (what the retransformation pass asks). */
    @Override
    public Iterator<AgentBuilder.Transformer> iterator(TypeDescription type, ClassLoader loader, JavaModule module,
                                                       Class<?> redefined, ProtectionDomain domain) {
        if (ignored(type.getName(), loader) || type.isSynthetic()) {
            return Collections.<AgentBuilder.Transformer>emptyList().iterator();
        }
        return new ArrayList<AgentBuilder.Transformer>(matched(type)).iterator();
    }

    @Override
    public boolean reset(Instrumentation instrumentation, ResettableClassFileTransformer transformer,
                         AgentBuilder.RedefinitionStrategy redefinitionStrategy,
                         AgentBuilder.RedefinitionStrategy.DiscoveryStrategy discoveryStrategy,
                         AgentBuilder.RedefinitionStrategy.BatchAllocator batchAllocator,
                         AgentBuilder.RedefinitionStrategy.Listener listener) {
        return instrumentation.removeTransformer(transformer);
    }

    @Override
    public String toString() {
        return "the agent's weaving transformer (" + rules.size() + " rules)";
    }
}
