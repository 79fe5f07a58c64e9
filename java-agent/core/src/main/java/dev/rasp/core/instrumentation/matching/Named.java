package dev.rasp.core.instrumentation.matching;

/**
 * A type or method as the name matchers see it: a type by its binary name as {@code Class.getName()}
 * spells it ({@code java.sql.Statement}, {@code int}, {@code [Ljava.lang.String;}), a method by its
 * name in the class file ({@code executeQuery}, {@code <init>}).
 */
public interface Named {
    String name();
}
