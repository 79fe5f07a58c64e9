package dev.rasp.spring.boot.install;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.VirtualMachine;

/**
 * This JVM attaching to itself; only allowed when it was started with
 * {@code -Djdk.attach.allowAttachSelf=true}. A class of its own so that a runtime without the
 * jdk.attach module fails here, with a LinkageError the caller turns into a message.
 */
final class SelfAttach {

    private SelfAttach() {
    }

    /** Null when loaded, else what went wrong. */
    static String load(String jar, String options) {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
            try {
                vm.loadAgent(jar, options);
            } finally {
                vm.detach();
            }
            return null;
        } catch (AgentInitializationException e) {
            return "the agent failed to start: " + e.getMessage();
        } catch (AgentLoadException e) {
            return "the agent could not be loaded: " + e.getMessage();
        } catch (Exception e) {
            return "attach failed: " + e;
        }
    }
}
