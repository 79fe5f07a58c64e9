package dev.rasp.core.instrumentation.matching;

/**
 * A type named somewhere (a class being matched, a super type, a method's parameter or return
 * type): its name, and its hierarchy as far as it can be read.
 */
public interface TypeRef extends Named {

    /**
     * Whether this type or any of its super classes and interfaces, transitively, matches. A super
     * type whose own super types cannot be read (no class file is served for it) is matched by its
     * name and not walked further.
     */
    boolean hasSuperType(Matcher<? super Named> matcher);
}
