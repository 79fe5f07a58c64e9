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
 * Loads rasp.jar into this JVM (the Attach API), and knows what stops that on each JDK.
 *
 * <p>Two ways: a helper JVM attaches to this one (the default: a JVM may not attach to itself), or,
 * when this JVM was started with {@code -Djdk.attach.allowAttachSelf=true}, this JVM attaches to
 * itself, which saves starting the helper (about a second on a small machine).
 */
final class AgentLoader {

    static final String HELPER_JVM = "helper-jvm";
    static final String SELF_ATTACH = "self-attach";
    /**
     * The agent options: tell rasp.jar that the starter attaches, so a configuration error is left in
     * a system property for the starter to report instead of failing the attach (see RaspAgent).
     */
    static final String AGENT_OPTIONS = "rasp-spring-boot-starter";

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

    /** Loads the agent; never throws. */
    static Result load(AgentJar agent, Duration timeout) {
        long start = System.nanoTime();
        if (selfAttachAllowed()) {
            String problem;
            try {
                problem = SelfAttach.load(agent.jar.toString());
            } catch (LinkageError e) {
                problem = "the Attach API is not available (" + e + ")";
            }
            return new Result(problem == null, SELF_ATTACH, millisSince(start), problem);
        }
        return helperJvm(agent, timeout, start);
    }

    private static Result helperJvm(AgentJar agent, Duration timeout, long start) {
        Path log = null;
        try {
            log = Files.createTempFile(agent.jar.getParent(), "attach-", ".log");
            log.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(helperCommand(agent))
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

    static List<String> helperCommand(AgentJar agent) {
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
        cmd.add(AGENT_OPTIONS);
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
