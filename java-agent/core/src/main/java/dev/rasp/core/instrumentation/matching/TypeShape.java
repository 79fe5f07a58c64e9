package dev.rasp.core.instrumentation.matching;

import java.util.List;

/** A class as the type matchers see it: its name, modifiers, hierarchy, annotations and declared methods. */
public interface TypeShape extends TypeRef, HasModifiers, Annotated {

    /** The class file's access flags ({@code java.lang.reflect.Modifier} and {@code ACC_SYNTHETIC}, {@code ACC_INTERFACE}). */
    int modifiers();

    /** The binary names of the annotation types on the class itself (not inherited ones). */
    List<String> annotations();

    /** Methods and constructors the class declares (not inherited ones), in class file order. */
    List<MethodShape> methods();
}
