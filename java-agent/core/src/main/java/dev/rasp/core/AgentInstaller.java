package dev.rasp.core;

import dev.rasp.core.config.AgentConfig;
import dev.rasp.core.config.ConfigException;
import dev.rasp.core.instrumentation.TransformTimeCode;
import dev.rasp.core.instrumentation.TransformWarmup;
import dev.rasp.core.jit.JitDirectives;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;


/**
 * The core's entry point, called reflectively by the launcher (dev.rasp.agent.RaspAgent) once
 * this jar is in its isolated class loader.
 *
 * <p>Order: configuration (a bad value stops the JVM); the native engine loads on a thread of
 * its own ({@link EngineStart}) while this one warms the transformer up ({@link dev.rasp.core.instrumentation.TransformWarmup}); then the engine is waited for
 * (missing: log and run unprotected; a rule set error stops the JVM), then the bridge classes into
 * the boot loader ({@link BootstrapClasses}), then {@link Activation} (bridge and
 * transformations). The Spring Boot starter reads a bridge in the boot loader as "installed", so
 * it is defined only once the engine is ready. This class must not refer to any
 * dev.rasp.bootstrap type: they do not exist until they are defined, and the verifier may load
 * referenced types early.
 */
public final class AgentInstaller {

    /** The agent options the Spring Boot starter attaches with (RaspAgent's STARTER_OPTIONS). */
    private static final String SPRING_STARTER_OPTIONS = "rasp-spring-boot-starter";
    /** "append": take the fallback below on any JVM, so that its path can be tested (AgentIsolationIT). */
    static final String BRIDGE_SWITCH = "rasp.debug.bridge";
    private static final boolean APPEND_BRIDGE = "append".equals(System.getProperty(BRIDGE_SWITCH));

    private AgentInstaller() {
    }

    /**
     * @param atStartup true from premain, false from agentmain (attach)
     * @param agentJar  path of rasp.jar, which holds the native library, the built-in rule set and the
     *                  bridge's classes (defined in the boot loader here)
     * @throws ConfigException for a bad configuration value (the launcher prints it and exits)
     */
    public static void install(Instrumentation instrumentation, String agentArgs, boolean atStartup, String agentJar) {
        StartupTimes.phase("start");
        String version = AgentVersion.get();
        AgentConfig config = AgentConfig.fromEnvironment(SPRING_STARTER_OPTIONS.equals(agentArgs));
        for (String warning : config.warnings()) {
            AgentLog.info(warning);
        }
        if (config.mode() == AgentConfig.Mode.OFF) {
            AgentLog.info("agent " + version + ": mode=off, no class is instrumented");
            return;
        }

        StartupTimes.phase("configuration");
        // First, so that it is in place before the transform-time code gets hot: the pass over the
        // classes already loaded matches some 1,700 names within 150 ms of the start, and C2 took
        // the matchers while the directive was still being added (docs/overhead-log.md, twenty-third round).
        JitDirectives.addInBackground(instrumentation, config.nativeDir(), TransformTimeCode.classes());
        StartupTimes.phase("JIT directive (in the background)");
        if (!atStartup) {
            CompiledCodeReset.now(instrumentation);
            StartupTimes.phase("compiled code reset (attach)");
        }
        // The native library and the rule set load on a thread of their own while this one warms
        // the transformer (matching and weaving) up; the bridge is defined, and anything hooked, only
        // once the engine is ready (EngineStart).
        EngineStart engine = EngineStart.begin(agentJar, config, version);
        TransformWarmup.run();
        StartupTimes.phase("transformation warm-up (while the engine loads)");
        engine.await();
        StartupTimes.phase("engine ready (waited for the native library and rule set)");
        String unavailable = engine.unavailable();
        if (unavailable != null) {
            AgentLog.info("native engine unavailable (" + unavailable + "); the application runs UNPROTECTED");
            return;
        }
        if (engine.initError() != null) {
            throw new ConfigException(AgentConfig.userFacingEngineError(engine.initError()));
        }

        try {
            if (APPEND_BRIDGE) {
                throw new IllegalStateException(BRIDGE_SWITCH + "=append");
            }
            BootstrapClasses.define(instrumentation, agentJar);
        } catch (Throwable t) {
            // A JVM without either Unsafe.defineClass: the boot class path still works, with the
            // JVM's class-data-sharing warning, but takes only a real jar: the one start that
            // writes a file. Classes defined before the failure stay (same bytes).
            File bootstrapJar;
            try {
                bootstrapJar = BootstrapClasses.extractJar(agentJar);
                instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bootstrapJar));
            } catch (IOException | RuntimeException e) {
                AgentLog.info("cannot define the bridge in the boot loader (" + t + ") nor put it on the boot class path ("
                        + e + "); the application runs UNPROTECTED");
                return;
            }
            AgentLog.info("cannot define the bridge in the boot loader (" + t + "); extracted it to " + bootstrapJar
                    + " (removed at exit) and appended that to the boot class path instead");
        }
        StartupTimes.phase("bridge defined in the boot loader");
        Activation.Prepared prepared = Activation.prepare(instrumentation);
        StartupTimes.phase("transformations prepared");
        Activation.start(instrumentation, prepared, config, atStartup, version, engine.rules());
    }
}
