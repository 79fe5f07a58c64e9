package dev.rasp.core;

import dev.rasp.core.instrumentation.JdkTypes;
import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.TypeHierarchy;
import dev.rasp.core.instrumentation.WeavingTransformer;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.TypeShape;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.instrument.Instrumentation;
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

    private final List<Class<?>> retransformed = Collections.synchronizedList(new ArrayList<Class<?>>());
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
                        case "retransformClasses":
                            release.await(10, TimeUnit.SECONDS);
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

    /** ByteBuddy's transformer, as far as the pass asks it: which classes a module matches. */
    private static ResettableClassFileTransformer matching(Class<?>... hooked) {
        Set<String> names = new HashSet<String>();
        for (Class<?> c : hooked) {
            names.add(c.getName());
        }
        return (ResettableClassFileTransformer) Proxy.newProxyInstance(LoadedClassPassTest.class.getClassLoader(),
                new Class<?>[] {ResettableClassFileTransformer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("iterator")) {
                        TypeDescription type = (TypeDescription) args[0];
                        return (names.contains(type.getName()) ? Collections.singletonList(new Object())
                                : Collections.emptyList()).iterator();
                    }
                    throw new UnsupportedOperationException(method.getName());
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
                new URLClassLoader(new URL[0], null), null, new JdkTypes(), true);
    }

    @Test
    void aRequestWaitsForThePassWhichRetransformsWhatAModuleMatches() throws Exception {
        InternalErrors errors = new InternalErrors();
        pass = LoadedClassPass.start(jvm(Hooked.class, Plain.class, String.class), matching(Hooked.class, String.class),
                null, discovery(), errors);
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
        pass = LoadedClassPass.start(jvm(Refused.class, Hooked.class), matching(Refused.class, Hooked.class), null, discovery(),
                errors);
        pass.join(10_000);
        assertEquals(Collections.singletonList(Hooked.class), retransformed, "retried on its own after the batch failed");
        assertEquals(1, errors.errors(), "the refused class is counted");
        assertTrue(LoadedClassPass.over());
    }

    @Test
    void aRequestIsServedAfterTheLongestWaitAndCounted() {
        InternalErrors errors = new InternalErrors();
        pass = LoadedClassPass.start(jvm(Hooked.class), matching(Hooked.class), null, discovery(), errors);
        long t0 = System.nanoTime();
        LoadedClassPass.awaitBeforeRequest(errors, 100);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100));
        assertFalse(LoadedClassPass.over(), "the pass still runs");
        assertEquals(1, errors.errors(), "a request served before the pass was over is counted");
    }

    /** The agent's own transformer (the default): the pass asks it, not ByteBuddy's iterator, about each loaded class. */
    @Test
    void withTheAgentsTransformerThePassRetransformsWhatItsRulesMatch() throws Exception {
        InternalErrors errors = new InternalErrors();
        release.countDown();
        // the ByteBuddy transformer matches nothing: what is retransformed is what the agent's own says
        pass = LoadedClassPass.start(jvm(Plain.class, Hooked.class, String.class), matching(),
                weaving(Hooked.class, String.class), discovery(), errors);
        pass.join(10_000);
        assertTrue(LoadedClassPass.over());
        // String is the boot loader's and no module names it: left alone whatever a rule says
        assertEquals(Collections.singletonList(Hooked.class), retransformed);
        assertEquals(0, errors.errors());
    }
}
