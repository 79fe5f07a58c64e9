package dev.rasp.core;

import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.PrefilteredTransformer;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.TypePrefilter;
import net.bytebuddy.ByteBuddy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What reaches the weaver through the agent's {@link PrefilteredTransformer}: only the classes a
 * matcher can match, with the arguments the JVM passed, in the form it used (with the module on
 * Java 9+); everything else is left untransformed without the weaver seeing it. (ByteBuddy here
 * only makes class files.)
 */
class PrefilteredTransformerTest {

    /** What the weaver stand-in returns for every class it is handed. */
    private static final byte[] WOVEN = {(byte) 0xCA, (byte) 0xFE};

    private final List<Object[]> handed = new ArrayList<Object[]>();
    private final ClassLoader appLoader = getClass().getClassLoader();
    private final ClassLoader ownLoader = new ClassLoader(null) {
    };
    private TypePrefilter prefilter;

    /** The weaver as a recorder: the arguments as the JVM passed them (the module first in its Java 9+ form). */
    private final PrefilteredTransformer.Weaver recorder = (module, loader, name, redefined, domain, classFile) -> {
        handed.add(module == null ? new Object[] {loader, name, redefined, domain, classFile}
                : new Object[] {module, loader, name, redefined, domain, classFile});
        return WOVEN;
    };

    /** Every call the transformer made, as the start-up probe sees it: true when it went to the weaver. */
    private final List<Boolean> probed = new ArrayList<Boolean>();
    private int entered;

    private ClassFileTransformer filtered(TypePrefilter filter) {
        return PrefilteredTransformer.wrap(recorder, filter,
                Activation.jdkSinks(Activation.modules()), ownLoader, new PrefilteredTransformer.Probe() {
                    @Override
                    public void enter() {
                        entered++;
                    }

                    @Override
                    public void exit(boolean toWeaver) {
                        probed.add(toWeaver);
                    }
                });
    }

    @BeforeEach
    void setUp() {
        List<TypeKeys> keys = new ArrayList<TypeKeys>();
        for (InstrumentationModule module : Activation.modules()) {
            TypeKeys k = new TypeKeys();
            module.typeKeys(k);
            keys.add(k);
        }
        prefilter = new TypePrefilter(keys);
    }

    private static byte[] plainClass() {
        return new ByteBuddy().subclass(Object.class).name("org.example.Plain").make().getBytes();
    }

    private static byte[] executorClass() {
        return new ByteBuddy().subclass(AbstractExecutorService.class).name("org.example.app.Pool").make().getBytes();
    }

    private long seen() {
        assertEquals(entered, probed.size(), "every call that entered the probe left it");
        return probed.size();
    }

    private long passed() {
        return probed.stream().filter(b -> b).count();
    }

    @Test
    void aClassNoMatcherCanMatchNeverReachesTheWeaver() throws Exception {
        ClassFileTransformer t = filtered(prefilter);
        assertNull(t.transform(appLoader, "org/example/Plain", null, null, plainClass()));
        assertTrue(handed.isEmpty());
        assertEquals(1, seen());
        assertEquals(0, passed());
    }

    @Test
    void aCandidateReachesTheWeaverWithTheJvmsArguments() throws Exception {
        ClassFileTransformer t = filtered(prefilter);
        byte[] pool = executorClass();
        ProtectionDomain domain = getClass().getProtectionDomain();
        assertArrayEquals(WOVEN, t.transform(appLoader, "org/example/app/Pool", null, domain, pool));
        assertEquals(1, handed.size());
        Object[] args = handed.get(0);
        assertSame(appLoader, args[0]);
        assertEquals("org/example/app/Pool", args[1]);
        assertSame(domain, args[3]);
        assertSame(pool, args[4]);
        assertEquals(1, passed());
    }

    /** Java 9+: the JVM calls transform(Module, ...); the weaver needs that module (read edges into named modules). */
    @Test
    void theModuleFormReachesTheWeaverWithItsModule() throws Exception {
        Class<?> moduleType = Class.forName("java.lang.Module");
        Object module = Class.class.getMethod("getModule").invoke(getClass());
        Method withModule = ClassFileTransformer.class.getMethod("transform", moduleType, ClassLoader.class,
                String.class, Class.class, ProtectionDomain.class, byte[].class);
        ClassFileTransformer t = filtered(prefilter);

        assertNull(withModule.invoke(t, module, appLoader, "org/example/Plain", null, null, plainClass()));
        assertTrue(handed.isEmpty());

        assertArrayEquals(WOVEN, (byte[]) withModule.invoke(t, module, appLoader, "org/example/app/Pool", null, null,
                executorClass()));
        assertEquals(1, handed.size());
        assertEquals(6, handed.get(0).length);
        assertSame(module, handed.get(0)[0]);
        assertSame(appLoader, handed.get(0)[1]);
    }

