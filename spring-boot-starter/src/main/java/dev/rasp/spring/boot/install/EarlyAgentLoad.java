package dev.rasp.spring.boot.install;

import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.ConfigurableBootstrapContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.core.Ordered;

/**
 * The agent's first step, taken as soon as the application starts ({@link #starting}, the first thing
 * {@code SpringApplication.run} does), on a thread of its own: rasp.jar is copied out and loaded with
 * {@link AgentLoader#PREPARE_OPTIONS}, so that its launcher keeps the JVM's Instrumentation, starts
 * nothing, and makes the one class redefinition that throws away all compiled code. The
 * {@link RaspAgentEnvironmentPostProcessor}, once the application's properties are read and handed to
 * the agent as system properties, starts it ({@link #finish}).
 *
 * <p>Why: in a JVM an agent is attached to at run time, the first redefinition of any class makes
 * the JVM deoptimise all compiled code, which the JIT then compiles again. Measured on the Spring test
 * application under the starter: that cost about 1.3 s of the start's wall time and 2.7 s of CPU when
 * it came with the agent's start, at about 1.3 s of uptime (the same start with a do-nothing
 * {@code -javaagent} that records the JVM's dependencies from the beginning took 1.0 s with the
 * starter's attach instead of 2.3 s). Here it comes at about 0.8 s of uptime, with much less compiled.
 *
 * <p>What it cannot know yet: the application's property files. It reads only what is there before
 * Spring reads anything: the command line ({@code --rasp.attach.early=false}, {@code
 * --rasp.attach.enabled=false}, {@code --rasp.mode=off}), system properties and the environment
 * ({@code RASP_ATTACH_EARLY}, ...); any of those keeps it out. When application.properties turns the
 * agent off, rasp.jar was loaded already and stays idle: no class is changed and the post-processor
 * says so.
 */
public class EarlyAgentLoad implements SpringApplicationRunListener, Ordered {

    static final String SWITCH = "rasp.attach.early";
    /** How long the helper JVM, where that is the way, may take before the early load gives up. */
    private static final Duration HELPER_TIMEOUT = Duration.ofSeconds(60);
    private static final String LAUNCHER_START = "startPrepared";

    private static final Object LOCK = new Object();
    /** The one early load of this JVM; null while none began. */
    private static Load load;

    private final String[] args;

    public EarlyAgentLoad(SpringApplication application, String[] args) {
        this.args = args == null ? new String[0] : args.clone();
    }

    /** First among the run listeners: the earlier, the less compiled code is thrown away. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void starting(ConfigurableBootstrapContext bootstrapContext) {
        try {
            begin(args, System.getenv());
        } catch (Throwable t) {
            // nothing lost: the post-processor loads the agent the usual way
        }
    }

    static void begin(String[] args, Map<String, String> env) {
        synchronized (LOCK) {
            if (load != null || skipReason(args, env) != null) {
                return;
            }
            load = new Load(EarlyAgentLoad::prepareAgent);
            load.begin();
        }
    }

    /**
     * Why the early load does not happen in this JVM, or null when it does: one of the settings that keep
     * the agent out, seen where Spring would see them before its property files (command line, then
     * system properties, then the environment), an agent that is there already, or a JVM that cannot
     * load one (the post-processor reports that one).
     */
    static String skipReason(String[] args, Map<String, String> env) {
        if ("false".equals(setting(SWITCH, args, env))) {
            return SWITCH + "=false";
        }
        if ("false".equals(setting("rasp.attach.enabled", args, env))) {
            return "rasp.attach.enabled=false";
        }
        if ("off".equals(setting("rasp.mode", args, env))) { // RASP_MODE, the agent's own variable, among them
            return "rasp.mode=off";
        }
        if (System.getProperty("org.graalvm.nativeimage.imagecode") != null) {
            return "a native image";
        }
        if (RaspAgentEnvironmentPostProcessor.agentPresent()) {
            return "an agent is present";
        }
        return AgentLoader.blocker();
    }

