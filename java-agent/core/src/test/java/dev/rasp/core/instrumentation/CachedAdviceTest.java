package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.ClassFileShape;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.weaving.Advice;
import dev.rasp.core.instrumentation.weaving.AdviceClass;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which advice goes into which method, read once through the agent's loader, else through the
 * instrumented class's loader each time. (What the weaving does: WeavingTransformerTest,
 * AdviceWeaverTest.)
 */
class CachedAdviceTest {

    @Retention(RetentionPolicy.RUNTIME)
    @interface Code {
    }

    /** The class advised. */
    static class Target {
        private int calls;

        public String greet(String name, int times) {
            calls += times;
            return name + calls;
        }

        public String other(String name) {
            return name;
        }
    }

    /** Shapes the agent's advice uses: arguments, this, return value, thrown, a custom binding. */
    static final class SampleAdvice {
        private SampleAdvice() {
        }

        @Advice.OnMethodEnter
        static long enter(@Advice.This Object self, @Advice.Argument(0) String name, @Advice.AllArguments Object[] all,
                          @Code int code) {
            return name == null ? code : name.length() + all.length + code + System.identityHashCode(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter long entered, @Advice.Return(readOnly = false) String result,
                         @Advice.Thrown Throwable thrown) {
            if (thrown == null && entered < 0) {
                result = "";
            }
        }
    }

    /** Another advice, for the order of entries. */
    static final class OtherAdvice {
        private OtherAdvice() {
        }

        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) String name) {
        }
    }

    private static MethodShape method(String name) {
        ClassFileShape target = new ClassFileShape(new ClassReader(ClassFiles.read(CachedAdviceTest.class.getClassLoader(),
                Target.class.getName())), internalName -> null);
        for (MethodShape m : target.methods()) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name);
    }

    private final ClassLoader loader = CachedAdviceTest.class.getClassLoader();

    @Test
    void entriesApplyInOrderToTheirOwnMethodsAndAreReadOnce() {
        CachedAdvice advice = CachedAdvice.of(loader).bind(Code.class, 7)
                .advice(Matchers.named("greet"), SampleAdvice.class.getName())
                .advice(Matchers.<MethodShape>named("greet").or(Matchers.named("other")), OtherAdvice.class.getName());
        List<AdviceClass> greet = advice.adviceFor(method("greet"), null);
        assertEquals(2, greet.size(), "both entries select greet, in order");
        assertEquals(SampleAdvice.class.getName(), greet.get(0).name());
        assertEquals(OtherAdvice.class.getName(), greet.get(1).name());
        List<AdviceClass> other = advice.adviceFor(method("other"), null);
        assertEquals(1, other.size());
        assertSame(greet.get(1), other.get(0), "read once, shared by every method and class");
        assertTrue(advice.adviceFor(method("<init>"), null).isEmpty());
    }

    /** An advice class the agent's loader cannot serve is read through the instrumented class's loader, each time. */
    @Test
    void anAdviceTheAgentsLoaderCannotServeIsReadPerClass() {
        ClassLoader empty = new ClassLoader(null) {
        };
        CachedAdvice advice = CachedAdvice.of(empty).bind(Code.class, 1).advice(Matchers.named("greet"), SampleAdvice.class.getName());
        AdviceClass first = advice.adviceFor(method("greet"), loader).get(0);
        AdviceClass second = advice.adviceFor(method("greet"), loader).get(0);
        assertEquals(SampleAdvice.class.getName(), first.name());
        assertNotSame(first, second);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> advice.adviceFor(method("greet"), empty));
        assertTrue(e.getMessage().contains("no class file for advice"), e.getMessage());
    }

    @Test
    void bindingsComeBeforeTheAdvice() {
        CachedAdvice advice = CachedAdvice.of(loader).advice(Matchers.named("greet"), SampleAdvice.class.getName());
        assertThrows(IllegalStateException.class, () -> advice.bind(Code.class, 1));
    }
}
