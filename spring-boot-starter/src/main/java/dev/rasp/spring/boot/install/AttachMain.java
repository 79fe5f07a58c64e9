package dev.rasp.spring.boot.install;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The main class of the short-lived helper JVM that loads rasp.jar into the application's JVM:
 * {@code java -cp <dir> dev.rasp.spring.boot.install.AttachMain <pid> <agent jar> <agent options>}.
 *
 * <p>A JVM may not attach to itself unless it was started with {@code -Djdk.attach.allowAttachSelf=true},
 * so a child process does it. Copied out of the starter jar as a lone class file: it must refer to
 * nothing but the JDK (no nested classes either). Prints one line and exits with a status
 * {@link AgentLoader} understands.
 */
public final class AttachMain {

    static final int OK = 0;
    static final int USAGE = 64;
    static final int ATTACH_NOT_SUPPORTED = 65;
    static final int AGENT_LOAD = 66;
    static final int AGENT_INIT = 67;
    static final int IO = 68;
    static final int OTHER = 69;

    /** How long {@link #wakeListener} waits for the listener before leaving it to the JDK's client. */
    static final long WAKE_MILLIS = 2_000;

    private AttachMain() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.out.println("usage: AttachMain <pid> <agent jar> <agent options>");
            System.exit(USAGE);
        }
        int status;
        try {
            wakeListener(args[0]);
            VirtualMachine vm = VirtualMachine.attach(args[0]);
            try {
                vm.loadAgent(args[1], args[2]);
            } finally {
                vm.detach();
            }
            System.out.println("loaded");
            status = OK;
        } catch (AttachNotSupportedException e) {
            System.out.println("attach refused: " + e.getMessage());
            status = ATTACH_NOT_SUPPORTED;
        } catch (AgentInitializationException e) {
            System.out.println("the agent failed to start: " + e.getMessage() + " (status " + e.returnValue() + ")");
            status = AGENT_INIT;
        } catch (AgentLoadException e) {
            System.out.println("the agent could not be loaded: " + e.getMessage());
            status = AGENT_LOAD;
        } catch (IOException e) {
            System.out.println("attach failed: " + e);
            status = IO;
        } catch (Throwable t) {
            System.out.println("attach failed: " + t);
            status = OTHER;
        }
        System.exit(status);
    }

    /**
     * Starts the target JVM's attach listener and waits for it in 5 ms steps, before the JDK's attach
     * client is asked. That client, finding no listener (there is none before a JVM's first attach),
     * does the same but then sleeps 100 ms, 200 ms, ... between looks: the first attach to a JVM took
     * about 300 ms where a later one takes 120 ms ({@code jcmd}). Linux only, and the JDK client's own
     * steps, in its places: the listener's socket {@code /proc/<pid>/root/tmp/.java_pid<pid>}, the
     * trigger file {@code .attach_pid<pid>} in the target's working directory (else {@code /tmp}), a
     * {@code SIGQUIT} only when there is no socket yet (a JVM run with {@code -Xrs}, which would not
     * take the signal, starts its listener at start-up). Whatever does not go as expected (no
     * {@code kill} command, no socket in time) leaves the rest to the JDK's client; true when the
     * listener is up.
     */
    static boolean wakeListener(String pid) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return false;
        }
        try {
            Path socket = Paths.get("/proc", pid, "root", "tmp", ".java_pid" + pid);
            if (Files.exists(socket)) {
                return true;
            }
            Path trigger = trigger(pid);
            if (trigger == null) {
                return false;
            }
            try {
                Process kill = new ProcessBuilder("kill", "-QUIT", pid).redirectErrorStream(true)
                        .redirectOutput(Redirect.DISCARD).start();
                if (!kill.waitFor(WAKE_MILLIS, TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                    kill.destroyForcibly();
                    return false;
                }
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAKE_MILLIS);
                while (!Files.exists(socket)) {
                    if (System.nanoTime() > deadline) {
                        return false;
                    }
                    Thread.sleep(5);
                }
                return true;
            } finally {
                Files.deleteIfExists(trigger);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The trigger file, where the JDK's client makes it; null when it cannot be made. */
    private static Path trigger(String pid) {
        String name = ".attach_pid" + pid;
        try {
            return Files.createFile(Paths.get("/proc", pid, "cwd").toRealPath().resolve(name));
        } catch (IOException | RuntimeException notThere) {
            try {
                return Files.createFile(Paths.get("/tmp", name));
            } catch (IOException | RuntimeException neither) {
                return null;
            }
        }
    }
}
