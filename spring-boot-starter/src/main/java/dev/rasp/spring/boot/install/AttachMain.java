package dev.rasp.spring.boot.install;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;

/**
 * The main class of the short-lived helper JVM that loads rasp.jar into the application's JVM:
 * {@code java -cp <dir> dev.rasp.spring.boot.install.AttachMain <pid> <agent jar> <agent options>}.
 *
 * <p>A JVM may not attach to itself unless it was started with {@code -Djdk.attach.allowAttachSelf=true},
 * so a child process does it. Copied out of the starter jar as a lone class file: it must refer to
 * nothing but the JDK. Prints one line and exits with a status {@link AgentLoader} understands.
 */
public final class AttachMain {

    static final int OK = 0;
    static final int USAGE = 64;
    static final int ATTACH_NOT_SUPPORTED = 65;
    static final int AGENT_LOAD = 66;
    static final int AGENT_INIT = 67;
    static final int IO = 68;
    static final int OTHER = 69;

    private AttachMain() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.out.println("usage: AttachMain <pid> <agent jar> <agent options>");
            System.exit(USAGE);
        }
        int status;
        try {
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
}
