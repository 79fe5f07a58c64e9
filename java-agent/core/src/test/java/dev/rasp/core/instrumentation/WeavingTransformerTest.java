package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.TypeShape;
import dev.rasp.core.instrumentation.weaving.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's transformer end to end on a class file: described and matched by type, the matched
 * rules' advice woven into the methods their matchers select, in the rules' order, with the bound
 * constants; classes no rule matches, ignored ones and failures left as they were (failures reported).
 */
class WeavingTransformerTest {

    @Retention(RetentionPolicy.RUNTIME)
    @interface Code {
    }

    /** The woven class. */
    public static class Target {
        private int calls;

        public String greet(String name, int times) {
            calls += times;
            return name + calls;
        }

        public String other(String name) {
            return name;
        }
    }

    /** Appends the bound code and the second argument to the result. */
    public static final class MarkingAdvice {
        private MarkingAdvice() {
        }

        @Advice.OnMethodExit
        public static void exit(@Code int code, @Advice.Argument(1) int times, @Advice.Return(readOnly = false) String result) {
            result = result + "!" + code + "x" + times;
        }
    }

    /** Brackets the first argument, so that the order of two advice classes shows. */
    public static final class BracketAdvice {
        private BracketAdvice() {
        }

        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(value = 0, readOnly = false) String name) {
            name = "[" + name + "]";
        }
    }

    /** Names a field the target does not have: cannot be woven. */
    public static final class BrokenAdvice {
        private BrokenAdvice() {
        }

        @Advice.OnMethodEnter
        public static void enter(@Advice.FieldValue("missing") Object missing) {
            missing.hashCode();
        }
    }

    /** What the transformer reported. */
    private static final class Recorder implements WeavingTransformer.Listener {
        final List<String> transformed = new ArrayList<String>();
        final List<String> errors = new ArrayList<String>();

        @Override
        public void onTransformation(String typeName) {
            transformed.add(typeName);
        }

        @Override
        public void onError(String typeName, Throwable error) {
            errors.add(typeName + ": " + error);
        }
    }

    private static final ClassLoader LOADER = WeavingTransformerTest.class.getClassLoader();

    private static WeavingTransformer transformer(Transformations transformations, List<String> ignored, Recorder recorder) {
        return new WeavingTransformer(transformations, none(), new ClassLoader(null) {
        }, ignored, new TypeHierarchy(new JdkTypes()), null, null, recorder);
    }

    private static byte[] classFile(Class<?> type) throws Exception {
        return ClassFileLocator.ForClassLoader.of(LOADER).locate(type.getName()).resolve();
    }

    private static byte[] transform(WeavingTransformer transformer, Class<?> type) throws Exception {
        return transformer.transform(LOADER, type.getName().replace('.', '/'), null, null, classFile(type));
    }

    /** Defines the one woven class itself, everything else from the test's loader. */
    private static Object instance(final byte[] woven) throws Exception {
        ClassLoader loader = new ClassLoader(LOADER) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(Target.class.getName())) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : defineClass(name, woven, 0, woven.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        Constructor<?> constructor = loader.loadClass(Target.class.getName()).getDeclaredConstructor();
        return constructor.newInstance();
    }

    private static Object call(Object target, String method, Object... args) throws Exception {
        Method m = target.getClass().getMethod(method, method.equals("greet")
                ? new Class<?>[] {String.class, int.class} : new Class<?>[] {String.class});
        return m.invoke(target, args);
    }

    @Test
    void weavesTheMatchedRulesAdviceInOrderIntoTheSelectedMethods() throws Exception {
        Transformations rules = new Transformations()
                .type(named("no.such.Type")).transform(CachedAdvice.of(LOADER).advice(named("greet"), BrokenAdvice.class.getName()))
                .type(named(Target.class.getName()))
                .transform(CachedAdvice.of(LOADER).advice(named("greet"), BracketAdvice.class.getName()))
                .transform(CachedAdvice.of(LOADER).bind(Code.class, 42).advice(named("greet"), MarkingAdvice.class.getName()));
        Recorder recorder = new Recorder();
        byte[] woven = transform(transformer(rules, Collections.<String>emptyList(), recorder), Target.class);
        assertNotNull(woven);
        Object target = instance(woven);
        assertEquals("[bob]3!42x3", call(target, "greet", "bob", 3));
        assertEquals("ann", call(target, "other", "ann"), "a method no advice selects is as it was");
        assertEquals(Collections.singletonList(Target.class.getName()), recorder.transformed);
        assertEquals(Collections.<String>emptyList(), recorder.errors);
        assertEquals("bob3", call(instance(classFile(Target.class)), "greet", "bob", 3), "the class as it was");
    }

    @Test
    void leavesAloneWhatNoRuleMatchesAndWhatTheAgentIgnores() throws Exception {
        Transformations rules = new Transformations().type(named(Target.class.getName()))
                .transform(CachedAdvice.of(LOADER).bind(Code.class, 1).advice(named("greet"), MarkingAdvice.class.getName()));
        Recorder recorder = new Recorder();
        assertNull(transform(transformer(rules, Collections.<String>emptyList(), recorder), MarkingAdvice.class),
                "no rule matches");
        assertNull(transform(transformer(rules, Collections.singletonList("dev.rasp.core."), recorder), Target.class),
                "an ignored name");
        WeavingTransformer own = transformer(rules, Collections.<String>emptyList(), recorder);
        assertNull(own.transform(null, Target.class.getName().replace('.', '/'), null, null, classFile(Target.class)),
                "a boot loader class the modules do not name");
        assertTrue(recorder.transformed.isEmpty());
        assertTrue(recorder.errors.isEmpty());
    }

    @Test
    void aClassThatCannotBeWovenIsLeftAsItWasAndReported() throws Exception {
        Transformations rules = new Transformations().type(named(Target.class.getName()))
                .transform(CachedAdvice.of(LOADER).advice(named("greet"), BrokenAdvice.class.getName()));
        Recorder recorder = new Recorder();
        assertNull(transform(transformer(rules, Collections.<String>emptyList(), recorder), Target.class));
        assertEquals(1, recorder.errors.size());
        assertTrue(recorder.errors.get(0).contains("declares no field missing"), recorder.errors.get(0));
        assertTrue(recorder.transformed.isEmpty());
    }

    /** What the retransformation pass asks of a loaded class: described from its class file, by reflection when it has none. */
    @Test
    void aLoadedClassIsMatchedFromItsClassFileOrByReflection() {
        Transformations rules = new Transformations().type(named(Target.class.getName()))
                .transform(CachedAdvice.of(LOADER).bind(Code.class, 1).advice(named("greet"), MarkingAdvice.class.getName()))
                .type(Matchers.<TypeShape>not(Matchers.isInterface()).and(Matchers.hasSuperType(named(Runnable.class.getName()))))
                .transform(CachedAdvice.of(LOADER));
        Recorder recorder = new Recorder();
        WeavingTransformer transformer = transformer(rules, Collections.<String>emptyList(), recorder);
        assertTrue(transformer.matches(Target.class));
        assertFalse(transformer.matches(MarkingAdvice.class), "no rule matches");
        assertFalse(transformer.matches(String.class), "a boot loader class the modules do not name");
        assertFalse(transformer(rules, Collections.singletonList("dev.rasp.core."), recorder).matches(Target.class),
                "an ignored name");
        Object proxy = Proxy.newProxyInstance(LOADER, new Class<?>[] {Runnable.class}, (p, m, a) -> null);
        assertTrue(transformer.matches(proxy.getClass()), "no class file: described by reflection");
        assertFalse(transformer.matches(Runnable.class), "an interface");
        assertTrue(recorder.transformed.isEmpty(), "matching transforms nothing");
        assertTrue(recorder.errors.isEmpty());
    }

    /** A loader that does not delegate the bridge's package (JBoss Modules, OSGi without boot delegation). */
    @Test
    void aClassWhoseLoaderCannotSeeTheBridgeIsLeftAsItWasAndReported() throws Exception {
        Recorder recorder = new Recorder();
        Transformations rules = new Transformations().type(named(Target.class.getName()))
                .transform(CachedAdvice.of(LOADER).bind(Code.class, 1).advice(named("greet"), MarkingAdvice.class.getName()));
        // the advice's bridge stands in as a class only the test's loader has
        WeavingTransformer transformer = new WeavingTransformer(rules, none(), new ClassLoader(null) {
        }, Collections.<String>emptyList(), new TypeHierarchy(new JdkTypes()), null, MarkingAdvice.class, recorder);
        ClassLoader isolated = new ClassLoader(null) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                throw new ClassNotFoundException(name); // the JDK's classes only, through the boot loader
            }
        };
        byte[] file = classFile(Target.class);
        assertNull(transformer.transform(isolated, Target.class.getName().replace('.', '/'), null, null, file));
        assertEquals(1, recorder.errors.size(), recorder.errors.toString());
        assertTrue(recorder.errors.get(0).contains("does not delegate"), recorder.errors.toString());
        assertTrue(recorder.transformed.isEmpty());
        // the same class from a loader that sees the bridge is woven
        assertNotNull(transformer.transform(LOADER, Target.class.getName().replace('.', '/'), null, null, file));
        assertEquals(Collections.singletonList(Target.class.getName()), recorder.transformed);
    }
}
