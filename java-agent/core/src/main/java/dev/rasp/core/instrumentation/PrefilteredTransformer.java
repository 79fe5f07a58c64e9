package dev.rasp.core.instrumentation;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.Named;
import org.objectweb.asm.ClassReader;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.ProtectionDomain;

/**
 * The agent's class file transformer as the JVM calls it: the transformer that matches and weaves
 * ({@link WeavingTransformer}) behind a first decision that lets through only the classes one of
 * the agent's matchers can match.
 *
 * <p>A Spring Boot start defines some 12,000 classes after the agent's; about 170 of them can
 * match and 140 are transformed. Describing and matching each of them costs far more than this
 * decision (ByteBuddy's agent builder, which the agent used first, spent about 0.4 s of CPU at
 * start on them, and the JIT compiled that path). Here a class goes to the weaver only when it is
 * <ul>
 *   <li>a retransformation (the weaver matches on the class as it was loaded),</li>
 *   <li>a boot loader class whose name one of the modules' {@code bootstrapTypes()} names (the
 *       same matcher as the weaver's ignore rule for the boot loader, on the name alone), or</li>
 *   <li>a class of any other loader but the agent's own that {@link TypePrefilter} keeps.</li>
 * </ul>
 * Every other class is left as it is, exactly as the weaver's own ignore rules would leave it.
 *
 * <p>Why a dynamic proxy: on Java 9+ the JVM calls {@code transform(Module, ...)}, whose module
 * the weaver needs (read edges into named modules, e.g. {@code java.naming}), and the agent is
 * compiled for Java 8, where {@code java.lang.Module} does not exist. A proxy of
 * {@link ClassFileTransformer} receives both forms and hands the weaver the module the JVM passed.
 *
 * <p>Two registrations ({@link #registerForLoads}). The proxy is registered as able to
 * retransform, which the agent needs for the classes loaded before it. But the JVM keeps a copy of
 * the original class file of every class a retransformation-capable transformer changes as it is
 * loaded (so that a later retransformation can start from it): about 1.4 MiB of native memory on a
 * Spring Boot application, the bytes of ~140 classes, for the life of the JVM. So once the classes
 * loaded before the agent are known, loads are woven by a second registration that cannot
 * retransform, whose changes the JVM keeps as part of the class instead: a later retransformation
 * (another agent's, a diagnostic tool's) starts from the woven class and keeps the hooks. The JVM
 * calls that registration first; the retransformation-capable one then skips the load it handled
 * (one marker per thread) and never weaves again a class that already calls the bridge.
 *
 * <p>Neither registration is made when the agent's library installs its native class-load hook
 * (the default; {@link NativeHandler}): the library looks at every load first, in native code, and
 * calls the same two paths, loads through its retransformation-incapable JVM TI environment and
 * retransformations through its capable one. The registrations are the fallback.
 */
public final class PrefilteredTransformer implements InvocationHandler {

    /** What is behind the filter: {@link WeavingTransformer} (a recorder in tests). */
    public interface Weaver {
        /** As {@link ClassFileTransformer#transform}, with the module of the Java 9+ form (null from the Java 8 form). */
        byte[] transform(Object module, ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
                         byte[] classFile);
    }

    /** Who times and counts the transformer's calls ({@code rasp.debug.startup}); {@link #NONE} otherwise. */
    public interface Probe {
        void enter();

        /** @param toWeaver whether the class was handed to the weaver */
        void exit(boolean toWeaver);
    }

    public static final Probe NONE = new Probe() {
        @Override
        public void enter() {
        }

        @Override
        public void exit(boolean toWeaver) {
        }
    };

    private final Weaver delegate;
    private final TypePrefilter prefilter;
    private final Matcher<? super Named> bootTypes;
    private final ClassLoader ownLoader;
    private final Probe probe;
    /** The load the load-time registration handled last on this thread, which the other one then skips. */
    private final ThreadLocal<HandledLoad> handled = new ThreadLocal<HandledLoad>() {
        @Override
        protected HandledLoad initialValue() {
            return new HandledLoad();
        }
    };
    /** The bridge's internal name, as woven advice names it in the constant pool. */
    private static final String BRIDGE = RaspBridge.class.getName().replace('.', '/');

    /** One class load: its loader and name (the JVM hands each registration its own name string). */
    private static final class HandledLoad {
        ClassLoader loader;
        String name;

        boolean is(ClassLoader l, String n) {
            return name != null && loader == l && name.equals(n);
        }
    }

    private PrefilteredTransformer(Weaver delegate, TypePrefilter prefilter,
                                   Matcher<? super Named> bootTypes, ClassLoader ownLoader, Probe probe) {
        this.delegate = delegate;
        this.prefilter = prefilter;
        this.bootTypes = bootTypes;
        this.ownLoader = ownLoader;
        this.probe = probe;
    }

