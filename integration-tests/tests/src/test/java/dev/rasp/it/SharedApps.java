package dev.rasp.it;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Application JVMs shared by the IT classes of one failsafe JVM, keyed by the full launch spec
 * ({@link AppProcess.Builder#spec()}: java, jar, agent, mode, JVM and application arguments, environment). An
 * application start is most of a class's time (a Spring app with the agent: ~30 s on two cores), and a dozen classes
 * start the same one; each distinct spec now starts once, on first use, and is killed when the JVM exits (the
 * {@link AppProcess} shutdown hook). A process that died is started again for the next class.
 *
 * <p>Test classes run one after the other (failsafe's default, no parallel execution), so a class has the process to
 * itself while it runs. What it must not assume (see the README, "Sharing an application between classes"): a fresh
 * events file (take {@link EventLog#mark()} before the request, as {@link Scenario} does), fresh logs, engine stats
 * counted from zero, or its own shutdown. Classes that stop their application, read its shutdown lines, change its
 * state (rules reload, configuration files) or count its log lines start their own with
 * {@link AppProcess.Builder#start()}.
 */
final class SharedApps {
    private static final Map<String, AppProcess> BY_SPEC = new LinkedHashMap<>();
    private static final Set<String> NAMES = new HashSet<>();

    private SharedApps() {}

    static synchronized AppProcess get(AppProcess.Builder b, Duration readyWithin) {
        String spec = b.spec();
        AppProcess app = BY_SPEC.get(spec);
        if (app != null && app.isAlive()) {
            System.out.println("[it-app] reuse " + app.workDir().getFileName() + " (shared) for " + b.name());
            return app;
        }
        if (app != null) {
            System.out.println("[it-app] " + app.workDir().getFileName() + " died; starting it again\n" + app.logs());
            BY_SPEC.remove(spec);
        }
        String requested = b.name();
        String name = b.sharedName();
        for (int k = 2; NAMES.contains(name); k++) {
            name = b.sharedName() + "-" + k; // another spec with the same jar and mode (another JDK, other flags)
        }
        NAMES.add(name);
        app = b.rename(name).start();
        System.out.println("[it-app] " + name + " (first used by " + requested + ") is " + spec);
        // a start that fails is not kept: the failure shows in this class, and the next one tries again
        try {
            app.awaitReady(readyWithin);
        } catch (AssertionError | RuntimeException e) {
            app.stop();
            throw e;
        }
        app.shared = true;
        BY_SPEC.put(spec, app);
        return app;
    }
}
