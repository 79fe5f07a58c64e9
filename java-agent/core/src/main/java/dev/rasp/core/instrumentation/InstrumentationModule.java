package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.Named;



/** One API covered by the agent (JDBC, servlet, ...): its type matchers and advice. */
public interface InstrumentationModule {

    /** Short name for the log. */
    String name();

    /**
     * The classes of the boot class loader this module instruments, matched by name. The agent
     * ignores every other boot-loader class, so the transformer stays off the JDK's hot class
     * loading path and the retransformation pass stays short.
     */
    default Matcher<Named> bootstrapTypes() {
        return Matchers.none();
    }

    /**
     * Declares every type name (own or inherited) and class file constant this module's
     * {@code .type(...)} matchers depend on: classes that show none of any module's keys are never
     * given to the type matchers (see {@link TypePrefilter}). A type matcher added without its
     * key never matches: TypeKeysDeclaredTest reads the names out of the matchers extend() builds and
     * compares; TypePrefilterCorpusTest (integration-tests/prefilter-corpus) puts every JDK class and
     * every class of the test applications' jars to the keys and the matchers; TypePrefilterTest does
     * so for synthetic ones; benches/startup/transformed compares the transformed types of the test
     * applications with the filter on and off.
     */
    void typeKeys(TypeKeys keys);

    /**
     * Adds this module's transformations.
     *
     * @param adviceLoader the core's class loader, where the advice class files are read from
     */
    Transformations extend(Transformations builder, ClassLoader adviceLoader);
}