    /**
     * The agent's own transformer behind the pre-filter, as the JVM is to hold it.
     *
     * @param prefilter null to hand the transformer every class ({@code -Drasp.debug.prefilter=off}, to compare)
     * @param bootTypes the boot loader's types the modules hook, matched on their name alone
     * @param ownLoader the agent core's loader: its classes are never transformed, and loading
     *                  the filter's own classes must not run the filter
     */
    public static ClassFileTransformer wrap(Weaver delegate, TypePrefilter prefilter,
                                            Matcher<? super Named> bootTypes, ClassLoader ownLoader, Probe probe) {
        PrefilteredTransformer handler = new PrefilteredTransformer(delegate, prefilter, bootTypes, ownLoader, probe);
        return (ClassFileTransformer) Proxy.newProxyInstance(PrefilteredTransformer.class.getClassLoader(),
                new Class<?>[] {ClassFileTransformer.class}, handler);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("transform") && args != null && (args.length == 5 || args.length == 6)) {
            return transform(args, args.length - 5);
        }
        if (method.getDeclaringClass() == Object.class) {
            if (name.equals("equals")) {
                return proxy == args[0];
            }
            if (name.equals("hashCode")) {
                return System.identityHashCode(proxy);
            }
            return "prefiltered " + delegate;
        }
        return null; // ClassFileTransformer has no other methods
    }

    /**
     * Registers the load-time registration with the JVM (not able to retransform): from now on the
     * classes loaded are woven without the JVM keeping their original bytes. Call it after the
     * snapshot of the loaded classes was taken: a class the pass retransforms must not have been woven
     * by this one, or the pass would start from the woven class. {@code -Drasp.debug.loadtime=retransformable}
     * leaves every load to the retransformation-capable registration, as before.
     *
     * @param registered the proxy {@link #wrap} made, registered as able to retransform
     * @return the load-time registration, or null when there is none
     */
    public static ClassFileTransformer registerForLoads(Instrumentation instrumentation, ClassFileTransformer registered) {
        if ("retransformable".equals(System.getProperty("rasp.debug.loadtime")) || !Proxy.isProxyClass(registered.getClass())
                || !(Proxy.getInvocationHandler(registered) instanceof PrefilteredTransformer)) {
            return null;
        }
        final PrefilteredTransformer shared = (PrefilteredTransformer) Proxy.getInvocationHandler(registered);
        ClassFileTransformer loads = (ClassFileTransformer) Proxy.newProxyInstance(PrefilteredTransformer.class.getClassLoader(),
                new Class<?>[] {ClassFileTransformer.class}, new InvocationHandler() {
                    @Override
                    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                        if (method.getName().equals("transform") && args != null && (args.length == 5 || args.length == 6)) {
                            return shared.transformLoad(args, args.length - 5);
                        }
                        if (method.getName().equals("equals")) {
                            return proxy == args[0];
                        }
                        if (method.getName().equals("hashCode")) {
                            return System.identityHashCode(proxy);
                        }
                        return method.getName().equals("toString") ? "load-time " + shared.delegate : null;
                    }
                });
        instrumentation.addTransformer(loads, false);
        return loads;
    }

    /**
     * What the native class-load hook calls instead of the two registrations (native/jni/src/class_hook):
     * its load environment's {@link #onLoad} for the loads it lets through and other agents'
     * redefinitions, its retransform environment's {@link #onRetransform} for retransformations.
     * The JVM then hands no class to a Java transformer at all. Neither method throws.
     */
    public static final class NativeHandler {
        private final PrefilteredTransformer shared;

        NativeHandler(PrefilteredTransformer shared) {
            this.shared = shared;
        }

        /** A load the native first look let through, or a redefinition: as the load-time registration's. */
        public byte[] onLoad(Object module, ClassLoader loader, String internalName, Class<?> redefined,
                             ProtectionDomain domain, byte[] classFile) {
            try {
                return (byte[]) shared.transformAny(new Object[] {module, loader, internalName, redefined, domain,
                        classFile}, 1);
            } catch (Throwable t) {
                return null;
            }
        }

        /**
         * A load the native first look could not decide on its own file: it shows no key but declares
         * a method a rule that looks at super types weaves, and the look knows no answer for its super
         * types (native/jni/src/class_hook/super_types.rs). Whether one of them ({@code superTypes}:
         * its superclass and interfaces as internal names, less those the look knows to have no key
         * type) may have a key type in its hierarchy as {@code loader} sees it: true sends the class to
         * {@link #onLoad}; the look remembers a false and leaves its siblings without asking. True when
         * it cannot be said.
         */
        public boolean onSuperTypes(ClassLoader loader, ProtectionDomain domain, String internalName, String[] superTypes) {
            try {
                return shared.superTypesMayMatch(loader, internalName, domain, superTypes);
            } catch (Throwable t) {
                return true;
            }
        }

        /** A retransformation: as the retransformation-capable registration's. */
        public byte[] onRetransform(Object module, ClassLoader loader, String internalName, Class<?> redefined,
                                    ProtectionDomain domain, byte[] classFile) {
            try {
                Object m = module != null || redefined == null ? module : ModuleReadEdge.moduleOf(redefined);
                return (byte[]) shared.transform(new Object[] {m, loader, internalName, redefined, domain, classFile}, 1);
            } catch (Throwable t) {
                return null;
            }
        }
    }

    /** The native hook's handler for the transformer {@link #wrap} made; null for any other. */
    public static NativeHandler nativeHandler(ClassFileTransformer registered) {
        if (!Proxy.isProxyClass(registered.getClass())
                || !(Proxy.getInvocationHandler(registered) instanceof PrefilteredTransformer)) {
            return null;
        }
        return new NativeHandler((PrefilteredTransformer) Proxy.getInvocationHandler(registered));
    }

    /** The load-time registration's call: a load (or another agent's redefinition), woven here. */
    private Object transformLoad(Object[] args, int at) {
        try {
            return transformAny(args, at);
        } finally {
            HandledLoad h = handled.get();
            h.loader = (ClassLoader) args[at];
            h.name = (String) args[at + 1];
        }
    }

    /** {@code args} as the JVM passed them; {@code at} is where the class loader is (1 after a module). */
    private Object transform(Object[] args, int at) {
        HandledLoad h = handled.get();
        if (h.is((ClassLoader) args[at], (String) args[at + 1])) {
            h.name = null;
            h.loader = null;
            return null; // the load-time registration handled it just now
        }
        if (args[at + 2] != null && callsBridge((byte[]) args[at + 4])) {
            // woven at load by the load-time registration (the JVM starts a retransformation from the
            // class as it is then): the hooks are there already
            return null;
        }
        return transformAny(args, at);
    }

    /**
     * Whether a class file refers to the bridge class (a CONSTANT_Class of its name, as every woven
     * advice's call does): advice was woven into it. The name merely appearing as text (a string
     * constant) does not count.
     */
    public static boolean callsBridge(byte[] classFile) {
        if (classFile == null) {
            return false;
        }
        try {
            ClassReader reader = new ClassReader(classFile);
            char[] buffer = new char[reader.getMaxStringLength()];
            for (int i = 1; i < reader.getItemCount(); i++) {
                int offset = reader.getItem(i);
                // the entry's content starts at offset, its tag just before (7: CONSTANT_Class,
                // whose content is the index of its name)
                if (offset > 0 && classFile[offset - 1] == 7 && BRIDGE.equals(reader.readUTF8(offset, buffer))) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    private Object transformAny(Object[] args, int at) {
        probe.enter();
        boolean toWeaver = false;
        try {
            toWeaver = mayMatch((ClassLoader) args[at], (String) args[at + 1], (Class<?>) args[at + 2],
                    (ProtectionDomain) args[at + 3], (byte[]) args[at + 4]);
            if (!toWeaver) {
                return null;
            }
            // called directly, with the module the JVM passed (Java 9+)
            return delegate.transform(at == 1 ? args[0] : null, (ClassLoader) args[at], (String) args[at + 1],
                    (Class<?>) args[at + 2], (ProtectionDomain) args[at + 3], (byte[]) args[at + 4]);
        } finally {
            probe.exit(toWeaver);
        }
    }

    /** {@link #mayMatch} for a load whose super types alone decide (the native first look's question). */
    private boolean superTypesMayMatch(ClassLoader loader, String internalName, ProtectionDomain domain,
                                       String[] superTypes) {
        if (internalName == null || superTypes == null || loader == null || prefilter == null) {
            return true; // onLoad decides as before
        }
        if (loader == ownLoader) {
            return false;
        }
        probe.enter();
        try {
            return prefilter.superTypesCandidate(loader, domain, internalName, superTypes);
        } catch (Throwable undecided) {
            return true;
        } finally {
            probe.exit(false);
        }
    }

    private boolean mayMatch(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
                             byte[] classFile) {
        if (internalName == null) {
            return false; // nothing to match a class without a name by
        }
        if (redefined != null || prefilter == null) {
            return true;
        }
        if (loader == null) {
            // by name first (the modules' bootstrapTypes), then as any class: the name rule for the
            // JDK's executors takes in all of java.util.concurrent (about a hundred classes in a
            // Spring Boot start, queues and atomics among them), whose hierarchies the JDK serves at once
            if (!bootTypes.matches(new Matchers.TypeName(internalName.replace('/', '.')))) {
                return false;
            }
            try {
                return classFile == null || prefilter.candidate(null, domain, classFile);
            } catch (Throwable undecided) {
                return true;
            }
        }
        if (loader == ownLoader || classFile == null) {
            return false;
        }
        try {
            return prefilter.candidate(loader, domain, classFile);
        } catch (Throwable undecided) {
            return true; // the weaver looks at it
        }
    }
}
