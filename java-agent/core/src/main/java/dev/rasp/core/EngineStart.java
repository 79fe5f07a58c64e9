package dev.rasp.core;

import dev.rasp.core.config.AgentConfig;
import dev.rasp.core.engine.NativeLibraryLoader;
import dev.rasp.core.rules.RuleSetManager;

import java.util.concurrent.CountDownLatch;

/**
 * The native library's load and the rule set's load, on a thread of their own while the main
 * thread warms the transformation pipeline up ({@code TransformWarmup}, which needs
 * neither): two cores then share what one did in sequence.
 *
 * <p>Nothing can reach the engine early: the bridge classes are defined, and classes transformed,
 * only after {@link #await()} has returned a ready engine, so no sink call passes unchecked while
 * the engine is loading, and the starter still reads "no bridge in the boot loader" as "the agent
 * did not install". A failure is reported exactly as when the load ran in line: an unavailable
 * engine leaves the application unprotected with the same log line, a rule set error stops the
 * start with the same {@code ConfigException}.
 */
final class EngineStart implements Runnable {

    private final String agentJar;
    private final AgentConfig config;
    private final String version;
    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);

    // written by the thread, read after the latch (which orders them)
    private RuleSetManager rules;
    private String unavailable;
    private String initError;
    private Throwable failure;

    private EngineStart(String agentJar, AgentConfig config, String version) {
        this.agentJar = agentJar;
        this.config = config;
        this.version = version;
        this.thread = new Thread(this, "rasp-engine-start");
        thread.setDaemon(true);
    }

    /** Starts loading the native library and the rule set; {@link #await()} waits for the outcome. */
    static EngineStart begin(String agentJar, AgentConfig config, String version) {
        EngineStart start = new EngineStart(agentJar, config, version);
        start.thread.start();
        return start;
    }

    @Override
    public void run() {
        try {
            unavailable = NativeLibraryLoader.load(agentJar, config.nativeDir());
            StartupTimes.detail("native library loaded (engine thread)");
            rules = RuleSetManager.of(config.rules(), agentJar);
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
        } catch (Throwable t) {
            failure = t;
        } finally {
            ready.countDown();
        }
    }

    /**
     * Waits until the engine is loaded. Rethrows what the load threw (as it would have thrown in
     * line).
     */
    EngineStart await() {
        boolean interrupted = false;
        while (true) {
            try {
                ready.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the start must not go on without its engine
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return this;
    }

    /** Why the native engine cannot run (the application then runs unprotected), or null. */
    String unavailable() {
        return unavailable;
    }

    /** The engine's refusal of the configuration or rule set, or null. */
    String initError() {
        return initError;
    }

    RuleSetManager rules() {
        return rules;
    }
}
