package dev.rasp.core.instrumentation.weaving;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import org.objectweb.asm.Type;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link AdviceWeaver} against the reference it reproduces, ByteBuddy's {@link Advice} (with the
 * agent's assigner and suppressing exception handler, as {@code CachedAdvice}): each target class
 * is woven both ways, each result defined by a loader of its own (so the JVM verifies it), every
 * woven method called, and the two outcomes compared: the value returned or the exception thrown,
 * and {@link #LOG}, what the advice and the method saw. ByteBuddy's outcome is also checked against
 * the expected one, so that a change of the reference shows as such.
 *
 * <p>The woven code runs in another runtime package than this class's (another loader), so what
 * it touches here is public: {@link #LOG}, the targets, the helpers the advice creates.
 */
public class AdviceWeaverTest {

    /** What the advice and the targets saw during one call; cleared before each. */
    public static final List<String> LOG = new ArrayList<String>();

    // ---------------------------------------------------------------------------------------------
    // 1. enter advice reading an argument and this, in a method with stack map frames

    public static class FramesTarget {
        public int count(String text) {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty text");
            }
            int total = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                try {
                    total += Integer.parseInt(String.valueOf(c));
                } catch (NumberFormatException notADigit) {
                    total -= 1;
                }
            }
            return total;
        }

        @Override
        public String toString() {
            return "FramesTarget";
        }
    }

    public static class ArgumentAndThisAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) String text, @Advice.This Object self) {
            LOG.add("enter " + text + " on " + self);
        }
    }

    @Test
    void enterAdviceReadsArgumentAndThisInAMethodWithLoopAndTryCatch() {
        Woven woven = weaving(FramesTarget.class)
                .advise("count", params(String.class), ArgumentAndThisAdvice.class)
                .weave();
        assertAll(
                woven.expect("count(12x3)", c -> call(create(c), "count", "12x3"),
                        "returned 5 : Integer [enter 12x3 on FramesTarget]"),
                woven.expect("count() throwing", c -> call(create(c), "count", ""),
                        "threw java.lang.IllegalArgumentException: empty text [enter  on FramesTarget]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 2. enter advice replacing an argument, its value passed to a suppressing exit on throwable

    public static class TaskTarget {
        public String execute(Runnable task) {
            task.run();
            return "ran " + task;
        }

        public String executeFailing(Runnable task) {
            task.run();
            throw new IllegalStateException("failed after " + task);
        }
    }

    public static final class Task implements Runnable {
        private final String name;

        public Task(String name) {
            this.name = name;
        }

        @Override
        public void run() {
            LOG.add("task " + name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static final class Wrapper implements Runnable {
        private final Runnable delegate;

        public Wrapper(Runnable delegate) {
            this.delegate = delegate;
        }

        @Override
        public void run() {
            LOG.add("wrapper before");
            delegate.run();
            LOG.add("wrapper after");
        }

        @Override
        public String toString() {
            return "wrapped(" + delegate + ")";
        }
    }

    public static class WrappingAdvice {
        @Advice.OnMethodEnter
        public static Runnable enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            LOG.add("enter " + task);
            Runnable wrapper = new Wrapper(task);
            task = wrapper;
            return wrapper;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Runnable wrapper, @Advice.Thrown Throwable thrown) {
            LOG.add("exit " + wrapper + " thrown " + thrown);
        }
    }

    @Test
    void enterAdviceReplacesAnArgumentAndExitSeesTheEnterValueAndTheThrown() {
        Woven woven = weaving(TaskTarget.class)
                .advise("execute", params(Runnable.class), WrappingAdvice.class)
                .advise("executeFailing", params(Runnable.class), WrappingAdvice.class)
                .weave();
        assertAll(
                woven.expect("execute", c -> call(create(c), "execute", new Task("t")),
                        "returned ran wrapped(t) : String [enter t, wrapper before, task t, wrapper after, "
                                + "exit wrapped(t) thrown null]"),
                woven.expect("executeFailing", c -> call(create(c), "executeFailing", new Task("u")),
                        "threw java.lang.IllegalStateException: failed after wrapped(u) [enter u, wrapper before, "
                                + "task u, wrapper after, exit wrapped(u) thrown java.lang.IllegalStateException: "
                                + "failed after wrapped(u)]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 3. exit advice reading and replacing the return value

    public static class ReturnTarget {
        public String greet(String name) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("no name");
            }
            return "hello " + name;
        }

        public int length(String text) {
            return text.length();
        }

        public int scale(int factor) {
            return factor * 2;
        }
    }

    public static class ReplaceReturnAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.Return(readOnly = false) String result) {
            LOG.add("exit " + result);
            result = result + "!";
        }
    }

    public static class BoxedReturnAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.Return Object boxed, @Advice.Return int value) {
            LOG.add("exit " + boxed + " " + boxed.getClass().getName() + " " + value);
        }
    }

    public static class ReplacePrimitiveReturnAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.Return(readOnly = false) int value) {
            LOG.add("exit " + value);
            value = value * 10;
        }
    }

    @Test
    void exitAdviceReadsBoxesAndReplacesTheReturnValue() {
        Woven woven = weaving(ReturnTarget.class)
                .advise("greet", params(String.class), ReplaceReturnAdvice.class)
                .advise("length", params(String.class), BoxedReturnAdvice.class)
                .advise("scale", params(int.class), ReplacePrimitiveReturnAdvice.class)
                .weave();
        assertAll(
                woven.expect("greet(bob)", c -> call(create(c), "greet", "bob"),
                        "returned hello bob! : String [exit hello bob]"),
                woven.expect("greet() throwing, no exit without onThrowable", c -> call(create(c), "greet", ""),
                        "threw java.lang.IllegalArgumentException: no name []"),
                woven.expect("length", c -> call(create(c), "length", "abc"),
                        "returned 3 : Integer [exit 3 java.lang.Integer 3]"),
                woven.expect("scale", c -> call(create(c), "scale", 4),
                        "returned 80 : Integer [exit 8]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 4. exit advice replacing the thrown exception, or clearing it

    public static class ThrownTarget {
        public String parse(String text) {
            if (text.startsWith("!")) {
                throw new IllegalArgumentException(text.substring(1));
            }
            return "parsed " + text;
        }

        public int code(String text) {
            if (text.startsWith("!")) {
                throw new IllegalArgumentException(text.substring(1));
            }
            return text.length();
        }

        public String recover(String text) {
            if (text.startsWith("!")) {
                throw new IllegalArgumentException(text.substring(1));
            }
            return "fine " + text;
        }
    }

    public static class ReplaceThrownAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Thrown(readOnly = false) Throwable thrown) {
            LOG.add("exit " + thrown);
            if (thrown != null && "swallow".equals(thrown.getMessage())) {
                thrown = null;
            } else if (thrown != null && "wrap".equals(thrown.getMessage())) {
                thrown = new IllegalStateException("wrapped", thrown);
            }
        }
    }

    public static class RecoverAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Thrown(readOnly = false) Throwable thrown,
                                @Advice.Return(readOnly = false) String result) {
            LOG.add("exit " + result + " " + thrown);
            if (thrown != null) {
                result = "recovered from " + thrown.getMessage();
                thrown = null;
            }
        }
    }

    @Test
    void exitAdviceReplacesOrClearsTheThrownException() {
        Woven woven = weaving(ThrownTarget.class)
                .advise("parse", params(String.class), ReplaceThrownAdvice.class)
                .advise("code", params(String.class), ReplaceThrownAdvice.class)
                .advise("recover", params(String.class), RecoverAdvice.class)
                .weave();
        assertAll(
                woven.expect("parse(ok)", c -> call(create(c), "parse", "ok"),
                        "returned parsed ok : String [exit null]"),
                woven.expect("parse() wrapped", c -> call(create(c), "parse", "!wrap"),
                        "threw java.lang.IllegalStateException: wrapped (cause java.lang.IllegalArgumentException: wrap) "
                                + "[exit java.lang.IllegalArgumentException: wrap]"),
                woven.expect("parse() swallowed, returns null", c -> call(create(c), "parse", "!swallow"),
                        "returned null [exit java.lang.IllegalArgumentException: swallow]"),
                woven.expect("parse() left alone", c -> call(create(c), "parse", "!other"),
                        "threw java.lang.IllegalArgumentException: other [exit java.lang.IllegalArgumentException: other]"),
                woven.expect("code(abc)", c -> call(create(c), "code", "abc"),
                        "returned 3 : Integer [exit null]"),
                woven.expect("code() swallowed, returns 0", c -> call(create(c), "code", "!swallow"),
                        "returned 0 : Integer [exit java.lang.IllegalArgumentException: swallow]"),
                woven.expect("recover(y)", c -> call(create(c), "recover", "y"),
                        "returned fine y : String [exit fine y null]"),
                woven.expect("recover() recovered", c -> call(create(c), "recover", "!x"),
                        "returned recovered from x : String [exit null java.lang.IllegalArgumentException: x]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 5. enter advice that throws, suppressed or not

    public static class EnterTarget {
        public String run(String text) {
            LOG.add("body " + text);
            return "ran " + text;
        }

        public String runWide(String text) {
            LOG.add("body " + text);
            return "ran " + text;
        }

        public String guarded(String text) {
            LOG.add("body " + text);
            return "ran " + text;
        }

        public String replaced(String text) {
            LOG.add("body " + text);
            return "ran " + text;
        }

        public String replacedDynamic(String text) {
            LOG.add("body " + text);
            return "ran " + text;
        }
    }

    public static class SuppressedEnterAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static String enter(@Advice.Argument(0) String text) {
            LOG.add("enter " + text);
            if (text.equals("fail")) {
                throw new IllegalStateException("enter failed");
            }
            return "entered " + text;
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter String entered) {
            LOG.add("exit " + entered);
        }
    }

    public static class SuppressedWideEnterAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static long enter(@Advice.Argument(0) String text) {
            LOG.add("enter " + text);
            if (text.equals("fail")) {
                throw new IllegalStateException("enter failed");
            }
            return 40L + text.length();
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter long entered) {
            LOG.add("exit " + entered);
        }
    }

    public static class FailingEnterAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) String text) {
            LOG.add("enter " + text);
            if (text.equals("fail")) {
                throw new IllegalStateException("enter failed");
            }
        }
    }

    public static class ReplacingThenFailingEnterAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) String text) {
            text = "replaced " + text;
            throw new IllegalStateException("enter failed");
        }
    }

    public static class ReplacingDynamicThenFailingEnterAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false, typing = Advice.Typing.DYNAMIC) Object text) {
            text = "replaced " + text;
            throw new IllegalStateException("enter failed");
        }
    }

    @Test
    void enterAdviceThatThrowsIsSuppressedWithADefaultEnterValueOrStopsTheMethod() {
        Woven woven = weaving(EnterTarget.class)
                .advise("run", params(String.class), SuppressedEnterAdvice.class)
                .advise("runWide", params(String.class), SuppressedWideEnterAdvice.class)
                .advise("guarded", params(String.class), FailingEnterAdvice.class)
                .advise("replaced", params(String.class), ReplacingThenFailingEnterAdvice.class)
                .advise("replacedDynamic", params(String.class), ReplacingDynamicThenFailingEnterAdvice.class)
                .weave();
        assertAll(
                woven.expect("run(ok)", c -> call(create(c), "run", "ok"),
                        "returned ran ok : String [enter ok, body ok, exit entered ok]"),
                woven.expect("run() suppressed, enter value null", c -> call(create(c), "run", "fail"),
                        "returned ran fail : String [enter fail, body fail, exit null]"),
                woven.expect("runWide(ok)", c -> call(create(c), "runWide", "ok"),
                        "returned ran ok : String [enter ok, body ok, exit 42]"),
                woven.expect("runWide() suppressed, enter value 0", c -> call(create(c), "runWide", "fail"),
                        "returned ran fail : String [enter fail, body fail, exit 0]"),
                woven.expect("guarded(ok)", c -> call(create(c), "guarded", "ok"),
                        "returned ran ok : String [enter ok, body ok]"),
                woven.expect("guarded() not suppressed, body never runs", c -> call(create(c), "guarded", "fail"),
                        "threw java.lang.IllegalStateException: enter failed [enter fail]"),
                woven.expect("replaced: the argument written before the suppressed throw stays",
                        c -> call(create(c), "replaced", "r"),
                        "returned ran replaced r : String [body replaced r]"),
                woven.expect("replacedDynamic: the same through an Object parameter",
                        c -> call(create(c), "replacedDynamic", "d"),
                        "returned ran replaced d : String [body replaced d]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 6. exit advice that throws, suppressed or not

    public static class ExitTarget {
        public String quiet(String text) {
            return "quiet " + text;
        }

        public String quietModified(String text) {
            return "quiet " + text;
        }

        public String quietModifiedDynamic(String text) {
            return "quiet " + text;
        }

        public String loud(String text) {
            if (text.startsWith("!")) {
                throw new IllegalArgumentException(text.substring(1));
            }
            return "loud " + text;
        }
    }

    public static class SuppressedExitAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return String result) {
            LOG.add("exit " + result);
            throw new IllegalStateException("exit failed");
        }
    }

    public static class SuppressedModifyingExitAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return(readOnly = false) String result) {
            LOG.add("exit " + result);
            result = result + " modified";
            throw new IllegalStateException("exit failed");
        }
    }

    public static class SuppressedModifyingDynamicExitAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return(readOnly = false, typing = Advice.Typing.DYNAMIC) Object result) {
            LOG.add("exit " + result);
            result = result + " modified";
            throw new IllegalStateException("exit failed");
        }
    }

    public static class FailingExitAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Return String result, @Advice.Thrown Throwable thrown) {
            LOG.add("exit " + result + " " + thrown);
            throw new IllegalStateException("exit failed");
        }
    }

    @Test
    void exitAdviceThatThrowsIsSuppressedOrPropagates() {
        Woven woven = weaving(ExitTarget.class)
                .advise("quiet", params(String.class), SuppressedExitAdvice.class)
                .advise("quietModified", params(String.class), SuppressedModifyingExitAdvice.class)
                .advise("quietModifiedDynamic", params(String.class), SuppressedModifyingDynamicExitAdvice.class)
                .advise("loud", params(String.class), FailingExitAdvice.class)
                .weave();
        assertAll(
                woven.expect("quiet", c -> call(create(c), "quiet", "a"),
                        "returned quiet a : String [exit quiet a]"),
                woven.expect("quietModified keeps the write made before the throw",
                        c -> call(create(c), "quietModified", "b"),
                        "returned quiet b modified : String [exit quiet b]"),
                woven.expect("quietModifiedDynamic, the same through an Object return",
                        c -> call(create(c), "quietModifiedDynamic", "e"),
                        "returned quiet e modified : String [exit quiet e]"),
                woven.expect("loud", c -> call(create(c), "loud", "c"),
                        "threw java.lang.IllegalStateException: exit failed [exit loud c null]"),
                woven.expect("loud() throwing, exit's exception wins", c -> call(create(c), "loud", "!d"),
                        "threw java.lang.IllegalStateException: exit failed "
                                + "[exit null java.lang.IllegalArgumentException: d]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 7. all arguments, read (boxed) and replaced

    public static class ArgumentsTarget {
        public String mix(int i, long l, double d, String s) {
            return s + ":" + i + ":" + l + ":" + d;
        }

        public static String replace(String s, int i, long l) {
            return s + "/" + i + "/" + l;
        }

        public String inPlace(String s, int i) {
            return s + i;
        }

        public String inPlaceWritable(String s, int i) {
            return s + i;
        }
    }

    public static class AllArgumentsAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.AllArguments Object[] args) {
            StringBuilder seen = new StringBuilder("enter");
            for (Object arg : args) {
                seen.append(' ').append(arg).append('/').append(arg.getClass().getName());
            }
            LOG.add(seen.toString());
        }
    }

    public static class ReplaceAllArgumentsAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.AllArguments(readOnly = false, typing = Advice.Typing.DYNAMIC) Object[] args) {
            Object[] replaced = args;
            LOG.add("enter " + Arrays.toString(replaced));
            replaced[0] = "replaced";
            replaced[1] = (Integer) replaced[1] * 100;
            args = replaced;
        }
    }

    /** Each read of the array is a new array: a store into an element is lost, even when writable. */
    public static class InPlaceAllArgumentsAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.AllArguments Object[] args) {
            args[0] = "changed";
            LOG.add("reread " + args[0]);
            Object[] first = args;
            Object[] second = args;
            LOG.add("same array " + (first == second));
        }
    }

    public static class InPlaceWritableAllArgumentsAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.AllArguments(readOnly = false, typing = Advice.Typing.DYNAMIC) Object[] args) {
            args[0] = "changed";
            LOG.add("reread " + args[0]);
        }
    }

    @Test
    void allArgumentsAreReadBoxedAndReplacedWithDynamicTyping() {
        Woven woven = weaving(ArgumentsTarget.class)
                .advise("mix", params(int.class, long.class, double.class, String.class), AllArgumentsAdvice.class)
                .advise("replace", params(String.class, int.class, long.class), ReplaceAllArgumentsAdvice.class)
                .advise("inPlace", params(String.class, int.class), InPlaceAllArgumentsAdvice.class)
                .advise("inPlaceWritable", params(String.class, int.class), InPlaceWritableAllArgumentsAdvice.class)
                .weave();
        assertAll(
                woven.expect("mix", c -> call(create(c), "mix", 1, 2L, 3.5d, "s"),
                        "returned s:1:2:3.5 : String [enter 1/java.lang.Integer 2/java.lang.Long 3.5/java.lang.Double "
                                + "s/java.lang.String]"),
                woven.expect("replace", c -> callStatic(c, "replace", "a", 2, 3L),
                        "returned replaced/200/3 : String [enter [a, 2, 3]]"),
                woven.expect("inPlace: every read a new array", c -> call(create(c), "inPlace", "a", 1),
                        "returned a1 : String [reread a, same array false]"),
                woven.expect("inPlaceWritable: an element store is not an argument write",
                        c -> call(create(c), "inPlaceWritable", "b", 2),
                        "returned b2 : String [reread b]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 8. field values, read and written

    public static class FieldTarget {
        private static int calls;
        private String name = "initial";

        public String rename(String to) {
            String before = name;
            name = to;
            return before + "->" + name;
        }

        public String name() {
            return name;
        }

        public static int calls() {
            return calls;
        }

        public String peek() {
            return name;
        }

        public String guard() {
            return name;
        }

        @Override
        public String toString() {
            return "FieldTarget(" + name + ")";
        }
    }

    public static class ReadFieldAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.FieldValue("name") String name) {
            LOG.add("enter name=" + name);
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.FieldValue("name") String name) {
            LOG.add("exit name=" + name);
        }
    }

    public static class WriteFieldAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.FieldValue(value = "name", readOnly = false) String name) {
            name = name + "+advised";
        }
    }

    public static class WriteStaticFieldAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.FieldValue(value = "calls", readOnly = false) int calls) {
            LOG.add("enter calls=" + calls);
            calls += 10;
        }
    }

    public static class WriteFieldThenObserveAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.FieldValue(value = "name", readOnly = false) String name,
                                 @Advice.This Object self) {
            name = "changed";
            LOG.add("seen " + self);
        }
    }

    public static class WriteFieldThenFailAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.FieldValue(value = "name", readOnly = false) String name) {
            name = "changed";
            throw new IllegalStateException("enter failed");
        }
    }

    @Test
    void fieldValuesAreReadAndWritten() {
        Woven woven = weaving(FieldTarget.class)
                .advise("rename", params(String.class), ReadFieldAdvice.class)
                .advise("name", params(), WriteFieldAdvice.class)
                .advise("calls", params(), WriteStaticFieldAdvice.class)
                .advise("peek", params(), WriteFieldThenObserveAdvice.class)
                .advise("guard", params(), WriteFieldThenFailAdvice.class)
                .weave();
        assertAll(
                woven.expect("rename", c -> call(create(c), "rename", "bob"),
                        "returned initial->bob : String [enter name=initial, exit name=bob]"),
                woven.expect("name", c -> call(create(c), "name"),
                        "returned initial+advised : String []"),
                woven.expect("calls, first", c -> callStatic(c, "calls"),
                        "returned 10 : Integer [enter calls=0]"),
                woven.expect("calls, second", c -> callStatic(c, "calls"),
                        "returned 20 : Integer [enter calls=10]"),
                woven.expect("peek: the field is written at once, a call in the advice sees it",
                        c -> call(create(c), "peek"),
                        "returned changed : String [seen FieldTarget(changed)]"),
                woven.expect("guard: the field written before a suppressed throw stays", c -> call(create(c), "guard"),
                        "returned changed : String []"));
    }

    // ---------------------------------------------------------------------------------------------
    // 9. the origin's method name

    public static class OriginTarget {
        public String first(String text) {
            return text + "1";
        }

        public static int second(int value) {
            return value + 2;
        }
    }

    public static class OriginAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Origin("#m") String method) {
            LOG.add("enter " + method);
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Origin("#m") String method) {
            LOG.add("exit " + method);
        }
    }

    @Test
    void originGivesTheMethodName() {
        Woven woven = weaving(OriginTarget.class)
                .advise("first", params(String.class), OriginAdvice.class)
                .advise("second", params(int.class), OriginAdvice.class)
                .weave();
        assertAll(
                woven.expect("first", c -> call(create(c), "first", "x"),
                        "returned x1 : String [enter first, exit first]"),
                woven.expect("second", c -> callStatic(c, "second", 1),
                        "returned 3 : Integer [enter second, exit second]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 10. constructors: enter before the super constructor, exit with this

    public static class Base {
        public final String label;

        public Base(String label) {
            this.label = label;
            LOG.add("base " + label);
        }
    }

    public static class ConstructedTarget extends Base {
        private final int size;

        public ConstructedTarget(String label, int size) {
            super(label.trim());
            if (size < 0) {
                throw new IllegalArgumentException("negative size");
            }
            this.size = size;
            LOG.add("body " + size);
        }

        public ConstructedTarget() {
            this("default", 1);
        }

        @Override
        public String toString() {
            return label + "#" + size;
        }
    }

    public static class ConstructorEnterAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) String label, @Advice.Argument(1) int size) {
            LOG.add("enter " + label + " " + size);
        }
    }

    public static class ConstructorExitAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.This Object self) {
            LOG.add("exit " + self);
        }
    }

    @Test
    void constructorEnterRunsBeforeTheSuperConstructorAndExitSeesThis() {
        Woven woven = weaving(ConstructedTarget.class)
                .advise("<init>", params(String.class, int.class), ConstructorEnterAdvice.class)
                .advise("<init>", params(String.class, int.class), ConstructorExitAdvice.class)
                .advise("<init>", params(), ConstructorExitAdvice.class)
                .weave();
        assertAll(
                woven.expect("new( a , 2)", c -> create(c, " a ", 2),
                        "returned a#2 : ConstructedTarget [enter  a  2, base a, body 2, exit a#2]"),
                woven.expect("new(x, -1) throwing", c -> create(c, "x", -1),
                        "threw java.lang.IllegalArgumentException: negative size [enter x -1, base x]"),
                woven.expect("new() delegating to this(...)", c -> create(c),
                        "returned default#1 : ConstructedTarget [enter default 1, base default, body 1, "
                                + "exit default#1, exit default#1]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 11. two-slot values, a static method, long and void returns, nested try/catch/finally

    public static class WideTarget {
        public long sum(long a, double b, int c) {
            long total = a;
            double scaled = b * c;
            for (int i = 0; i < c; i++) {
                total += i;
            }
            return total + (long) scaled;
        }

        public static double average(long total, int count, double weight) {
            if (count == 0) {
                throw new ArithmeticException("no values");
            }
            double mean = (double) total / count;
            return mean * weight;
        }

        public void record(long value, String label) {
            LOG.add("record " + label + value);
        }

        public String classify(long value) {
            try {
                if (value < 0) {
                    return "negative";
                }
                try {
                    if (value == 0) {
                        throw new IllegalStateException("zero");
                    }
                    if (value > 100) {
                        return "large";
                    }
                } catch (IllegalStateException e) {
                    return "caught " + e.getMessage();
                } finally {
                    LOG.add("inner finally " + value);
                }
                if (value == 13) {
                    throw new IllegalArgumentException("unlucky");
                }
                return "small";
            } finally {
                LOG.add("outer finally " + value);
            }
        }
    }

    public static class WideAdvice {
        @Advice.OnMethodEnter
        public static long enter(@Advice.Origin("#m") String method, @Advice.AllArguments Object[] args) {
            long started = 1000L * args.length;
            double half = started / 2.0;
            LOG.add("enter " + method + " " + Arrays.toString(args) + " " + half);
            return started;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Enter long started, @Advice.Origin("#m") String method,
                                @Advice.Thrown Throwable thrown) {
            LOG.add("exit " + method + " " + started + " " + thrown);
        }
    }

    @Test
    void twoSlotValuesStaticLongAndVoidMethodsAndNestedFinallyBlocks() {
        Woven woven = weaving(WideTarget.class)
                .advise("sum", params(long.class, double.class, int.class), WideAdvice.class)
                .advise("average", params(long.class, int.class, double.class), WideAdvice.class)
                .advise("record", params(long.class, String.class), WideAdvice.class)
                .advise("classify", params(long.class), WideAdvice.class)
                .weave();
        assertAll(
                woven.expect("sum", c -> call(create(c), "sum", 5L, 2.5d, 3),
                        "returned 15 : Long [enter sum [5, 2.5, 3] 1500.0, exit sum 3000 null]"),
                woven.expect("average", c -> callStatic(c, "average", 10L, 4, 0.5d),
                        "returned 1.25 : Double [enter average [10, 4, 0.5] 1500.0, exit average 3000 null]"),
                woven.expect("average() throwing", c -> callStatic(c, "average", 1L, 0, 1.0d),
                        "threw java.lang.ArithmeticException: no values [enter average [1, 0, 1.0] 1500.0, "
                                + "exit average 3000 java.lang.ArithmeticException: no values]"),
                woven.expect("record", c -> call(create(c), "record", 7L, "x"),
                        "returned null [enter record [7, x] 1000.0, record x7, exit record 2000 null]"),
                woven.expect("classify(-5)", c -> call(create(c), "classify", -5L),
                        "returned negative : String [enter classify [-5] 500.0, outer finally -5, "
                                + "exit classify 1000 null]"),
                woven.expect("classify(0)", c -> call(create(c), "classify", 0L),
                        "returned caught zero : String [enter classify [0] 500.0, inner finally 0, "
                                + "outer finally 0, exit classify 1000 null]"),
                woven.expect("classify(500)", c -> call(create(c), "classify", 500L),
                        "returned large : String [enter classify [500] 500.0, inner finally 500, "
                                + "outer finally 500, exit classify 1000 null]"),
                woven.expect("classify(7)", c -> call(create(c), "classify", 7L),
                        "returned small : String [enter classify [7] 500.0, inner finally 7, "
                                + "outer finally 7, exit classify 1000 null]"),
                woven.expect("classify(13) throwing", c -> call(create(c), "classify", 13L),
                        "threw java.lang.IllegalArgumentException: unlucky [enter classify [13] 500.0, "
                                + "inner finally 13, outer finally 13, "
                                + "exit classify 1000 java.lang.IllegalArgumentException: unlucky]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 12. two advice classes on one method

    public static class TwoAdviceTarget {
        public String work(String text) {
            if (text.startsWith("!")) {
                throw new IllegalArgumentException(text.substring(1));
            }
            LOG.add("body " + text);
            return "work " + text;
        }
    }

    public static class FirstAdvice {
        @Advice.OnMethodEnter
        public static String enter(@Advice.Argument(0) String text) {
            LOG.add("first enter " + text);
            return "first";
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Enter String entered, @Advice.Return(readOnly = false) String result,
                                @Advice.Thrown Throwable thrown) {
            LOG.add("first exit " + entered + " " + result + " " + thrown);
            if (thrown == null) {
                result = result + " +first";
            }
        }
    }

    public static class SecondAdvice {
        @Advice.OnMethodEnter
        public static long enter(@Advice.Argument(0) String text) {
            LOG.add("second enter " + text);
            return 2L;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Enter long entered, @Advice.Return(readOnly = false) String result,
                                @Advice.Thrown Throwable thrown) {
            LOG.add("second exit " + entered + " " + result + " " + thrown);
            if (thrown == null) {
                result = result + " +second";
            }
        }
    }

    @Test
    void twoAdviceClassesOnOneMethodApplyInOrder() {
        Woven woven = weaving(TwoAdviceTarget.class)
                .advise("work", params(String.class), FirstAdvice.class)
                .advise("work", params(String.class), SecondAdvice.class)
                .weave();
        assertAll(
                woven.expect("work", c -> call(create(c), "work", "w"),
                        "returned work w +second +first : String [first enter w, second enter w, body w, "
                                + "second exit 2 work w null, first exit first work w +second null]"),
                woven.expect("work() throwing", c -> call(create(c), "work", "!e"),
                        "threw java.lang.IllegalArgumentException: e [first enter !e, second enter !e, "
                                + "second exit 2 null java.lang.IllegalArgumentException: e, "
                                + "first exit first null java.lang.IllegalArgumentException: e]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 13. custom constant bindings

    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.PARAMETER)
    public @interface Code {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.PARAMETER)
    public @interface Serial {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.PARAMETER)
    public @interface Label {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.PARAMETER)
    public @interface Flag {
    }

    public static class ConstantTarget {
        public String tag(String text) {
            return "tagged " + text;
        }
    }

    public static class ConstantAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Code int code, @Serial long serial, @Label String label, @Flag boolean flag,
                                 @Advice.Argument(0) String text) {
            LOG.add("enter " + code + " " + serial + " " + label + " " + flag + " " + text);
        }

        @Advice.OnMethodExit
        public static void exit(@Code int code, @Advice.Return String result) {
            LOG.add("exit " + code + " " + result);
        }
    }

    @Test
    void customAnnotationsAreBoundToConstants() {
        Map<Class<? extends Annotation>, Object> constants = new LinkedHashMap<Class<? extends Annotation>, Object>();
        constants.put(Code.class, 7);
        constants.put(Serial.class, 7_000_000_000L);
        constants.put(Label.class, "rasp");
        constants.put(Flag.class, true);
        Woven woven = weaving(ConstantTarget.class)
                .advise("tag", params(String.class), ConstantAdvice.class, constants)
                .weave();
        assertAll(
                woven.expect("tag", c -> call(create(c), "tag", "me"),
                        "returned tagged me : String [enter 7 7000000000 rasp true me, exit 7 tagged me]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 14. advice with locals, branches, a loop, a switch and several returns

    public static class BranchTarget {
        public int measure(String text, long limit) {
            if (text == null) {
                return -1;
            }
            if (text.equals("boom")) {
                throw new IllegalStateException("boom");
            }
            int length = text.length();
            return length > limit ? (int) limit : length;
        }
    }

    public static class BranchingAdvice {
        @Advice.OnMethodEnter
        public static int enter(@Advice.Argument(0) String text, @Advice.Argument(1) long limit) {
            if (text == null) {
                LOG.add("enter without text");
                return -1;
            }
            int vowels = 0;
            double weight = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if ("aeiou".indexOf(c) >= 0) {
                    vowels++;
                    weight += 1.5;
                } else if (Character.isDigit(c)) {
                    continue;
                } else {
                    weight += 0.5;
                }
            }
            if (vowels > limit) {
                LOG.add("enter capped " + vowels + " " + weight);
                return 100 + vowels;
            }
            LOG.add("enter " + vowels + " " + weight);
            return vowels;
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter int vowels, @Advice.Return int result) {
            String kind;
            switch (vowels) {
                case -1:
                    LOG.add("exit without text " + result);
                    return;
                case 0:
                    kind = "none";
                    break;
                case 1:
                    kind = "one";
                    break;
                default:
                    kind = vowels > 10 ? "capped" : "several";
            }
            if (result < 0) {
                LOG.add("exit negative " + kind);
                return;
            }
            LOG.add("exit " + kind + " " + result);
        }
    }

    @Test
    void adviceWithLocalsBranchesLoopsSwitchesAndSeveralReturns() {
        Woven woven = weaving(BranchTarget.class)
                .advise("measure", params(String.class, long.class), BranchingAdvice.class)
                .weave();
        assertAll(
                woven.expect("measure(banana, 10)", c -> call(create(c), "measure", "banana", 10L),
                        "returned 6 : Integer [enter 3 6.0, exit several 6]"),
                woven.expect("measure(audio, 2)", c -> call(create(c), "measure", "audio", 2L),
                        "returned 2 : Integer [enter capped 4 6.5, exit capped 2]"),
                woven.expect("measure(null, 1)", c -> call(create(c), "measure", null, 1L),
                        "returned -1 : Integer [enter without text, exit without text -1]"),
                woven.expect("measure(xyz, 5)", c -> call(create(c), "measure", "xyz", 5L),
                        "returned 3 : Integer [enter 0 1.5, exit none 3]"),
                woven.expect("measure(a1, 5)", c -> call(create(c), "measure", "a1", 5L),
                        "returned 2 : Integer [enter 1 1.5, exit one 2]"),
                woven.expect("measure(e, -3)", c -> call(create(c), "measure", "e", -3L),
                        "returned -3 : Integer [enter capped 1 1.5, exit negative capped]"),
                woven.expect("measure(boom, 9) throwing", c -> call(create(c), "measure", "boom", 9L),
                        "threw java.lang.IllegalStateException: boom [enter 2 4.0]"));
    }

    // ---------------------------------------------------------------------------------------------
    // 15. exit advice sees the arguments as they were after the enter advice (backupArguments)

    public static class ReassigningTarget {
        public String normalize(String text) {
            text = text.trim();
            LOG.add("body " + text);
            return text;
        }

        public String shift(long offset, String text) {
            offset = offset + 1;
            text = text.trim();
            return text + offset;
        }

        public String rewrap(String text) {
            text = "body(" + text + ")";
            return text;
        }

        public String unbacked(String text) {
            text = text.trim();
            return text;
        }
    }

    public static class ExitArgumentAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.Argument(0) String text) {
            LOG.add("exit " + text);
        }
    }

    public static class ExitArgumentsAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.Argument(0) long offset, @Advice.Argument(1) String text,
                                @Advice.AllArguments Object[] args) {
            LOG.add("exit " + offset + " " + text + " " + Arrays.toString(args));
        }
    }

    public static class ReplaceThenExitArgumentAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(value = 0, readOnly = false) String text) {
            text = "enter(" + text + ")";
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Argument(0) String text) {
            LOG.add("exit " + text);
        }
    }

    public static class UnbackedExitArgumentAdvice {
        @Advice.OnMethodExit(backupArguments = false)
        public static void exit(@Advice.Argument(0) String text) {
            LOG.add("exit " + text);
        }
    }

    @Test
    void exitAdviceSeesTheArgumentsAsOnEntryThoughTheMethodReassignsThem() {
        Woven woven = weaving(ReassigningTarget.class)
                .advise("normalize", params(String.class), ExitArgumentAdvice.class)
                .advise("shift", params(long.class, String.class), ExitArgumentsAdvice.class)
                .advise("rewrap", params(String.class), ReplaceThenExitArgumentAdvice.class)
                .weave();
        Woven unbacked = weaving(ReassigningTarget.class)
                .advise("unbacked", params(String.class), UnbackedExitArgumentAdvice.class)
                .weave();
        assertAll(
                woven.expect("normalize", c -> call(create(c), "normalize", " a "),
                        "returned a : String [body a, exit  a ]"),
                woven.expect("shift, two-slot argument", c -> call(create(c), "shift", 5L, " b "),
                        "returned b6 : String [exit 5  b  [5,  b ]]"),
                woven.expect("rewrap: the enter advice's write is seen, the method's is not",
                        c -> call(create(c), "rewrap", "c"),
                        "returned body(enter(c)) : String [exit enter(c)]"),
                unbacked.expect("unbacked: backupArguments = false sees the method's write",
                        c -> call(create(c), "unbacked", " d "),
                        "returned d : String [exit d]"));
    }

    // =============================================================================================
    // the harness

    /** One call on a woven class: what it returns or throws is the outcome. */
    @FunctionalInterface
    interface Call {
        Object on(Class<?> woven) throws Throwable;
    }

    /** A reflective call that could not be made: a fault of the test, never an outcome. */
    static final class HarnessError extends Error {
        HarnessError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Class<?>[] params(Class<?>... types) {
        return types;
    }

    private static Weaving weaving(Class<?> target) {
        return new Weaving(target);
    }

    /** Which advice goes into which methods of a target, in order. */
    static final class Weaving {
        private final Class<?> target;
        private final List<Entry> entries = new ArrayList<Entry>();

        Weaving(Class<?> target) {
            this.target = target;
        }

        /** The advice into the method (or {@code <init>}) of exactly these parameter types. */
        Weaving advise(String method, Class<?>[] parameters, Class<?> advice) {
            return advise(method, parameters, advice, Collections.<Class<? extends Annotation>, Object>emptyMap());
        }

        Weaving advise(String method, Class<?>[] parameters, Class<?> advice,
                       Map<Class<? extends Annotation>, Object> constants) {
            entries.add(new Entry(method, parameters, advice, constants));
            return this;
        }

        /** Woven by ByteBuddy (which must succeed) and by the weaver (whose failure each call reports). */
        Woven weave() {
            Class<?> byteBuddy = load("ByteBuddy", weaveWithByteBuddy());
            try {
                return new Woven(byteBuddy, load("AdviceWeaver", weaveWithAdviceWeaver()), null);
            } catch (Throwable failure) {
                return new Woven(byteBuddy, null, failure);
            }
        }

        private byte[] weaveWithByteBuddy() {
            DynamicType.Builder<?> builder = new ByteBuddy().redefine(TypeDescription.ForLoadedType.of(target),
                    ClassFileLocator.ForClassLoader.of(AdviceWeaverTest.class.getClassLoader()));
            for (Entry entry : entries) {
                net.bytebuddy.asm.Advice.WithCustomMapping mapping = net.bytebuddy.asm.Advice.withCustomMapping();
                for (Map.Entry<Class<? extends Annotation>, Object> constant : entry.constants.entrySet()) {
                    mapping = mapping.bind(constant.getKey(), constant.getValue());
                }
                // the advice as ByteBuddy reads it: the same class file, its annotations renamed to ByteBuddy's
                ClassFileLocator locator = new ClassFileLocator.Compound(
                        ClassFileLocator.Simple.of(entry.advice.getName(), ByteBuddyAnnotations.of(classFile(entry.advice))),
                        ClassFileLocator.ForClassLoader.of(AdviceWeaverTest.class.getClassLoader()));
                net.bytebuddy.asm.Advice advice = mapping.to(TypePool.Default.of(locator).describe(entry.advice.getName()).resolve(),
                                locator)
                        .withAssigner(Assigner.DEFAULT)
                        .withExceptionHandler(net.bytebuddy.asm.Advice.ExceptionHandler.Default.SUPPRESSING);
                ElementMatcher.Junction<MethodDescription> method = "<init>".equals(entry.method)
                        ? isConstructor() : named(entry.method);
                builder = builder.visit(advice.on(method.and(takesArguments(entry.parameters))));
            }
            return builder.make().getBytes();
        }

        private byte[] weaveWithAdviceWeaver() {
            final List<AdviceClass> read = new ArrayList<AdviceClass>();
            for (Entry entry : entries) {
                ParameterBindings bindings = ParameterBindings.none();
                for (Map.Entry<Class<? extends Annotation>, Object> constant : entry.constants.entrySet()) {
                    bindings = bindings.constant(constant.getKey(), constant.getValue());
                }
                read.add(AdviceClass.read(classFile(entry.advice), bindings));
            }
            return AdviceWeaver.weave(classFile(target), (name, descriptor) -> {
                List<AdviceClass> advice = new ArrayList<AdviceClass>();
                for (int i = 0; i < entries.size(); i++) {
                    if (entries.get(i).matches(name, descriptor)) {
                        advice.add(read.get(i));
                    }
                }
                return advice;
            });
        }

        /** Defined by a loader of its own and initialized: the JVM verifies it here. */
        private Class<?> load(String weaver, byte[] classFile) {
            try {
                return Class.forName(target.getName(), true, new WovenClassLoader(target.getName(), classFile));
            } catch (ClassNotFoundException e) {
                throw new HarnessError(weaver + ": " + target.getName() + " not found", e);
            }
        }
    }

    static final class Entry {
        final String method;
        final Class<?>[] parameters;
        final Class<?> advice;
        final Map<Class<? extends Annotation>, Object> constants;

        Entry(String method, Class<?>[] parameters, Class<?> advice, Map<Class<? extends Annotation>, Object> constants) {
            this.method = method;
            this.parameters = parameters;
            this.advice = advice;
            this.constants = constants;
        }

        boolean matches(String name, String descriptor) {
            return method.equals(name)
                    && Arrays.equals(Type.getArgumentTypes(descriptor), Type.getArgumentTypes(
                    Type.getMethodDescriptor(Type.VOID_TYPE, types(parameters))));
        }

        private static Type[] types(Class<?>[] classes) {
            Type[] types = new Type[classes.length];
            for (int i = 0; i < classes.length; i++) {
                types[i] = Type.getType(classes[i]);
            }
            return types;
        }
    }

    /** A target woven both ways, loaded; the weaver's side null with the reason when it failed. */
    static final class Woven {
        private final Class<?> byteBuddy;
        private final Class<?> weaver;
        private final Throwable weaverFailure;

        Woven(Class<?> byteBuddy, Class<?> weaver, Throwable weaverFailure) {
            this.byteBuddy = byteBuddy;
            this.weaver = weaver;
            this.weaverFailure = weaverFailure;
        }

        /** ByteBuddy's outcome of the call is the expected one, and the weaver's is ByteBuddy's. */
        Executable expect(String name, Call call, String expected) {
            return () -> {
                String reference = observe(byteBuddy, call);
                assertEquals(expected, reference, "ByteBuddy, " + name);
                if (weaverFailure != null) {
                    throw new AssertionFailedError("AdviceWeaver could not weave or load "
                            + byteBuddy.getName() + ": " + weaverFailure, weaverFailure);
                }
                assertEquals(reference, observe(weaver, call), "AdviceWeaver against ByteBuddy, " + name);
            };
        }
    }

    /** The outcome of a call and the log it left: "returned VALUE : TYPE [LOG]" or "threw EXCEPTION [LOG]". */
    private static String observe(Class<?> woven, Call call) {
        LOG.clear();
        String outcome;
        try {
            Object value = call.on(woven);
            outcome = "returned " + (value == null ? "null" : value + " : " + shortName(value.getClass()));
        } catch (HarnessError e) {
            throw e;
        } catch (Throwable thrown) {
            outcome = "threw " + describe(thrown);
        }
        return outcome + " " + LOG;
    }

    private static String describe(Throwable thrown) {
        return thrown.getCause() == null ? thrown.toString()
                : thrown + " (cause " + describe(thrown.getCause()) + ")";
    }

    private static String shortName(Class<?> type) {
        String name = type.getName();
        return name.substring(Math.max(name.lastIndexOf('.'), name.lastIndexOf('$')) + 1);
    }

    private static Object create(Class<?> type, Object... args) throws Throwable {
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (constructor.getParameterCount() == args.length) {
                constructor.setAccessible(true);
                try {
                    return constructor.newInstance(args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                } catch (ReflectiveOperationException | IllegalArgumentException e) {
                    throw new HarnessError("cannot construct " + type.getName(), e);
                }
            }
        }
        throw new HarnessError("no constructor of " + args.length + " parameters in " + type.getName(), null);
    }

    private static Object call(Object receiver, String name, Object... args) throws Throwable {
        return invoke(receiver.getClass(), receiver, name, args);
    }

    private static Object callStatic(Class<?> type, String name, Object... args) throws Throwable {
        return invoke(type, null, name, args);
    }

    private static Object invoke(Class<?> type, Object receiver, String name, Object... args) throws Throwable {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == args.length
                    && Modifier.isStatic(method.getModifiers()) == (receiver == null)) {
                method.setAccessible(true);
                try {
                    return method.invoke(receiver, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                } catch (ReflectiveOperationException | IllegalArgumentException e) {
                    throw new HarnessError("cannot call " + type.getName() + "." + name, e);
                }
            }
        }
        throw new HarnessError("no method " + name + " of " + args.length + " parameters in " + type.getName(), null);
    }

    private static byte[] classFile(Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = AdviceWeaverTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new HarnessError("no class file " + resource, null);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                bytes.write(buffer, 0, n);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new HarnessError("cannot read " + resource, e);
        }
    }

    /** Defines the one woven class (child first) and leaves every other name to the test's loader. */
    static final class WovenClassLoader extends ClassLoader {
        private final String name;
        private final byte[] classFile;

        WovenClassLoader(String name, byte[] classFile) {
            super(AdviceWeaverTest.class.getClassLoader());
            this.name = name;
            this.classFile = classFile;
        }

        @Override
        protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
            if (!className.equals(name)) {
                return super.loadClass(className, resolve);
            }
            synchronized (getClassLoadingLock(className)) {
                Class<?> loaded = findLoadedClass(className);
                if (loaded == null) {
                    loaded = defineClass(className, classFile, 0, classFile.length);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
