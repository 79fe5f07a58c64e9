package dev.rasp.spring.boot.install;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * The agent loaded on a thread of its own ({@code rasp-attach}) while the application context is
 * created, and a lifecycle bean that holds the context's first lifecycle phase until it is in.
 *
 * <p>Why: loading the agent from a helper JVM took about half a second, during which the
 * application's start stood still in the environment post-processor. Creating the context (reading
 * configuration classes, making beans, connecting the pool) needs no protection: no request can
 * arrive before the web server opens its port, which Spring Boot does in a lifecycle phase, after
 * this bean's ({@link Integer#MIN_VALUE}, the first). Listener containers (JMS, Kafka, scheduled
 * tasks) start in later phases too. The classes loaded meanwhile are retransformed by the agent
 * like every class loaded before it.
 *
 * <p>What it does not cover: work the application starts on its own threads while the context is
 * created (a consumer started from a {@code @PostConstruct}) runs unhooked until the agent is in.
 *
 * <p>Used only with {@code rasp.attach.background=true}; by default the agent is loaded before the
 * context exists. On the 2-core reference machine the overlap did not pay: the JIT already keeps the
 * second core busy during a Spring start, the classes loaded meanwhile are retransformed instead of
 * transformed as they load, and more compiled code is thrown away at the attach (CompiledCodeReset in
 * the agent), so the start took longer, not shorter. It is for machines with cores to spare.
 *
 * <p>The outcome (logged, recorded, or the start stopped with {@code rasp.attach.required} or a
 * configuration error the agent found) is reported on the thread that starts the lifecycle, as the
 * post-processor would have: the reporting is the post-processor's, passed in.
 */
final class BackgroundAttach implements SmartLifecycle {

    static final String BEAN_NAME = "raspBackgroundAttach";
    /** Beyond rasp.attach.timeout (which bounds the helper JVM): a self-attach that never returns. */
    private static final long GRACE_MILLIS = 30_000;

    private final Supplier<AgentLoader.Result> load;
    private final Thread thread;
    private final long waitMillis;
    private final Consumer<AgentLoader.Result> report;
    private volatile AgentLoader.Result result;
    private boolean reported;
    private volatile boolean running;

    BackgroundAttach(Supplier<AgentLoader.Result> load, long waitMillis, Consumer<AgentLoader.Result> report) {
        this.load = load;
        this.report = report;
        this.waitMillis = waitMillis;
        this.thread = new Thread(this::load, "rasp-attach");
        this.thread.setDaemon(true);
    }

    /** Starts loading now; {@code report} gets the result on the thread that starts the context's lifecycle. */
    static BackgroundAttach start(Supplier<AgentLoader.Result> load, Duration timeout, Consumer<AgentLoader.Result> report) {
        BackgroundAttach attach = new BackgroundAttach(load, timeout.toMillis() + GRACE_MILLIS, report);
        attach.begin();
        return attach;
    }

    void begin() {
        try {
            thread.start();
        } catch (Throwable noThread) {
            load(); // no thread to be had (a thread limit, memory): loaded here, as with background=false
        }
    }

    private void load() {
        try {
            result = load.get();
        } catch (Throwable t) {
            result = new AgentLoader.Result(false, AgentLoader.HELPER_JVM, -1, "loading the agent failed: " + t);
        }
    }

    /** Registers this as a bean of the context about to be created, so its lifecycle waits for the agent. */
    ApplicationContextInitializer<ConfigurableApplicationContext> gate() {
        return context -> context.getBeanFactory().registerSingleton(BEAN_NAME, this);
    }

    /**
     * Waits for the agent and reports the outcome, once (a second context of the same application,
     * or a restart of this one, finds it done).
     */
    synchronized void awaitAndReport() {
        if (reported) {
            return;
        }
        reported = true;
        try {
            if (thread.isAlive()) {
                thread.join(waitMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AgentLoader.Result r = result;
        if (r == null) {
            r = new AgentLoader.Result(false, AgentLoader.HELPER_JVM, waitMillis, thread.isAlive()
                    ? "loading the agent did not finish within " + waitMillis + " ms" : "interrupted while loading the agent");
        }
        report.accept(r);
    }

    @Override
    public void start() {
        awaitAndReport();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** First: before the web server (and any listener container) starts. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE;
    }
}
