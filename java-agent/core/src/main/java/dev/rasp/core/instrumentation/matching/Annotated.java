package dev.rasp.core.instrumentation.matching;

import java.util.List;

/** Types and methods: what {@link Matchers#isAnnotatedWith} looks at. */
public interface Annotated {
    /** The binary names of the annotation types declared on the element. */
    List<String> annotations();
}
