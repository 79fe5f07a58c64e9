package dev.rasp.core.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;

/** One API covered by the agent (JDBC, servlet, ...): its type matchers and advice. */
public interface InstrumentationModule {

    /** Short name for the log. */
    String name();

    /**
     * Adds this module's transformations.
     *
     * @param adviceLoader the core's class loader, where the advice class files are read from
     */
    AgentBuilder extend(AgentBuilder builder, ClassLoader adviceLoader);
}
