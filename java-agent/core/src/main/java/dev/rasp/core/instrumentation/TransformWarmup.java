package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.ClassFileShape;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.TypeShape;
import org.objectweb.asm.ClassReader;
import dev.rasp.core.instrumentation.weaving.Advice;

import java.util.Collections;

import static dev.rasp.core.instrumentation.matching.Matchers.declaresMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.returns;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;

/**
 * One throw-away advice weaving at start, on the main thread while the native engine loads on
 * its own thread: the first real transformations (the JDK sinks retransformed at premain) would
 * otherwise load, link and interpret the agent's class description, matchers and advice
 * weaver for the first time after the engine's load instead of during it. The result is discarded: nothing is defined, nothing is hooked;
 * any failure only means no warm-up ({@code -Drasp.debug.warmup=off} skips it, to compare).
 */
public final class TransformWarmup {

    private static final boolean ENABLED = !"off".equals(System.getProperty("rasp.debug.warmup"));

    private TransformWarmup() {
    }

    public static void run() {
        if (!ENABLED) {
            return;
        }
        try {
            ClassLoader loader = TransformWarmup.class.getClassLoader();
            CachedAdvice advice = CachedAdvice.of(loader)
                    .advice(isMethod().and(named("run")).and(takesArgument(0, String.class)), WarmAdvice.class.getName());
            byte[] classFile = ClassFiles.read(loader, Target.class.getName());
            // what WeavingTransformer does for a matched class: described, matched (the shapes the
            // modules' matchers use), woven
            ClassFileShape target = new ClassFileShape(new ClassReader(classFile), new TypeHierarchy(new JdkTypes()).of(loader, (ClassFileHome) null));
            Matchers.<TypeShape>hasSuperType(named("java.lang.Runnable")).or(declaresMethod(Matchers.<MethodShape>named("run")
                    .and(takesArgument(0, String.class)).and(returns(String.class)))).matches(target);
            WeavingTransformer.weave(target, Collections.singletonList(advice), loader);
        } catch (Throwable t) {
            // a warm-up only: the real transformations report their own errors
        }
    }

    /** The class woven (never loaded as woven). */
    static class Target implements Runnable {
        private int count;

        public String run(String s, int i) {
            try {
                for (int k = 0; k < i; k++) {
                    count += s.length();
                }
                return s + count;
            } catch (RuntimeException e) {
                return null;
            }
        }

        @Override
        public void run() {
            run("", 0);
        }
    }

    /** Uses the annotations the agent's advice classes use most. */
    static final class WarmAdvice {
        private WarmAdvice() {
        }

        @Advice.OnMethodEnter
        static long enter(@Advice.This Object self, @Advice.Argument(0) String s, @Advice.AllArguments Object[] all) {
            return s == null ? 0 : s.length() + all.length + System.identityHashCode(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter long entered, @Advice.Return Object returned, @Advice.Thrown Throwable thrown) {
            if (thrown != null && entered < 0 && returned == null) {
                throw new IllegalStateException();
            }
        }
    }
}
