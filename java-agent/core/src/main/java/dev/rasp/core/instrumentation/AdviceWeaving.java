package dev.rasp.core.instrumentation;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.implementation.Implementation;

/**
 * How ByteBuddy rewrites a class for the agent: every module only inlines advice into methods
 * the class itself declares (no member added, removed or renamed, so retransformation is
 * allowed), which needs none of what a redefinition prepares.
 *
 * <p>A redefinition ({@code disableClassFormatChanges()}'s default) compiles the instrumented
 * type's whole method graph: every method of every super class and interface, read and
 * described through the type pool, with bridge and visibility resolution, then validates the
 * type. For the 130-odd classes a Spring Boot start transforms (servlets, filters, JDBC proxies,
 * Hibernate's and Tomcat's classes with deep hierarchies) that was most of the transformer's
 * work, and the JIT then compiled ByteBuddy's description and graph code on top (about 2 s of
 * compiler CPU at start, `benches/startup/run --threads`). Decoration only runs the class file
 * through the advice's visitors; the declared-methods graph is all the advice matchers look at.
 *
 * <p>{@code -Drasp.debug.weaving=redefine} goes back to the redefinition, to compare start-up
 * and the transformed types ({@code benches/startup/transformed}).
 */
public final class AdviceWeaving {

    private static final boolean REDEFINE = "redefine".equals(System.getProperty("rasp.debug.weaving"));
    private static final boolean BYTEBUDDY = "bytebuddy".equals(System.getProperty("rasp.debug.advice"));

    private AdviceWeaving() {
    }

    /**
     * Whether ByteBuddy's agent builder and advice weave ({@code -Drasp.debug.advice=bytebuddy}, to
     * compare) instead of the agent's own transformer ({@link WeavingTransformer}); the other
     * switches here and the transformer's {@code rasp.debug} switches for discovery,
     * {@code retransform=sync} and the type pool are that builder's.
     */
    public static boolean byteBuddyWeaves() {
        return BYTEBUDDY;
    }

    /** The ByteBuddy configuration the agent builder and the start-up warm-up weave with. */
    public static ByteBuddy byteBuddy() {
        ByteBuddy byteBuddy = new ByteBuddy()
                .with(Implementation.Context.Disabled.Factory.INSTANCE)
                .with(InstrumentedType.Factory.Default.FROZEN)
                .with(VisibilityBridgeStrategy.Default.NEVER);
        return REDEFINE ? byteBuddy
                : byteBuddy.with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE).with(TypeValidation.DISABLED);
    }

    /** Applies the type strategy to an agent builder made with {@link #byteBuddy()}. */
    public static AgentBuilder typeStrategy(AgentBuilder builder) {
        return REDEFINE ? builder : builder.with(AgentBuilder.TypeStrategy.Default.DECORATE);
    }

    /** Whether the warm-up should decorate (as the agent does) rather than redefine. */
    static boolean decorates() {
        return !REDEFINE;
    }
}
