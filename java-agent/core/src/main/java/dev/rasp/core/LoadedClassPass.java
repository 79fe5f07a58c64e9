package dev.rasp.core;

import dev.rasp.core.engine.Engine;
import dev.rasp.core.instrumentation.WeavingTransformer;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The classes that were already loaded when the transformer was installed (at premain the JDK's
 * sinks and executors; at attach every application class loaded so far), matched and
 * retransformed on a thread of its own ({@code rasp-retransform}) while the application goes on
 * starting: this pass was about a quarter of {@code premain}'s time (discovery, ByteBuddy's
 * matching by reflection when the agent used it, the retransformation of the 17 JDK classes; more at attach), spent on
 * the main thread before the application's own {@code main} could begin.
 *
 * <p>What that leaves open: until the pass ends, a JDK sink class that was loaded before the
 * agent (java.io's streams and {@code File}, the file system provider, the JDK's executors) runs
 * unhooked. No request is served in that window: {@link #awaitBeforeRequest} holds the first
 * request (a servlet or WebSocket entry) until the pass is over, bounded by
 * {@link #MAX_WAIT_MILLIS}; what runs outside requests in the first few hundred milliseconds (the
 * application's own start-up code) is not checked. {@code -Drasp.debug.retransform=sync} runs the
 * pass inside premain as before.
 *
 * <p>Which classes: a snapshot taken right after the transformer was added. A class loaded before
 * it is in the snapshot; one loaded after it went through the transformer at load; one doing both
 * is retransformed from its original bytes, woven once. One loaded across the install (its load
 * hook ran before the transformer was added, its definition ended after the snapshot) is in
 * neither: at the end of the pass a second snapshot is taken, and a class in it but not in the
 * first that the {@link LoadWitness} did not see load is matched and retransformed like the others.
 * What is left: a class whose definition is still unfinished when the pass ends (its thread stalled
 * between the load hook and the definition for longer than the whole pass).
 *
 * <p>Each class is linked before it is retransformed ({@link #linkFirst}): a JVM rebuilding the class
 * file of a class another thread is linking at that moment can rebuild garbage and redefine the class
 * with it (JDK-8277444), which crashed a JVM in this project's CI.
 */
final class LoadedClassPass implements Runnable {

    static final boolean DEFERRED = !"sync".equals(System.getProperty("rasp.debug.retransform"));
    /** A request waits at most this long for the pass (then it is served, and counted as an internal error). */
    static final long MAX_WAIT_MILLIS = 30_000;
    private static final int BATCH = 32;
    /** What {@link #linkFirst} did: nothing (the JVM said the class was linked), linked it, or its link threw. */
    static final int LINKED_ALREADY = 0;
    /** Linked by {@link #linkFirst}, or the JVM could not say and it was asked to link it (a no-op if it was). */
    static final int LINKED_NOW = 1;
    static final int LINK_THREW = 2;

    /** The pass running now; null when none is (none started: the pass ran inside premain, or was switched off). */
    private static volatile LoadedClassPass running;

    private final CountDownLatch over = new CountDownLatch(1);

    private final Instrumentation instrumentation;
    /** The agent's transformer, asked about each loaded class. */
    private final WeavingTransformer weaving;
    private final Activation.LoadedClassDiscovery discovery;
    private final Class<?>[] loaded;
    /** The loads the JVM showed the transformers since just after the install; null if it could not be registered. */
    private final LoadWitness witness;
    private final InternalErrors errors;
    /** Classes the JVM had not said were linked when the pass came to them, linked by {@link #linkFirst}. */
    private int linkedFirst;
    /** Of those, the ones whose link threw (the JVM then links them, or fails to, in the retransformation). */
    private int linkThrew;

    private LoadedClassPass(Instrumentation instrumentation, WeavingTransformer weaving, Activation.LoadedClassDiscovery discovery, Class<?>[] loaded,
                            LoadWitness witness, InternalErrors errors) {
        this.instrumentation = instrumentation;
        this.weaving = weaving;
        this.discovery = discovery;
        this.loaded = loaded;
        this.witness = witness;
        this.errors = errors;
    }

    /**
     * Takes the snapshot now (the transformer has just been added) and starts the pass on its own
     * thread; requests wait for it from now on.
     */
    static Thread start(Instrumentation instrumentation, WeavingTransformer weaving,
                        Activation.LoadedClassDiscovery discovery, InternalErrors errors) {
        LoadWitness witness = new LoadWitness();
        try {
            instrumentation.addTransformer(witness, false);
        } catch (Throwable t) {
            errors.record("watching the loads across the install", t);
            witness = null;
        }
        Class<?>[] loaded = instrumentation.getAllLoadedClasses();
        discovery.snapshotTaken(loaded);
        LoadedClassPass pass = new LoadedClassPass(instrumentation, weaving, discovery, loaded, witness, errors);
        running = pass;
        Thread thread = new Thread(pass, "rasp-retransform");
        if (!DEFERRED) {
            pass.run(); // -Drasp.debug.retransform=sync: inside premain, as before
            return thread;
        }
        thread.setDaemon(true);
        try {
            thread.start();
        } catch (Throwable noThread) {
            // no thread to be had (a thread limit, memory): the pass runs here, as it did inside premain
            errors.record("starting the retransformation thread", noThread);
            pass.run();
        }
        return thread;
    }

    /** False from the start of a pass until it is over: one volatile read per request. */
    static boolean over() {
        return running == null;
    }

    /** Called by the first requests only ({@link #over()} false): waits for the pass, {@link #MAX_WAIT_MILLIS} at most. */
    static void awaitBeforeRequest(InternalErrors errors) {
        awaitBeforeRequest(errors, MAX_WAIT_MILLIS);
    }

    static void awaitBeforeRequest(InternalErrors errors, long maxWaitMillis) {
        LoadedClassPass pass = running;
        if (pass == null) {
            return;
        }
        try {
            if (!pass.over.await(maxWaitMillis, TimeUnit.MILLISECONDS)) {
                errors.record("request served before the agent's retransformation pass was over",
                        new IllegalStateException("waited " + maxWaitMillis + " ms"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        long t0 = System.nanoTime();
        long filteredAt = t0;
        long matchedAt = t0;
        int matched = 0;
        int[] straddled = {0, 0};
        try {
            List<Class<?>> candidates = new ArrayList<Class<?>>();
            for (Class<?> type : loaded) {
                if (kept(type)) {
                    candidates.add(type);
                }
            }
            filteredAt = System.nanoTime();
            matched = retransformMatching(candidates);
            matchedAt = System.nanoTime();
        } catch (Throwable t) {
            errors.record("retransforming the classes loaded before the agent", t);
        }
        try {
            straddled = catchUp();
        } catch (Throwable t) {
            errors.record("retransforming the classes loaded across the install", t);
        } finally {
            stopWatching();
            if (running == this) {
                running = null;
            }
            over.countDown();
            if (StartupTimes.ENABLED) {
                long end = System.nanoTime();
                StartupTimes.detail(String.format(java.util.Locale.ROOT,
                        "loaded classes retransformed in the background: %d of %d in %.1f ms (filtered in %.1f ms,"
                                + " matched and retransformed in %.1f ms; loaded across the install: %d unseen, %d"
                                + " retransformed, %.1f ms; linked first: %d, of which threw: %d)", matched, loaded.length,
                        (end - t0) / 1e6, (filteredAt - t0) / 1e6, (matchedAt - filteredAt) / 1e6, straddled[0],
                        straddled[1], (end - matchedAt) / 1e6, linkedFirst, linkThrew));
            }
        }
    }

    private void stopWatching() {
        if (witness == null) {
            return;
        }
        try {
            instrumentation.removeTransformer(witness);
        } catch (Throwable t) {
            errors.record("removing the load witness", t); // it only watches: left registered, it changes nothing
        }
    }

    /** Retransforms those of {@code candidates} a module matches, in batches; returns how many. */
    private int retransformMatching(List<Class<?>> candidates) {
        int matched = 0;
        List<Class<?>> batch = new ArrayList<Class<?>>(BATCH);
        for (Class<?> type : candidates) {
            if (!matches(type)) {
                continue;
            }
            matched++;
            batch.add(type);
            if (batch.size() == BATCH) {
                retransform(batch);
                batch.clear();
            }
        }
        retransform(batch);
        return matched;
    }

    /**
     * The classes loaded across the install: in a second snapshot, not in the first, and never
     * shown to the transformers as they loaded. Returns {unseen, retransformed}.
     */
    private int[] catchUp() {
        if (witness == null) {
            return new int[] {0, 0};
        }
        Set<Class<?>> before = Collections.newSetFromMap(new IdentityHashMap<Class<?>, Boolean>(loaded.length * 2));
        Collections.addAll(before, loaded);
        List<Class<?>> unseen = new ArrayList<Class<?>>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (!before.contains(type) && !witness.saw(type) && kept(type)) {
                unseen.add(type);
            }
        }
        return new int[] {unseen.size(), retransformMatching(unseen)};
    }

    private boolean kept(Class<?> type) {
        try {
            return !type.isArray() && !type.isPrimitive() && instrumentation.isModifiableClass(type) && discovery.keep(type);
        } catch (Throwable t) {
            return false;
        }
    }

    private boolean matches(Class<?> type) {
        try {
            return weaving.matches(type);
        } catch (Throwable t) {
            errors.record("matching " + type.getName(), t);
            return false;
        }
    }

    private void retransform(List<Class<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        for (Class<?> type : batch) {
            int link = linkFirst(type);
            if (link != LINKED_ALREADY) {
                linkedFirst++;
                linkThrew += link == LINK_THREW ? 1 : 0;
            }
        }
        try {
            instrumentation.retransformClasses(batch.toArray(new Class<?>[0]));
        } catch (Throwable batchFailed) {
            // one class refused fails the whole call: each on its own, so the others are still hooked
            for (Class<?> type : batch) {
                try {
                    instrumentation.retransformClasses(type);
                } catch (Throwable t) {
                    errors.record("retransforming " + type.getName(), t);
                }
            }
        }
    }

    /**
     * Has the JVM link {@code type}, unless it says the class is linked already: {@link #LINKED_ALREADY},
     * {@link #LINKED_NOW} or {@link #LINK_THREW}.
     *
     * <p>Why: to retransform a class loaded before any retransforming agent, the JVM rebuilds its class
     * file from the loaded class's bytecodes, reading them as linked or not by a flag. An application
     * thread linking the class at that moment rewrites those bytecodes in place before it sets the
     * flag, so the rebuilt file can be garbage: the JVM then redefines the class with it, which is a
     * VerifyError for an application class and, for a JDK class (not verified), a crash
     * (JDK-8277444: fixed in JDK 26, backported to 25u in late 2025; the JVMs most applications run
     * have it). The JVM links the class in the retransformation anyway, but only after
     * rebuilding its file; linking it first holds the class's init lock, so it also waits out a link
     * another thread has begun, and the file is then rebuilt from finished bytecodes.
     *
     * <p>How: Java has no call that links without initialising; asking for the class's public fields
     * does (the JVM links before it lists fields), and then loads the public fields' types, without
     * initialising them. A class that does not link (a failed verification, a super type missing) is
     * never rewritten, by this thread or another: it is left to the retransformation, which reports it.
     */
    static int linkFirst(Class<?> type) {
        if (Engine.classHookLinked(type) == 1) {
            return LINKED_ALREADY;
        }
        try {
            type.getFields();
            return LINKED_NOW;
        } catch (Throwable notLinked) {
            // see above: nothing rewritten, nothing to wait for; or a public field's type missing after the link
            return LINK_THREW;
        }
    }
}
