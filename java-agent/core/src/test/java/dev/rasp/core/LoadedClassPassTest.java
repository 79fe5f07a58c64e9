package dev.rasp.core;

import dev.rasp.core.instrumentation.JdkTypes;
import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.TypeHierarchy;
import dev.rasp.core.instrumentation.WeavingTransformer;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.ClassFiles;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.TypeShape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.security.ProtectionDomain;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classes loaded before the agent are retransformed on a thread of their own after premain
 * (LoadedClassPass): what a module matches is retransformed, a refused class does not keep the
 * others unhooked, and a request that comes while the pass runs waits for it (boundedly).
 */
class LoadedClassPassTest {

    static final class Hooked {
    }

    static final class Plain {
    }

    static final class Refused {
    }

    /** Loaded across the install in {@link #aClassLoadedAcrossTheInstallIsRetransformed}. */
    static final class Straddler {
    }

    /** Loaded through the installed transformer in the same test: its benign twin. */
    static final class LoadedThrough {
    }

    /**
     * Linking it loads {@link Derived} (the verifier checks that the Derived its method returns is a
     * Base): whether its loader was asked for Derived tells whether it was linked. Initialising it
     * sets a system property.
     */
    static final class LinkProbe {
        static final String INITIALISED = "rasp.test.LinkProbe.initialised";

        static {
            System.setProperty(INITIALISED, "true");
        }

        static Base make() {
            return new Derived();
        }
    }

    static class Base {
    }

    static final class Derived extends Base {
    }

    /** Defines the classes it is asked for from the test's class files: each instance loads them afresh. */
    static class IsolatedLoader extends ClassLoader {
        /** The classes it was asked to define, in order. */
        final List<String> defined = Collections.synchronizedList(new ArrayList<String>());

        IsolatedLoader() {
            super(null);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            defined.add(name);
            byte[] classFile = ClassFiles.read(LoadedClassPassTest.class.getClassLoader(), name);
            if (classFile == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, classFile, 0, classFile.length);
        }

        @Override
        protected URL findResource(String name) {
            return LoadedClassPassTest.class.getClassLoader().getResource(name);
        }
    }

