package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.Matchers;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * With ByteBuddy weaving ({@code -Drasp.debug.advice=bytebuddy}), advice resolved once weaves exactly
 * what ByteBuddy's per-class {@code ForAdvice} weaves. (The agent's own weaving: WeavingTransformerTest.)
 */
class CachedAdviceTest {

    @Retention(RetentionPolicy.RUNTIME)
    @interface Code {
    }

    /** The woven class. */
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

    private static byte[] weave(AgentBuilder.Transformer transformer) {
        ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(CachedAdviceTest.class.getClassLoader());
        TypeDescription target = TypeDescription.ForLoadedType.of(Target.class);
        DynamicType.Builder<?> builder = AdviceWeaving.byteBuddy().decorate(target, locator);
        return transformer.transform(builder, target, CachedAdviceTest.class.getClassLoader(), null, null).make().getBytes();
    }

    @Test
    void weavesWhatForAdviceWeaves() {
        Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(Code.class, 42);
        ClassLoader loader = CachedAdviceTest.class.getClassLoader();
        byte[] perClass = weave(new AgentBuilder.Transformer.ForAdvice(mapping).include(loader)
                .advice(named("greet"), SampleAdvice.class.getName()));
        CachedAdvice cached = CachedAdvice.of(loader).bind(Code.class, 42).advice(Matchers.named("greet"), SampleAdvice.class.getName());
        byte[] once = weave(cached);
        assertArrayEquals(perClass, once);
        assertArrayEquals(once, weave(cached), "and again from the resolved advice");
        byte[] plain = new ByteBuddy().decorate(Target.class).make().getBytes();
        assertNotEquals(plain.length, once.length, "something was woven");
    }

    @Test
    void entriesApplyInOrderToTheirOwnMethods() {
        ClassLoader loader = CachedAdviceTest.class.getClassLoader();
        Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(Code.class, 7);
        byte[] perClass = weave(new AgentBuilder.Transformer.ForAdvice(mapping).include(loader)
                .advice(named("greet"), SampleAdvice.class.getName())
                .advice(named("other"), SampleAdvice.class.getName()));
        byte[] once = weave(CachedAdvice.of(loader).bind(Code.class, 7)
                .advice(Matchers.named("greet"), SampleAdvice.class.getName())
                .advice(Matchers.named("other"), SampleAdvice.class.getName()));
        assertArrayEquals(perClass, once);
    }

    /** An advice class the agent's loader cannot serve is resolved per class, through the class's loader. */
    @Test
    void anAdviceTheAgentsLoaderCannotResolveIsResolvedPerClass() {
        ClassLoader empty = new ClassLoader(null) {
        };
        ClassLoader loader = CachedAdviceTest.class.getClassLoader();
        Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(Code.class, 1);
        byte[] woven = weave(CachedAdvice.of(empty).bind(Code.class, 1).advice(Matchers.named("greet"), SampleAdvice.class.getName()));
        byte[] expected = weave(new AgentBuilder.Transformer.ForAdvice(mapping).include(loader)
                .advice(named("greet"), SampleAdvice.class.getName()));
        assertArrayEquals(expected, woven);
        assertFalse(woven.length == 0);
        assertEquals(woven.length, weave(CachedAdvice.of(empty).bind(Code.class, 1).advice(Matchers.named("greet"), SampleAdvice.class.getName())).length);
    }
}
