package dev.rasp.core.instrumentation.weaving;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The annotations an advice class is written with: which method goes in at the entry and at the
 * exit of the methods it is woven into, and what each parameter receives. Names, elements and
 * defaults are ByteBuddy's {@code Advice} annotations', which the agent's advice was first written
 * for and which {@link AdviceWeaver} reproduces (AdviceWeaverTest weaves each test advice both
 * ways); only what the agent's weaver supports is here.
 *
 * <p>The weaver reads them from the advice's class file ({@link AdviceClass}), never through
 * reflection; they are retained at run time only so that they read the same as ByteBuddy's.
 */
public final class Advice {

    private Advice() {
    }

    /** How a value of another type than the parameter's is assigned: the weaver always casts, so both mean the same. */
    public enum Typing {
        STATIC,
        DYNAMIC
    }

    /** The default of {@code suppress} and {@code onThrowable}: no exception. */
    public static final class NoExceptionHandler extends Throwable {
        private static final long serialVersionUID = 1L;

        private NoExceptionHandler() {
        }
    }

    /** The method run at the entry; what it returns is the exit method's {@link Enter}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface OnMethodEnter {
        /** {@code Throwable.class}: an exception of the advice is dropped and the method runs. */
        Class<? extends Throwable> suppress() default NoExceptionHandler.class;
    }

    /** The method run at the exit. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface OnMethodExit {
        /** {@code Throwable.class}: also run when the method throws ({@link Thrown} receives it). */
        Class<? extends Throwable> onThrowable() default NoExceptionHandler.class;

        /** {@code Throwable.class}: an exception of the advice is dropped; the method's outcome stands. */
        Class<? extends Throwable> suppress() default NoExceptionHandler.class;

        /** False: the exit reads the arguments as they are at the exit, not as they were at the entry. */
        boolean backupArguments() default true;
    }

    /** The method's argument at this index; written back when not read-only. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface Argument {
        int value();

        boolean readOnly() default true;

        Typing typing() default Typing.STATIC;
    }

    /** The instance the method runs on (null in a static method). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface This {
    }

    /** Every argument, as an {@code Object[]}; written back when not read-only. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface AllArguments {
        boolean readOnly() default true;

        Typing typing() default Typing.STATIC;
    }

    /** In the exit: what the enter method returned. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface Enter {
    }

    /** In the exit: the value returned (its type's default when the method threw); replaced when not read-only. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface Return {
        boolean readOnly() default true;

        Typing typing() default Typing.STATIC;
    }

    /** In the exit: what the method threw, or null; replaced when not read-only. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface Thrown {
        boolean readOnly() default true;
    }

    /** A field of the instrumented class, by name; written when not read-only. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface FieldValue {
        String value();

        boolean readOnly() default true;
    }

    /** Where the advice runs, as text ({@code "#m"}: the method's name). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface Origin {
        String value() default "";
    }
}
