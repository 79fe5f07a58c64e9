package dev.rasp.core.instrumentation.matching;

import java.util.List;

/** A declared method or constructor as the method matchers see it. */
public interface MethodShape extends Named, HasModifiers, Annotated {

    /** The method's access flags as the class file has them (bridge and synthetic included). */
    int modifiers();

    /** The method descriptor ({@code (Ljava/lang/String;)Ljava/sql/ResultSet;}). */
    String descriptor();

    List<TypeRef> parameters();

    TypeRef returnType();

    /** The binary names of the annotation types on the method. */
    List<String> annotations();
}
