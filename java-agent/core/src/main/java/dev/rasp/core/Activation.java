package dev.rasp.core;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.config.AgentConfig;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.jdbc.JdbcInstrumentation;
import dev.rasp.core.instrumentation.servlet.ServletInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.is;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/**
 * Second half of the start, once the engine is initialised and the bootstrap jar is on the boot
 * class path: installs the bridge's hooks, then the class transformations.
 */
final class Activation {

    private Activation() {
    }

    static List<InstrumentationModule> modules() {
        return Arrays.<InstrumentationModule>asList(new ServletInstrumentation(), new JdbcInstrumentation());
    }

    static void start(Instrumentation instrumentation, AgentConfig config, boolean atStartup, String version) {
        InternalErrors errors = new InternalErrors();
        if (!RaspBridge.install(new RaspRuntime(config, errors))) {
            AgentLog.info("agent already installed in this JVM; nothing done");
            return;
        }
        ClassLoader coreLoader = Activation.class.getClassLoader();
        AgentBuilder builder = newAgentBuilder()
                .disableClassFormatChanges()
                // Retransformation matters for agentmain (classes already loaded); at premain it is a no-op.
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new ErrorListener(errors))
                .ignore(nameStartsWith("net.bytebuddy.")
                        .or(nameStartsWith("dev.rasp.core."))
                        .or(nameStartsWith("dev.rasp.bootstrap."))
                        .or(nameStartsWith("dev.rasp.agent."))
                        .or(isSynthetic()))
                .or(any(), is(coreLoader))
                // No JDK class is a sink the agent hooks yet (java.sql is only interfaces); skipping
                // the boot loader keeps the retransformation pass at attach cheap. JDK sinks
                // (ProcessImpl, java.io) will lift this.
                .or(any(), isBootstrapClassLoader());
        for (InstrumentationModule module : modules()) {
            builder = module.extend(builder, coreLoader);
        }
        builder.installOn(instrumentation);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (errors.errors() > 0) {
                AgentLog.info(errors.errors() + " internal error(s) were contained during this run");
            }
        }, "rasp-shutdown"));
        AgentLog.info("agent " + version + " started" + (atStartup ? "" : " (attached)") + ": " + config.describe());
    }

    /**
     * AgentBuilder.Default's constructor initialises ByteBuddy's class injectors, which probe
     * sun.misc.Unsafe; Java 24+ prints a deprecation warning for that. The agent never injects
     * classes (advice is inlined, no class format changes), so ByteBuddy's own switch
     * net.bytebuddy.safe is set while our copy of those classes initialises (they read it once),
     * then put back as it was so an application's ByteBuddy is unaffected.
     */
    private static AgentBuilder newAgentBuilder() {
        String safe = "net.bytebuddy.safe";
        String before = System.getProperty(safe);
        if (before == null) {
            System.setProperty(safe, "true");
        }
        try {
            return new AgentBuilder.Default();
        } finally {
            if (before == null) {
                System.clearProperty(safe);
            }
        }
    }

    /** Instrumentation failures never reach the application; they are counted and the first few logged. */
    private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
        private final InternalErrors errors;
        private final boolean logTransformations = Boolean.getBoolean("rasp.debug.transformations");
        private final AtomicInteger logged = new AtomicInteger();

        ErrorListener(InternalErrors errors) {
            this.errors = errors;
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            errors.record("instrumenting " + typeName, throwable);
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader classLoader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            if (logTransformations && logged.incrementAndGet() <= 1000) {
                AgentLog.info("instrumented " + type.getName());
            }
        }
    }
}
