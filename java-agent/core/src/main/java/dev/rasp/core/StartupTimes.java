package dev.rasp.core;

import dev.rasp.core.engine.Engine;
import dev.rasp.core.instrumentation.PrefilteredTransformer;
import dev.rasp.core.instrumentation.TypePrefilter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the agent's start goes, for whoever tunes it ({@code -Drasp.debug.startup=true}): one log
 * line per phase of premain/agentmain with its duration, and the time the class file transformer
 * spent on the classes loaded since (type matching and advice), printed when the JVM stops and on
 * {@link #report()}. Off, every method returns at once.
 */
public final class StartupTimes {

    static final boolean ENABLED = Boolean.getBoolean("rasp.debug.startup");

    private static final long T0 = System.nanoTime();
    private static long last = T0;
    private static long lastCpu = -1;

    /** Outermost transformer calls: count and nanoseconds; transformed types. */
    private static final AtomicInteger SEEN = new AtomicInteger();
    private static final AtomicLong NANOS = new AtomicLong();
    /** The same calls' thread CPU time: what the transformer cost, whatever else ran on the machine. */
    private static final AtomicLong CPU_NANOS = new AtomicLong();
    private static final AtomicInteger TRANSFORMED = new AtomicInteger();
    /** Calls the pre-filter passed on to matching and weaving. */
    private static final AtomicInteger TO_WEAVER = new AtomicInteger();
    private static final AtomicLong WEAVER_NANOS = new AtomicLong();
    private static final ThreadLocal<long[]> OPEN = new ThreadLocal<long[]>();

    private StartupTimes() {
    }

    /** Logs the phase that ends now and how long it took since the previous one. */
    static synchronized void phase(String name) {
        if (!ENABLED) {
            return;
        }
        long now = System.nanoTime();
        if (last == T0) {
            // loads java.management, only when debugging
            AgentLog.info("startup: the core starts at JVM uptime "
                    + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
            now = System.nanoTime();
            last = now;
        }
        // this thread's CPU time too: on a busy machine the wall time is mostly waiting for a core
        long cpu = threadCpu();
        AgentLog.info("startup: " + name + " " + ms(now - last) + " ms (agent total " + ms(now - T0) + " ms"
                + (lastCpu < 0 ? "" : ", thread CPU " + ms(cpu - lastCpu) + " ms") + ")");
        last = now;
        lastCpu = cpu;
    }

    /** One more line of detail on the phase that is running (callers build it only when ENABLED). */
    static void detail(String line) {
        if (ENABLED) {
            AgentLog.info("startup: " + line);
        }
    }

    /** Times every call of the agent's class file transformer, filtered or not. */
    static PrefilteredTransformer.Probe probe() {
        if (!ENABLED) {
            return PrefilteredTransformer.NONE;
        }
        return new PrefilteredTransformer.Probe() {
            @Override
            public void enter() {
                discovered();
            }

            @Override
            public void exit(boolean toWeaver) {
                if (toWeaver) {
                    TO_WEAVER.incrementAndGet();
                    long[] open = OPEN.get();
                    if (open != null && open[0] == 1) {
                        WEAVER_NANOS.addAndGet(System.nanoTime() - open[1]);
                    }
                }
                completed();
            }
        };
    }

    /** A class reaches the transformer. */
    static void discovered() {
        if (!ENABLED) {
            return;
        }
        long[] open = OPEN.get();
        if (open == null) {
            open = new long[3];
            OPEN.set(open);
        }
        if (open[0]++ == 0) {
            open[1] = System.nanoTime();
            open[2] = threadCpu();
        }
    }

    /** The transformer is done with a class. */
    static void completed() {
        if (!ENABLED) {
            return;
        }
        long[] open = OPEN.get();
        if (open != null && open[0] > 0 && --open[0] == 0) {
            NANOS.addAndGet(System.nanoTime() - open[1]);
            CPU_NANOS.addAndGet(threadCpu() - open[2]);
            SEEN.incrementAndGet();
        }
    }

    static void transformed() {
        if (ENABLED) {
            TRANSFORMED.incrementAndGet();
        }
    }

    private static volatile TypePrefilter prefilter;

    static void watch(TypePrefilter p) {
        prefilter = p;
    }

    /** Logs the transformer's totals so far. */
    static void report() {
        if (ENABLED) {
            TypePrefilter p = prefilter;
            if (p != null) {
                long[] r = p.readStats();
                AgentLog.info("startup: pre-filter read " + r[0] + " super types' class files (" + r[1]
                        + " from the jar of the class naming them, " + r[3] + " from their package's jar) in " + ms(r[2])
                        + " ms; " + r[4] + " described from their loaded class");
                int[] constants = p.loadedConstantReads();
                if (constants[0] + constants[1] > 0) {
                    AgentLog.info("startup: key constants of classes loaded before the agent: " + constants[0]
                            + " read from the JVM, " + constants[1] + " from class files");
                }
            }
            long[] hook = Engine.classHookStats();
            if (hook != null) {
                AgentLog.info("startup: native class hook looked at " + hook[0] + " loads in " + ms(hook[4]) + " ms, handed "
                        + hook[1] + " classes to the transformer, " + hook[2] + " changed, " + hook[3] + " errors"
                        + (hook.length > 6 ? "; super types decided " + (hook[5] + hook[6]) + " loads: " + hook[6]
                        + " left on what it had learnt, " + hook[5] + " asked about by name" : ""));
            }
            AgentLog.info("startup: transformer " + SEEN.get() + " classes (" + TO_WEAVER.get() + " past the pre-filter in " + ms(WEAVER_NANOS.get()) + " ms), "
                    + TRANSFORMED.get() + " transformed, "
                    + ms(NANOS.get()) + " ms (thread CPU " + ms(CPU_NANOS.get()) + " ms)");
        }
    }

    private static long threadCpu() {
        // java.management, loaded only when debugging
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
