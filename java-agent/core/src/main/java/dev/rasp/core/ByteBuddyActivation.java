package dev.rasp.core;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.AdviceWeaving;
import dev.rasp.core.instrumentation.ByteBuddyShapes;
import dev.rasp.core.instrumentation.JdkImage;
import dev.rasp.core.instrumentation.JdkTypes;
import dev.rasp.core.instrumentation.PrefilteredTransformer;
import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.TypePoolCache;
import dev.rasp.core.instrumentation.TypePrefilter;
import dev.rasp.core.instrumentation.WeavingTransformer;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Named;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.is;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * ByteBuddy's agent builder and advice in place of the agent's own transformer and weaver
 * ({@code -Drasp.debug.advice=bytebuddy}), to compare what is transformed and what it costs: the
 * same rules ({@link Transformations#applyTo}, the modules' matchers over ByteBuddy's type
 * descriptions through {@link ByteBuddyShapes}), the same pre-filter in front, the same ignore
 * rules. Its switches ({@code rasp.debug.discovery}, {@code retransform=sync}, {@code weaving},
 * {@code typepool}) belong to this path. Nothing here is loaded on the agent's own path.
 */
final class ByteBuddyActivation {

    private ByteBuddyActivation() {
    }

    static Activation.Prepared prepare(Instrumentation instrumentation, Transformations transformations,
                                       final Matcher<Named> jdkSinks, final ClassLoader coreLoader,
                                       final TypePrefilter prefilter, JdkTypes jdkTypes, boolean discoveryOn,
                                       InternalErrors errors) {
        // The classes loaded before the install are retransformed after it, on a thread of its own
        // (LoadedClassPass); -Drasp.debug.retransform=sync lets ByteBuddy's install do it.
        Activation.LoadedClassDiscovery passDiscovery = discoveryOn
                ? new Activation.LoadedClassDiscovery(jdkSinks, coreLoader, prefilter, jdkTypes, LoadedClassPass.DEFERRED)
                : null;
        // Advice is woven by decorating the class (AdviceWeaving): no member changes, no method graph.
        AgentBuilder builder = AdviceWeaving.typeStrategy(newAgentBuilder().disableClassFormatChanges())
                // Already loaded classes (java.io.File, FileInputStream, the file system provider,
                // at premain; everything at attach) are retransformed: advice adds no member.
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                // Of the classes already loaded, only those the ignore matcher below can pass and
                // the pre-filter keeps (by reflection) are handed to ByteBuddy's discovery
                // (LoadedClassDiscovery); -Drasp.debug.discovery=off hands it every loaded class.
                .with(passDiscovery != null ? new Discovery(passDiscovery)
                        : (AgentBuilder.RedefinitionStrategy.DiscoveryStrategy)
                                AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.SinglePass.INSTANCE)
                .with(StartupTimes.redefinitionListener())
                .with(new Listener(new Activation.ErrorListener(errors)))
                // Type descriptions kept per class loader across classes (TypePoolCache), not
                // re-read and re-parsed for every class; -Drasp.debug.typepool=off compares.
                .with(TypePoolCache.forTypes(jdkTypes))
                // the JDK's class files read from its image, not through its memory mapping (JdkImage)
                .with(JdkImage.locationStrategy())
                // Advice inlined into a named JDK module other than java.base (java.naming's
                // InitialContext) calls RaspBridge in the boot loader's unnamed module, which a
                // named module does not read by default: the read edge is added as it is
                // transformed.
                .assureReadEdgeTo(instrumentation, RaspBridge.class)
                // Only classes one of the modules' matchers can match reach ByteBuddy at all
                // (PrefilteredTransformer: boot classes by name, the rest by TypePrefilter, which
                // reads the class file first). -Drasp.debug.prefilter=off hands ByteBuddy every
                // class, to compare the transformed types; the ignore rules below then decide.
                .with(new AgentBuilder.TransformerDecorator() {
                    @Override
                    public ResettableClassFileTransformer decorate(ResettableClassFileTransformer transformer) {
                        return PrefilteredTransformer.wrapByteBuddy(transformer, prefilter, jdkSinks,
                                coreLoader, StartupTimes.probe());
                    }
                })
                // the boot loader's rule first: it needs the name alone, where isSynthetic() reads the class file
                .ignore(not(ByteBuddyShapes.names(jdkSinks)), isBootstrapClassLoader())
                .or(any(), is(coreLoader))
                // the agent's own ByteBuddy (this literal is relocated with it in the -agent fat jar)
                .or(nameStartsWith("net.bytebuddy.")
                        // and an application's, as ByteBuddy's default ignore rule has it
                        .or(nameStartsWith(Activation.APPLICATION_BYTEBUDDY))
                        .or(nameStartsWith("dev.rasp.core."))
                        .or(nameStartsWith("dev.rasp.bootstrap."))
                        .or(nameStartsWith("dev.rasp.agent."))
                        .or(isSynthetic()));
        builder = transformations.applyTo(builder);
        return new Activation.Prepared(builder, null, null, errors, passDiscovery);
    }

    /** Installs the builder: its transformer, behind the pre-filter, registered with the JVM. */
    static ClassFileTransformer install(AgentBuilder builder, Instrumentation instrumentation) {
        return builder.installOn(instrumentation);
    }

    /**
     * AgentBuilder.Default's constructor initialises ByteBuddy's class injectors, which probe
     * sun.misc.Unsafe; Java 24+ prints a deprecation warning for that. The agent never injects
     * classes (advice is inlined, no class format changes), so ByteBuddy's own switch
     * net.bytebuddy.safe is set while our copy of those classes initialises (they read it once),
     * then put back as it was. In the -agent fat jar the name is relocated with ByteBuddy (the literal
     * here and ByteBuddy's own), so an application's ByteBuddy never sees it anyway.
     */
    private static AgentBuilder newAgentBuilder() {
        String safe = "net.bytebuddy.safe";
        String before = System.getProperty(safe);
        if (before == null) {
            System.setProperty(safe, "true");
        }
        try {
            return new AgentBuilder.Default(AdviceWeaving.byteBuddy());
        } finally {
            if (before == null) {
                System.clearProperty(safe);
            }
        }
    }

    /** The agent's discovery of the loaded classes as ByteBuddy's install asks for it. */
    private static final class Discovery implements AgentBuilder.RedefinitionStrategy.DiscoveryStrategy {
        private final Activation.LoadedClassDiscovery discovery;

        Discovery(Activation.LoadedClassDiscovery discovery) {
            this.discovery = discovery;
        }

        @Override
        public Iterable<Iterable<Class<?>>> resolve(Instrumentation instrumentation) {
            return discovery.resolve(instrumentation);
        }
    }

    /** ByteBuddy's listener calls, to the agent's. */
    private static final class Listener extends AgentBuilder.Listener.Adapter {
        private final WeavingTransformer.Listener listener;

        Listener(WeavingTransformer.Listener listener) {
            this.listener = listener;
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            listener.onError(typeName, throwable);
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader classLoader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            listener.onTransformation(type.getName());
        }
    }
}