    /** What the JVM showed a transformer: loads and retransformations, by class name. */
    static final class Recording implements ClassFileTransformer {
        final List<String> loads = Collections.synchronizedList(new ArrayList<String>());
        final List<String> retransformations = Collections.synchronizedList(new ArrayList<String>());

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain protectionDomain, byte[] classfileBuffer) {
            if (loader instanceof IsolatedLoader) {
                (classBeingRedefined == null ? loads : retransformations).add(className.replace('/', '.'));
            }
            return null;
        }
    }

    private final List<Class<?>> retransformed = Collections.synchronizedList(new ArrayList<Class<?>>());
    /** Run by the fake JVM as a retransformation begins. */
    private volatile Runnable atRetransformation = () -> { };
    private final CountDownLatch release = new CountDownLatch(1);
    private Thread pass;

    @AfterEach
    void tearDown() throws InterruptedException {
        release.countDown();
        if (pass != null) {
            pass.join(10_000);
        }
        assertTrue(LoadedClassPass.over());
    }

    /** The JVM, as far as the pass uses it: these classes loaded, retransformation recorded (after {@code release}). */
    private Instrumentation jvm(Class<?>... loaded) {
        return (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Instrumentation.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getAllLoadedClasses":
                            return loaded.clone();
                        case "isModifiableClass":
                            return true;
                        case "addTransformer":
                            return null;
                        case "removeTransformer":
                            return true;
                        case "retransformClasses":
                            release.await(10, TimeUnit.SECONDS);
                            atRetransformation.run();
                            Class<?>[] classes = (Class<?>[]) args[0];
                            if (Arrays.asList(classes).contains(Refused.class)) {
                                throw new UnmodifiableClassException(Refused.class.getName());
                            }
                            retransformed.addAll(Arrays.asList(classes));
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** The agent's own transformer, as far as the pass asks it ({@link WeavingTransformer#matches}): which classes a rule matches. */
    private static WeavingTransformer weaving(Class<?>... hooked) {
        String[] names = new String[hooked.length];
        for (int i = 0; i < hooked.length; i++) {
            names[i] = hooked[i].getName();
        }
        Transformations rules = new Transformations().type(Matchers.<TypeShape>namedOneOf(names))
                .transform(CachedAdvice.of(LoadedClassPassTest.class.getClassLoader()));
        return new WeavingTransformer(rules, Matchers.none(), new URLClassLoader(new URL[0], null),
                Collections.<String>emptyList(), new TypeHierarchy(new JdkTypes()), null, null,
                new WeavingTransformer.Listener() {
                    @Override
                    public void onTransformation(String typeName) {
                    }

                    @Override
                    public void onError(String typeName, Throwable error) {
                    }
                });
    }

    /** Every class of the test's loader counts (no pre-filter); the agent's own loader is another. */
    private static Activation.LoadedClassDiscovery discovery() {
        return new Activation.LoadedClassDiscovery(Matchers.none(),
                new URLClassLoader(new URL[0], null), null, new JdkTypes());
    }

    @Test
    void aRequestWaitsForThePassWhichRetransformsWhatAModuleMatches() throws Exception {
        InternalErrors errors = new InternalErrors();
        pass = LoadedClassPass.start(jvm(Hooked.class, Plain.class, String.class), weaving(Hooked.class, String.class),
                discovery(), errors);
        assertFalse(LoadedClassPass.over(), "a request arriving now waits");
        AtomicBoolean served = new AtomicBoolean();
        Thread request = new Thread(() -> {
            LoadedClassPass.awaitBeforeRequest(errors, 10_000);
            served.set(true);
        });
        request.start();
        Thread.sleep(200);
        assertFalse(served.get(), "served while the JDK's sinks were still unhooked");
        release.countDown();
        request.join(10_000);
        assertTrue(served.get());
        assertTrue(LoadedClassPass.over());
        // String is the boot loader's and no module names it: left alone whatever a matcher says
        assertEquals(Collections.singletonList(Hooked.class), retransformed);
        assertEquals(0, errors.errors());
    }

    @Test
    void aRefusedClassDoesNotLeaveTheOthersUnhooked() throws Exception {
        InternalErrors errors = new InternalErrors();
        release.countDown();
        pass = LoadedClassPass.start(jvm(Refused.class, Hooked.class), weaving(Refused.class, Hooked.class), discovery(), errors);
        pass.join(10_000);
        assertEquals(Collections.singletonList(Hooked.class), retransformed, "retried on its own after the batch failed");
        assertEquals(1, errors.errors(), "the refused class is counted");
        assertTrue(LoadedClassPass.over());
    }

    @Test
    void aRequestIsServedAfterTheLongestWaitAndCounted() {
        InternalErrors errors = new InternalErrors();
        pass = LoadedClassPass.start(jvm(Hooked.class), weaving(Hooked.class), discovery(), errors);
        long t0 = System.nanoTime();
        LoadedClassPass.awaitBeforeRequest(errors, 100);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100));
        assertFalse(LoadedClassPass.over(), "the pass still runs");
        assertEquals(1, errors.errors(), "a request served before the pass was over is counted");
    }

    /**
     * The JVM shows a class to the transformers registered when its load hook runs, and lists it
     * among the loaded classes once it is defined. A class whose hook ran before the agent's
     * transformer was added and whose definition ended after the pass's snapshot was in neither,
     * and stayed unhooked (at the starter's attach the application's threads load classes all the
     * while). Here the JVM's own class loading, made to straddle deterministically: a transformer
     * registered first holds the class's load hook while the agent installs (the JVM called the
     * transformers registered before it). The pass must retransform it; the class loaded through
     * the installed transformer must not be retransformed again.
     */
    @Test
    void aClassLoadedAcrossTheInstallIsRetransformed() throws Exception {
        Instrumentation real = SelfAttachedInstrumentation.get();
        IsolatedLoader loader = new IsolatedLoader();
        CountDownLatch inLoadHook = new CountDownLatch(1);
        CountDownLatch defineIt = new CountDownLatch(1);
        ClassFileTransformer stall = new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader l, String className, Class<?> redefined, ProtectionDomain pd, byte[] b) {
                if (l == loader && redefined == null && className.equals(Straddler.class.getName().replace('.', '/'))) {
                    inLoadHook.countDown();
                    try {
                        defineIt.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return null;
            }
        };
        Recording agents = new Recording();
        real.addTransformer(stall, true);
        Thread application = new Thread(() -> {
            try {
                loader.loadClass(Straddler.class.getName());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }, "application");
        try {
            application.start();
            assertTrue(inLoadHook.await(10, TimeUnit.SECONDS));
            real.addTransformer(agents, true); // the agent installs while the class is being loaded
            AtomicInteger snapshots = new AtomicInteger();
            Instrumentation jvm = (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getAllLoadedClasses") && snapshots.incrementAndGet() == 2) {
                            // while the pass ran: the straddling class's definition ends (the loader is locked
                            // until then), another class is loaded through the installed transformer
                            defineIt.countDown();
                            application.join(10_000);
                            Class.forName(LoadedThrough.class.getName(), false, loader);
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            InternalErrors errors = new InternalErrors();
            pass = LoadedClassPass.start(jvm, weaving(Straddler.class, LoadedThrough.class), discovery(), errors);
            pass.join(10_000);
            assertTrue(LoadedClassPass.over());
            assertEquals(2, snapshots.get(), "a second snapshot was taken after the pass");
            assertEquals(Collections.singletonList(LoadedThrough.class.getName()), agents.loads,
                    "the straddling class was never shown to the agent's transformer at load (the gap this closes)");
            assertEquals(Collections.singletonList(Straddler.class.getName()), agents.retransformations,
                    "the straddling class is retransformed; the one loaded through the transformer is not again");
            assertEquals(0, errors.errors());
        } finally {
            defineIt.countDown();
            real.removeTransformer(stall);
            real.removeTransformer(agents);
        }
    }

    /**
     * A class loaded but not yet linked is linked before the JVM is asked to retransform it, and not
     * initialised: rebuilding the class file of a class another thread is linking can give garbage
     * (JDK-8277444), which crashed a JVM in CI.
     */
    @Test
    void aClassNotYetLinkedIsLinkedNotInitialisedBeforeItIsRetransformed() throws Exception {
        IsolatedLoader loader = new IsolatedLoader();
        Class<?> probe = Class.forName(LinkProbe.class.getName(), false, loader);
        assertFalse(loader.defined.contains(Derived.class.getName()), "loading alone does not link");
        List<Boolean> linkedAtRetransformation = new ArrayList<Boolean>();
        atRetransformation = () -> linkedAtRetransformation.add(loader.defined.contains(Derived.class.getName()));
        release.countDown();
        InternalErrors errors = new InternalErrors();
        pass = LoadedClassPass.start(jvm(probe), weaving(LinkProbe.class), discovery(), errors);
        pass.join(10_000);
        assertEquals(Collections.singletonList(probe), retransformed);
        assertEquals(Collections.singletonList(true), linkedAtRetransformation, "linked before the retransformation");
        assertEquals(null, System.getProperty(LinkProbe.INITIALISED), "linked, not initialised");
        assertEquals(0, errors.errors());
    }

    /**
     * The JVM's own class loading and retransformation: an application thread is linking the class
     * (held, deterministically, in its verification, where the verifier asks the class's loader for
     * Derived) when the pass comes to it. The pass waits until that link is over before the JVM
     * rebuilds the class file; only then is the class retransformed, once.
     */
    @Test
    void aClassAnotherThreadIsLinkingIsRetransformedOnlyAfterThatLinkIsOver() throws Exception {
        Instrumentation real = SelfAttachedInstrumentation.get();
        CountDownLatch inVerification = new CountDownLatch(1);
        CountDownLatch finishIt = new CountDownLatch(1);
        IsolatedLoader loader = new IsolatedLoader() {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.equals(Derived.class.getName())) {
                    inVerification.countDown();
                    try {
                        finishIt.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.findClass(name);
            }
        };
        Class<?> probe = Class.forName(LinkProbe.class.getName(), false, loader);
        Recording agents = new Recording();
        real.addTransformer(agents, true);
        Thread application = new Thread(() -> probe.getDeclaredMethods(), "application"); // links it
        try {
            application.start();
            assertTrue(inVerification.await(10, TimeUnit.SECONDS));
            Instrumentation jvm = (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getAllLoadedClasses")) {
                            return new Class<?>[] {probe}; // the JVM's own list would be the whole test JVM
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            InternalErrors errors = new InternalErrors();
            pass = LoadedClassPass.start(jvm, weaving(LinkProbe.class), discovery(), errors);
            pass.join(300);
            assertTrue(pass.isAlive(), "the pass waits for the link under way");
            assertEquals(Collections.emptyList(), agents.retransformations, "not retransformed while being linked");
            finishIt.countDown();
            application.join(10_000);
            pass.join(10_000);
            assertTrue(LoadedClassPass.over());
            assertEquals(Collections.singletonList(LinkProbe.class.getName()), agents.retransformations);
            assertEquals(0, errors.errors());
        } finally {
            finishIt.countDown();
            real.removeTransformer(agents);
        }
    }
}
