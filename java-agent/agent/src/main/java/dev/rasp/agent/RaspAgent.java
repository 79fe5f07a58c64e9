package dev.rasp.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;

/**
 * The -javaagent entry point. With {@link CoreClassLoader}, the only classes of the agent the
 * application's class loader can see: it loads the core from rasp.jar's own entries in that
 * isolated loader and hands over to it (the core defines the bridge's classes in the boot loader,
 * from rasp.jar too, once the configuration is known to be good). Nothing is written to disk.
 *
 * <p>Kept small (no inner classes here), and Java 8 bytecode.
 */
public final class RaspAgent {

    private static final String INSTALLER = "dev.rasp.core.AgentInstaller";
    private static final String CONFIG_EXCEPTION = "dev.rasp.core.config.ConfigException";
    /** Set to the one-line message when a configuration error fails an attach (agentmain). */
    private static final String CONFIG_ERROR_PROPERTY = "rasp.agent.config_error";
    /** The agent options the Spring Boot starter attaches with. */
    private static final String STARTER_OPTIONS = "rasp-spring-boot-starter";
    /**
     * The options of the starter's early load (see {@link #startPrepared}): keep the Instrumentation,
     * make the first redefinition now, start nothing.
     */
    private static final String STARTER_PREPARE_OPTIONS = "rasp-spring-boot-starter:prepare";

    private static boolean started;
    /** The Instrumentation of a load with STARTER_PREPARE_OPTIONS, until startPrepared takes it. */
    private static Instrumentation prepared;

    private RaspAgent() {
    }

    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, true);
    }

    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        if (STARTER_PREPARE_OPTIONS.equals(agentArgs)) {
            prepare(instrumentation);
            return;
        }
        start(agentArgs, instrumentation, false);
    }

    /**
     * The Spring Boot starter's first step, taken as soon as the application starts, before its
     * properties (which configure the agent) are read: the agent is loaded but not started, and the one
     * redefinition that makes the JVM throw away all its compiled code is made now, while there is
     * little of it. In a JVM an agent is attached to at run time, the JVM has not recorded which
     * compiled methods depend on which classes, so its first redefinition of any class marks all
     * compiled code for deoptimisation (HotSpot, {@code VM_RedefineClasses::flush_dependent_code});
     * later ones only the dependents. Made half a second into a Spring start instead of a second and
     * more, far less is compiled again. What is redefined: this class, with no transformer installed,
     * so its bytes stay as they are.
     */
    private static synchronized void prepare(Instrumentation instrumentation) {
        if (started || prepared != null) {
            return;
        }
        prepared = instrumentation;
        if (!instrumentation.isRetransformClassesSupported()) {
            return;
        }
        try {
            instrumentation.retransformClasses(RaspAgent.class);
        } catch (Throwable t) {
            // nothing lost: the agent's start makes the same redefinition (CompiledCodeReset), later
        }
    }

    /**
     * For the Spring Boot starter, once it has the agent's configuration in place: starts the agent
     * loaded earlier with the prepare options, as an attach would. False when no such load happened
     * (or it was started already); the starter then loads the agent the usual way.
     */
    public static synchronized boolean startPrepared(String agentArgs) {
        Instrumentation instrumentation = prepared;
        prepared = null;
        if (instrumentation == null || started) {
            return false;
        }
        start(agentArgs, instrumentation, false);
        return true;
    }

    private static synchronized void start(String agentArgs, Instrumentation instrumentation, boolean atStartup) {
        if (started) {
            log("agent already started in this JVM; ignoring the second start");
            return;
        }
        started = true;
        Throwable failure;
        try {
            File agentJar = new File(RaspAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // Parent: the platform loader (Java 9+; java.sql lives there) or the boot loader
            // (Java 8). Never the application's loader, so the core and its ASM stay invisible.
            ClassLoader core = new CoreClassLoader(agentJar, platformLoader());
            Class<?> installer = Class.forName(INSTALLER, true, core);
            installer.getMethod("install", Instrumentation.class, String.class, boolean.class, String.class)
                    .invoke(null, instrumentation, agentArgs, atStartup, agentJar.getPath());
            return;
        } catch (InvocationTargetException e) {
            failure = e.getCause();
        } catch (Throwable t) {
            failure = t;
        }
        if (failure != null && failure.getClass().getName().equals(CONFIG_EXCEPTION)) {
            // One line naming the key and the fix, then stop: running with a configuration the
            // user did not intend (e.g. monitor instead of block) would be worse than not starting.
            System.err.println(failure.getMessage());
            System.err.flush();
            if (atStartup) {
                System.exit(1);
            }
            // attach: fail the attach, not the application. The Spring Boot starter reads the line
            // from the property and stops the application's start with it, in Spring's report; for
            // it a throw would only add the JDK's stack trace and assertion lines to that one line.
            System.setProperty(CONFIG_ERROR_PROPERTY, failure.getMessage());
            if (STARTER_OPTIONS.equals(agentArgs)) {
                return;
            }
            throw new IllegalArgumentException(failure.getMessage());
        }
        log("agent failed to start (" + failure + "); the application runs UNPROTECTED");
    }

    /** The JDK's class name of the platform loader (Java 9+). */
    private static final String PLATFORM_LOADER = "jdk.internal.loader.ClassLoaders$PlatformClassLoader";

    /**
     * The platform loader on Java 9+ (the top of the system loader's chain, below the boot loader),
     * null on Java 8. Found by walking the chain: {@code ClassLoader.getPlatformClassLoader()} is Java 9
     * API, and calling it reflectively was the JVM's first reflective call, 15-25 ms of premain (the
     * method's annotations parsed to learn whether it is caller-sensitive). Reflection stays the
     * fallback for a chain that ends elsewhere (a custom system class loader whose parent is the boot
     * loader).
     */
    private static ClassLoader platformLoader() {
        if (System.getProperty("java.specification.version", "").startsWith("1.")) {
            return null;
        }
        ClassLoader top = ClassLoader.getSystemClassLoader();
        while (top != null && top.getParent() != null) {
            top = top.getParent();
        }
        if (top != null && PLATFORM_LOADER.equals(top.getClass().getName())) {
            return top;
        }
        try {
            return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
        } catch (Exception e) {
            return null;
        }
    }

    private static void log(String message) {
        System.err.println("[rasp] " + message);
    }
}