    private static byte[] jdkClassFile(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    @Test
    void bootClassesPassByTheModulesNamesThenByTheirClassFile() throws Exception {
        ClassFileTransformer t = filtered(prefilter);
        assertArrayEquals(WOVEN, t.transform(null, "java/io/FileInputStream", null, null,
                jdkClassFile("java/io/FileInputStream")));
        assertArrayEquals(WOVEN, t.transform(null, "java/util/concurrent/ThreadPoolExecutor", null, null,
                jdkClassFile("java/util/concurrent/ThreadPoolExecutor")));
        // named by the java.util.concurrent rule, but no executor, thread, task or timer in its hierarchy
        assertNull(t.transform(null, "java/util/concurrent/ConcurrentLinkedQueue", null, null,
                jdkClassFile("java/util/concurrent/ConcurrentLinkedQueue")));
        // not named by any module: its bytes are not even read
        assertNull(t.transform(null, "java/lang/StringBuilder", null, null, new byte[] {1, 2, 3}));
        assertNull(t.transform(null, "sun/security/util/Debug", null, null, new byte[] {1, 2, 3}));
        assertEquals(2, handed.size());
        assertEquals(5, seen());
        assertEquals(2, passed());
    }

    @Test
    void retransformationsAlwaysReachTheWeaver() throws Exception {
        ClassFileTransformer t = filtered(prefilter);
        // a loaded class: the weaver matches it on the class as loaded, whatever these bytes show
        assertArrayEquals(WOVEN, t.transform(appLoader, "org/example/Plain", getClass(), null, plainClass()));
        assertEquals(1, handed.size());
    }

    @Test
    void theAgentsOwnClassesAndNamelessClassesAreLeftAlone() throws Exception {
        ClassFileTransformer t = filtered(prefilter);
        assertNull(t.transform(ownLoader, "org/example/app/Pool", null, null, executorClass()));
        assertNull(t.transform(appLoader, null, null, null, executorClass()));
        assertTrue(handed.isEmpty());
    }

    @Test
    void anUnreadableClassFileIsUndecidedSoTheWeaverLooks() throws Exception {
        ClassFileTransformer t = filtered(prefilter);
        assertArrayEquals(WOVEN, t.transform(appLoader, "org/example/Broken", null, null, new byte[] {1, 2, 3}));
        assertEquals(1, handed.size());
    }

    /** -Drasp.debug.prefilter=off: the weaver's own ignore rules decide, as before the filter existed. */
    @Test
    void withoutTheFilterEveryNamedClassReachesTheWeaver() throws Exception {
        ClassFileTransformer t = filtered(null);
        assertArrayEquals(WOVEN, t.transform(appLoader, "org/example/Plain", null, null, plainClass()));
        assertArrayEquals(WOVEN, t.transform(ownLoader, "org/example/Plain", null, null, plainClass()));
        assertNull(t.transform(appLoader, null, null, null, plainClass()));
        assertEquals(2, handed.size());
    }

    @Test
    void theProxyIsItsOwnObject() {
        ClassFileTransformer t = filtered(prefilter);
        ClassFileTransformer other = filtered(prefilter);
        assertTrue(t.equals(t));
        assertNotEquals(t, other);
        assertEquals(System.identityHashCode(t), t.hashCode());
        assertTrue(t.toString().startsWith("prefiltered "), t.toString());
    }

    /** An Instrumentation that records the transformers added and with which capability. */
    private static final class Registrations {
        final List<ClassFileTransformer> added = new ArrayList<ClassFileTransformer>();
        final List<Boolean> canRetransform = new ArrayList<Boolean>();
        final Instrumentation instrumentation = (Instrumentation) Proxy.newProxyInstance(
                PrefilteredTransformerTest.class.getClassLoader(), new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addTransformer")) {
                        added.add((ClassFileTransformer) args[0]);
                        canRetransform.add(args.length > 1 && (Boolean) args[1]);
                    }
                    return null;
                });
    }

    /**
     * A class loaded after the second registration is woven by it alone (the JVM calls transformers
     * that cannot retransform first): the retransformation-capable one, whose changes make the JVM keep
     * the original class file, leaves that load alone.
     */
    @Test
    void aLoadIsWovenOnceByTheRegistrationThatCannotRetransform() throws Exception {
        ClassFileTransformer registered = filtered(prefilter);
        Registrations jvm = new Registrations();
        ClassFileTransformer loads = PrefilteredTransformer.registerForLoads(jvm.instrumentation, registered);
        assertSame(loads, jvm.added.get(0));
        assertEquals(java.util.Collections.singletonList(false), jvm.canRetransform, "added as not able to retransform");

        byte[] pool = executorClass();
        assertArrayEquals(WOVEN, loads.transform(appLoader, "org/example/app/Pool", null, null, pool));
        assertNull(registered.transform(appLoader, "org/example/app/Pool", null, null, WOVEN), "the same load: left alone");
        assertEquals(1, handed.size(), "woven once");

        // a class the load-time registration left as it was is still left alone by the other
        assertNull(loads.transform(appLoader, "org/example/Plain", null, null, plainClass()));
        assertNull(registered.transform(appLoader, "org/example/Plain", null, null, plainClass()));
        assertEquals(1, handed.size());

        // before the second registration existed (or for a class it never saw), the capable one weaves
        assertArrayEquals(WOVEN, registered.transform(appLoader, "org/example/app/Pool2", null, null,
                new ByteBuddy().subclass(AbstractExecutorService.class).name("org.example.app.Pool2").make().getBytes()));
        assertEquals(2, handed.size());
    }

    /**
     * A retransformation (another agent's, a diagnostic tool's) of a class woven at load starts from
     * the class as woven, which already calls the bridge: not woven a second time. One whose original
     * bytes the JVM kept (woven by the retransformation-capable registration) is woven again as before.
     */
    @Test
    void aRetransformationOfAWovenClassIsNotWovenTwice() throws Exception {
        ClassFileTransformer registered = filtered(prefilter);
        PrefilteredTransformer.registerForLoads(new Registrations().instrumentation, registered);
        byte[] woven = new ByteBuddy().subclass(AbstractExecutorService.class).name("org.example.app.Pool")
                .defineMethod("hook", void.class, java.lang.reflect.Modifier.PUBLIC | java.lang.reflect.Modifier.STATIC)
                .intercept(net.bytebuddy.implementation.MethodCall.invoke(
                        dev.rasp.bootstrap.RaspBridge.class.getMethod("handOffStats")))
                .make().getBytes();
        assertTrue(PrefilteredTransformer.callsBridge(woven));
        assertFalse(PrefilteredTransformer.callsBridge(executorClass()));
        assertFalse(PrefilteredTransformer.callsBridge(new byte[] {1, 2, 3}), "unreadable: not woven");
        byte[] namesItOnly = new ByteBuddy().subclass(AbstractExecutorService.class).name("org.example.app.Pool")
                .defineField("NAME", String.class, java.lang.reflect.Modifier.PUBLIC | java.lang.reflect.Modifier.STATIC
                        | java.lang.reflect.Modifier.FINAL)
                .value("dev/rasp/bootstrap/RaspBridge")
                .make().getBytes();
        assertFalse(PrefilteredTransformer.callsBridge(namesItOnly), "the bridge's name as a string constant is no call");
        assertArrayEquals(WOVEN, registered.transform(appLoader, "org/example/app/Pool", AbstractExecutorService.class, null,
                namesItOnly), "so such a class is woven");
        handed.clear();

        assertNull(registered.transform(appLoader, "org/example/app/Pool", AbstractExecutorService.class, null, woven));
        assertTrue(handed.isEmpty());
        assertArrayEquals(WOVEN, registered.transform(appLoader, "org/example/app/Pool", AbstractExecutorService.class, null,
                executorClass()));
        assertEquals(1, handed.size());
    }

    @Test
    void theSecondRegistrationCanBeSwitchedOff() {
        String before = System.getProperty("rasp.debug.loadtime");
        System.setProperty("rasp.debug.loadtime", "retransformable");
        try {
            Registrations jvm = new Registrations();
            assertNull(PrefilteredTransformer.registerForLoads(jvm.instrumentation, filtered(prefilter)));
            assertTrue(jvm.added.isEmpty());
        } finally {
            if (before == null) {
                System.clearProperty("rasp.debug.loadtime");
            } else {
                System.setProperty("rasp.debug.loadtime", before);
            }
        }
    }
}
