package dev.rasp.it.spring;

import java.util.concurrent.Executor;

/**
 * An executor the application loads, without linking it, before Spring starts ({@link VulnerableApplication#main}):
 * under the starter it is loaded before the agent attaches, so the agent's retransformation pass hooks it as a
 * loaded class. StarterIT checks that the pass has the JVM link it first (a class file rebuilt while another
 * thread links the class can be garbage: JDK-8277444).
 */
public final class EarlyLoadedExecutor implements Executor {
    @Override
    public void execute(Runnable command) {
        command.run();
    }
}