    /** The value of a Spring key, lower case, from the command line, a system property or the environment; else null. */
    static String setting(String key, String[] args, Map<String, String> env) {
        String value = null;
        for (String arg : args) {
            if (arg.startsWith("--" + key + "=")) {
                value = arg.substring(key.length() + 3); // the last one wins, as with Spring
            }
        }
        if (value == null) {
            value = System.getProperty(key);
        }
        if (value == null) {
            value = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", ""));
        }
        return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
    }

    /** The early load of this JVM, or null when none began. */
    static Load current() {
        synchronized (LOCK) {
            return load;
        }
    }

    /** For tests: forget the early load. */
    static void reset() {
        synchronized (LOCK) {
            load = null;
        }
    }

    /** The early load's work: rasp.jar copied out and loaded with the prepare options. */
    private static AgentLoader.Result prepareAgent() {
        long began = System.nanoTime();
        AgentJar jar;
        try {
            jar = AgentJar.extract(EarlyAgentLoad.class.getClassLoader());
        } catch (IOException e) {
            return new AgentLoader.Result(false, null, millisSince(began), AgentJar.extractProblem(e));
        }
        try {
            return AgentLoader.load(jar, HELPER_TIMEOUT, AgentLoader.PREPARE_OPTIONS);
        } finally {
            AgentJar.removeStale();
        }
    }

    /** One early load: its thread, then its outcome. */
    static final class Load {

        private final Supplier<AgentLoader.Result> work;
        private final Thread thread = new Thread(this::run, "rasp-attach-early");
        private volatile AgentLoader.Result result;

        /** @param work the load (a stand-in in tests) */
        Load(Supplier<AgentLoader.Result> work) {
            this.work = work;
        }

        void begin() {
            thread.setDaemon(true);
            thread.setContextClassLoader(ClassLoader.getSystemClassLoader()); // see InProcessLoad.onSystemLoader
            thread.start();
        }

        private void run() {
            long began = System.nanoTime();
            try {
                result = work.get();
            } catch (Throwable t) {
                result = new AgentLoader.Result(false, null, millisSince(began), "loading the agent failed: " + t);
            }
        }

        /**
         * Waits up to {@code timeout} for the early load, then starts the agent it loaded (with the
         * configuration now in the system properties). The result's time is this thread's wait and the
         * agent's start; the problem names what failed.
         */
        AgentLoader.Result finish(Duration timeout) {
            long start = System.nanoTime();
            try {
                thread.join(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new AgentLoader.Result(false, null, millisSince(start), "interrupted while loading the agent");
            }
            AgentLoader.Result loaded = result;
            if (loaded == null) {
                return new AgentLoader.Result(false, null, millisSince(start), "loading the agent did not finish within "
                        + timeout.toSeconds() + " s (rasp.attach.timeout)");
            }
            if (!loaded.loaded()) {
                return loaded;
            }
            try {
                Class<?> launcher = Class.forName(RaspAgentEnvironmentPostProcessor.LAUNCHER_CLASS, true,
                        ClassLoader.getSystemClassLoader());
                Method startPrepared = launcher.getMethod(LAUNCHER_START, String.class);
                Object started = InProcessLoad.onSystemLoader(() -> startPrepared.invoke(null, AgentLoader.AGENT_OPTIONS));
                if (!Boolean.TRUE.equals(started)) {
                    return new AgentLoader.Result(false, loaded.method(), millisSince(start),
                            "the agent loaded at the application's start was not there to be started");
                }
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return new AgentLoader.Result(false, loaded.method(), millisSince(start), "starting the agent failed: " + cause);
            }
            return new AgentLoader.Result(true, loaded.method(), millisSince(start), null);
        }

        /** How long the load itself took, on its own thread (ms), or -1 while it runs. */
        long loadMillis() {
            AgentLoader.Result r = result;
            return r == null ? -1 : r.millis();
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000L;
    }
}
