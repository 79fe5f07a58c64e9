package dev.rasp.core.instrumentation.matching;

/** Types and methods: what the modifier matchers look at. */
public interface HasModifiers {
    int modifiers();
}
