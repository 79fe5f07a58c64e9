package dev.rasp.core;

/**
 * Loads, on a daemon thread once the transformer is installed, the JDK sink classes an
 * application usually loads only at its first call of that kind (the first process launch, the
 * first connection): their transformation (description, matching and
 * weaving, cold code) then happens here instead of in that first call.
 * Nothing is initialised ({@code Class.forName(name, false, null)}: no static initialiser runs),
 * so the application sees no side effect; a class the transformer sees here is hooked exactly as
 * when the application loads it. A name the JDK does not have (another version, a jlink image
 * without the module) is skipped. {@code -Drasp.debug.preload=off} turns it off, to compare.
 */
final class SinkPreload {

    private static final boolean ENABLED = !"off".equals(System.getProperty("rasp.debug.preload"));

    /** Each one is hooked by name (a module's bootstrapTypes); StartupDiscoveryTest checks it. */
    static final String[] JDK_SINKS = {
        "java.lang.ProcessImpl",
        // what the first process launch loads besides (its reaper's executor, onExit's future)
        "java.util.concurrent.ThreadPoolExecutor",
        "java.util.concurrent.CompletableFuture",
        // the executor CompletableFuture's async methods use when the common pool has a single
        // thread (two cores or fewer), loaded as CompletableFuture is initialised (Java 9 to 24)
        "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor",
        // and the executor's worker and the future's completions (ForkJoinTasks, which the agent
        // describes and matches): described inside the first launch, they cost it a few milliseconds
        "java.util.concurrent.ThreadPoolExecutor$Worker",
        "java.util.concurrent.CompletableFuture$Completion",
        "java.util.concurrent.CompletableFuture$UniCompletion",
        "java.util.concurrent.CompletableFuture$UniHandle",
        "java.util.concurrent.CompletableFuture$AsynchronousCompletionTask",
        // an accepted or outgoing NIO connection (a server's first request)
        "sun.nio.ch.SocketChannelImpl",
    };

    /**
     * JDK sinks loaded on the installing thread before the transformer exists, so that the
     * install's retransformation pass hooks them. JPLIS calls no transformer for a class loaded
     * while a transformer runs on the same thread, and these may first be loaded inside the
     * agent's own transformer: the pre-filter reads class files through class loaders'
     * resources, which opens {@code file:} URLs, and a FileURLConnection loaded there would stay
     * unhooked for the JVM's life (no file: URL the application opens would be checked). The core's
     * URLClassLoader used to load it in passing; the loader that reads the core from rasp.jar's
     * entries does not. Loaded, not initialised: like every class loaded before the install, the
     * retransformation pass links it before it retransforms it ({@code LoadedClassPass.linkFirst}).
     */
    static final String[] BEFORE_INSTALL = {
        "sun.net.www.protocol.file.FileURLConnection",
    };

    private SinkPreload() {
    }

    /** Loads {@link #BEFORE_INSTALL}; call before the transformer is installed. */
    static void beforeInstall() {
        for (String name : BEFORE_INSTALL) {
            try {
                Class.forName(name, false, null);
            } catch (Throwable absent) {
                // not in this JDK (another version, a jlink image without it): nothing to hook
            }
        }
    }

    /** Starts the thread; returns at once. */
    static void start() {
        if (!ENABLED) {
            return;
        }
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                long t0 = System.nanoTime();
                int loaded = 0;
                for (String name : JDK_SINKS) {
                    try {
                        Class.forName(name, false, null);
                        loaded++;
                    } catch (Throwable absent) {
                        // not in this JDK: nothing to hook, nothing to preload
                    }
                }
                if (StartupTimes.ENABLED) {
                    StartupTimes.detail("sink preload: " + loaded + " JDK sink classes loaded in "
                            + (System.nanoTime() - t0) / 1000000 + " ms (background)");
                }
            }
        }, "rasp-sink-preload");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }
}
