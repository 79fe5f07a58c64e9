package dev.rasp.core;

import dev.rasp.core.config.AgentConfig;
import dev.rasp.core.config.ConfigException;
import dev.rasp.core.engine.NativeLibraryLoader;
import dev.rasp.core.rules.RuleSetManager;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;


/**
 * The core's entry point, called reflectively by the launcher (dev.rasp.agent.RaspAgent) once
 * this jar is in its isolated class loader.
 *
 * <p>Order: configuration (a bad value stops the JVM), then the native engine (missing: log and
 * run unprotected), then the bridge classes into the boot loader ({@link BootstrapClasses}), then
 * {@link Activation} (bridge and transformations). This class must not refer to any
 * dev.rasp.bootstrap type: they do not exist until they are defined, and the verifier may load
 * referenced types early.
 */
public final class AgentInstaller {

    /** The agent options the Spring Boot starter attaches with (RaspAgent's STARTER_OPTIONS). */
    private static final String SPRING_STARTER_OPTIONS = "rasp-spring-boot-starter";

    private AgentInstaller() {
    }

    /**
     * @param atStartup true from premain, false from agentmain (attach)
     * @param agentJar  path of rasp.jar, which holds the native library
     * @param bootstrapJar the extracted rasp-bootstrap.jar, whose classes are defined in the boot loader here
     * @throws ConfigException for a bad configuration value (the launcher prints it and exits)
     */
    public static void install(Instrumentation instrumentation, String agentArgs, boolean atStartup, String agentJar,
                               String bootstrapJar) {
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
        String unavailable = NativeLibraryLoader.load(agentJar, config.nativeDir());
        StartupTimes.phase("native library");
        String initError = null;
        RuleSetManager rules = RuleSetManager.of(config.rules(), agentJar);
        if (unavailable == null) {
            try {
                initError = rules.initEngine(config.toEngineConfig(version));
            } catch (UnsatisfiedLinkError e) {
                unavailable = "natives not registered: " + e.getMessage();
            }
            if (StartupTimes.ENABLED) {
                StartupTimes.detail("native library " + NativeLibraryLoader.startupReport() + "; engine init: "
                        + rules.startupReport());
            }
        }
        StartupTimes.phase("engine init (rule set)");
        if (unavailable != null) {
            AgentLog.info("native engine unavailable (" + unavailable + "); the application runs UNPROTECTED");
            return;
        }
        if (initError != null) {
            throw new ConfigException(AgentConfig.userFacingEngineError(initError));
        }

        try {
            BootstrapClasses.define(instrumentation, bootstrapJar);
        } catch (Throwable t) {
            // A JVM without either Unsafe.defineClass: the boot class path still works, with the
            // JVM's class-data-sharing warning. Classes defined before the failure stay (same bytes).
            AgentLog.info("cannot define the bridge in the boot loader (" + t + "); appending " + bootstrapJar
                    + " to the boot class path instead");
            try {
                instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bootstrapJar));
            } catch (IOException e) {
                AgentLog.info("cannot open " + bootstrapJar + " (" + e + "); the application runs UNPROTECTED");
                return;
            }
        }
        StartupTimes.phase("bridge defined in the boot loader");
        Activation.start(instrumentation, config, atStartup, version, rules);
    }
}
