package dev.rasp.spring.boot.install;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Loads rasp.jar into this JVM, and knows what stops that on each JDK.
 *
 * <p>Three ways, the first that works: when this JVM was started with
 * {@code -Djdk.attach.allowAttachSelf=true}, it attaches to itself (the Attach API); else the JVM's
 * diagnostic command loads the agent in-process ({@link InProcessLoad}); else a helper JVM attaches to
 * this one (a JVM may not attach to itself), which costs the helper's start, 300-400 ms on a small
 * machine. {@value #METHOD_SWITCH}={@value #HELPER_JVM} takes the helper JVM only, so that its path
 * stays tested.
 */
final class AgentLoader {

    static final String HELPER_JVM = "helper-jvm";
    static final String SELF_ATTACH = "self-attach";
    static final String IN_PROCESS = "in-process";
    /** A system property naming the one way to take ({@link #HELPER_JVM}); for tests. */
    static final String METHOD_SWITCH = "rasp.debug.attach";
    /**
     * The agent options: tell rasp.jar that the starter attaches, so a configuration error is left in
     * a system property for the starter to report instead of failing the attach (see RaspAgent).
     */
    static final String AGENT_OPTIONS = "rasp-spring-boot-starter";
    /**
     * The options of the early load ({@link EarlyAgentLoad}): rasp.jar's launcher keeps the
     * Instrumentation and starts nothing until the starter calls it with {@link #AGENT_OPTIONS}.
     */
    static final String PREPARE_OPTIONS = "rasp-spring-boot-starter:prepare";

    /** The outcome of one attempt. */
    record Result(boolean loaded, String method, long millis, String problem) {
    }

    private AgentLoader() {
    }

    /**
     * Why this JVM cannot load an agent at run time, with the fix; null when nothing is known to stop it.
     * Reads the JVM's own flags, so it answers without trying.
     */
    static String blocker() {
        if (ModuleLayer.boot().findModule("jdk.attach").isEmpty()) {
            return "this Java runtime has no jdk.attach module (a jlink image without it): add it to the image "
                    + "(jlink --add-modules jdk.attach,...) or start the JVM with -javaagent:rasp.jar";
        }
        if ("true".equals(vmOption("DisableAttachMechanism"))) {
            return "the JVM runs with -XX:+DisableAttachMechanism: remove it, or start the JVM with -javaagent:rasp.jar";
        }
        if ("false".equals(vmOption("EnableDynamicAgentLoading"))) {
            return "the JVM runs with -XX:-EnableDynamicAgentLoading: use -XX:+EnableDynamicAgentLoading, "
                    + "or start the JVM with -javaagent:rasp.jar";
        }
        return null;
    }

    /**
     * True on JDK 21 and later unless the application allowed dynamic agents explicitly: the JVM then
     * prints a warning when an agent is loaded at run time (JEP 451).
     */
    static boolean jvmWarnsAboutDynamicAgents() {
        if (Runtime.version().feature() < 21) {
            return false;
        }
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotspot =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            com.sun.management.VMOption option = hotspot.getVMOption("EnableDynamicAgentLoading");
            return option.getOrigin() == com.sun.management.VMOption.Origin.DEFAULT;
        } catch (LinkageError | RuntimeException e) {
            return !ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+EnableDynamicAgentLoading");
        }
    }

    /**
     * True on JDK 22 and later when unnamed modules (the agent's core among them) may not call native
     * code without a warning: the JVM then warns when the agent loads its engine (JEP 472).
     */
    static boolean jvmWarnsAboutNativeAccess() {
        if (Runtime.version().feature() < 22) {
            return false;
        }
        try {
            Module unnamed = AgentLoader.class.getModule();
            return !(Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(unnamed);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** The value of a HotSpot flag, or null (not HotSpot, no jdk.management, unknown flag). */
    static String vmOption(String name) {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotspot =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return hotspot == null ? null : hotspot.getVMOption(name).getValue();
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
    }

    static boolean selfAttachAllowed() {
        return "true".equalsIgnoreCase(System.getProperty("jdk.attach.allowAttachSelf", "").trim());
    }

    /** Loads the agent with {@code options} ({@link #AGENT_OPTIONS} or {@link #PREPARE_OPTIONS}); never throws. */
    static Result load(AgentJar agent, Duration timeout, String options) {
        long start = System.nanoTime();
        boolean helperOnly = HELPER_JVM.equals(System.getProperty(METHOD_SWITCH));
        if (selfAttachAllowed() && !helperOnly) {
            String problem;
            try {
                problem = SelfAttach.load(agent.jar.toString(), options);
            } catch (LinkageError e) {
                problem = "the Attach API is not available (" + e + ")";
            }
            return new Result(problem == null, SELF_ATTACH, millisSince(start), problem);
        }
        if (!helperOnly) {
            String problem = InProcessLoad.load(agent.jar, options);
            if (problem == null || agentLoadedAnyway()) {
                return new Result(problem == null, IN_PROCESS, millisSince(start), problem);
            }
            // the JVM did not run the agent (no such MBean, a refusal): a helper JVM's attach may still work
        }
        return helperJvm(agent, timeout, start, options);
    }

    /**
     * rasp.jar's launcher is on the system class path: the JVM loaded the agent, whatever the command
     * answered (an agentmain that threw), so trying again would only start it twice.
     */
    private static boolean agentLoadedAnyway() {
        return RaspAgentEnvironmentPostProcessor.launcherLoaded();
    }

    private static Result helperJvm(AgentJar agent, Duration timeout, long start, String options) {
        Path log = null;
        try {
            log = Files.createTempFile(agent.jar.getParent(), "attach-", ".log");
            log.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(helperCommand(agent, options))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            // Options meant for the application (another agent, a large heap) must not start in the helper.
            env.remove("JAVA_TOOL_OPTIONS");
            env.remove("JDK_JAVA_OPTIONS");
            env.remove("_JAVA_OPTIONS");
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(false, HELPER_JVM, millisSince(start), "the helper JVM did not finish within "
                        + timeout.toSeconds() + " s (rasp.attach.timeout)");
            }
            int status = p.exitValue();
            String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).trim().replace('\n', ' ');
            if (status == AttachMain.OK) {
                return new Result(true, HELPER_JVM, millisSince(start), null);
            }
            return new Result(false, HELPER_JVM, millisSince(start),
                    output.isEmpty() ? "the helper JVM exited with status " + status : output);
        } catch (IOException e) {
            return new Result(false, HELPER_JVM, millisSince(start), "cannot start the helper JVM: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, HELPER_JVM, millisSince(start), "interrupted while loading the agent");
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // deleted at exit instead
                }
            }
        }
    }

    static List<String> helperCommand(AgentJar agent, String options) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        Path java = Paths.get(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        // a JVM that only attaches: start it as cheaply as possible
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xmx32m");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-cp");
        cmd.add(agent.helperClassPath.toString());
        cmd.add(AttachMain.class.getName());
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        cmd.add(agent.jar.toAbsolutePath().toString());
        cmd.add(options);
        return cmd;
    }

    static String describeJava() {
        return "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name", "?") + ") at "
                + System.getProperty("java.home", "?") + File.separator;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000L;
    }
}
