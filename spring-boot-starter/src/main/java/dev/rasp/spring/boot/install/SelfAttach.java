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

    record Outcome(String problem, boolean agentFailedToStart) {
    }

    private SelfAttach() {
    }

    static Outcome load(String jar) {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
            try {
                vm.loadAgent(jar);
            } finally {
                vm.detach();
            }
            return new Outcome(null, false);
        } catch (AgentInitializationException e) {
            return new Outcome("the agent failed to start: " + e.getMessage(), true);
        } catch (AgentLoadException e) {
            return new Outcome("the agent could not be loaded: " + e.getMessage(), false);
        } catch (Exception e) {
            return new Outcome("attach failed: " + e, false);
        }
    }
}
