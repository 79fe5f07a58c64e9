package dev.rasp.core.instrumentation.matching;

/**
 * A predicate over a type or a method, composed by the modules ({@link Matchers}) the way they
 * composed ByteBuddy's element matchers: {@code isMethod().and(named("executeQuery")).and(takesArgument(0, String.class))}.
 * The matchers are plain values (see {@link Matchers}' nested classes) so that a test can read what
 * a module's type matchers ask for.
 */
public interface Matcher<T> {

    boolean matches(T target);

    default <U extends T> Matcher<U> and(Matcher<? super U> other) {
        return new Matchers.And<U>(this, other);
    }

    default <U extends T> Matcher<U> or(Matcher<? super U> other) {
        return new Matchers.Or<U>(this, other);
    }
}
