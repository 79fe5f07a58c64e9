package dev.rasp.spring.boot.install;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Loads an agent jar into this JVM without attaching: the JVM's own diagnostic command
 * {@code JVMTI.agent_load} (what {@code jcmd <pid> JVMTI.agent_load <jar> <options>} runs), invoked
 * through the DiagnosticCommand MBean that HotSpot registers in the platform MBean server.
 *
 * <p>Why not the Attach API: a JVM may attach to itself only when started with
 * {@code -Djdk.attach.allowAttachSelf=true}, so without it a helper JVM has to do the attach, which
 * costs a JVM start and the attach handshake (300-400 ms on the reference machine). The diagnostic
 * command loads the same agent the same way (Agent-Class, agentmain, the jar appended to the system
 * class path) and is governed by the same JVM switch, {@code -XX:-EnableDynamicAgentLoading}, which
 * makes it refuse. It needs the jdk.management module (HotSpot's DiagnosticCommand MBean); where
 * that is missing, {@link AgentLoader} takes one of the other ways.
 */
final class InProcessLoad {

    static final String MBEAN = "com.sun.management:type=DiagnosticCommand";
    static final String OPERATION = "jvmtiAgentLoad";
    /** What the command prints when the agent's agentmain returned normally. */
    static final String LOADED = "return code: 0";

    private InProcessLoad() {
    }

    /** Null when the agent was loaded and its agentmain returned, else what went wrong. Never throws. */
    static String load(Path jar, String options) {
        String path = jar.toAbsolutePath().toString();
        if (path.indexOf('"') >= 0 || path.indexOf('\'') >= 0 || options.indexOf(' ') >= 0) {
            // the command's arguments are split at spaces, quotes group them: a path with quotes cannot be said
            return "the agent jar's path cannot be passed to JVMTI.agent_load: " + path;
        }
        String quoted = path.indexOf(' ') >= 0 ? '"' + path + '"' : path;
        return onSystemLoader(() -> {
            try {
                MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                Object out = server.invoke(new ObjectName(MBEAN), OPERATION, new Object[] {new String[] {quoted, options}},
                        new String[] {String[].class.getName()});
                String text = String.valueOf(out).trim();
                return text.equals(LOADED) ? null : "JVMTI.agent_load: " + text.replace('\n', ' ');
            } catch (InstanceNotFoundException e) {
                return "this JVM has no DiagnosticCommand MBean (" + MBEAN + ")";
            } catch (LinkageError e) {
                return "this Java runtime has no java.management module (" + e + ")";
            } catch (Exception e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return "JVMTI.agent_load failed: " + cause;
            }
        });
    }

    /**
     * Runs {@code work} with the system class loader as the thread's context loader, as on the JVM's
     * attach listener thread, where an attached agent's agentmain runs: the agent's start and the
     * threads it makes (which inherit the context loader) must not see the application's loader (Spring
     * Boot's, for a fat jar), nor keep it reachable; nor may the platform MBean server, when made here,
     * look for its builder there.
     */
    static <T, E extends Exception> T onSystemLoader(Work<T, E> work) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        try {
            return work.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** What {@link #onSystemLoader} runs. */
    interface Work<T, E extends Exception> {
        T run() throws E;
    }
}
