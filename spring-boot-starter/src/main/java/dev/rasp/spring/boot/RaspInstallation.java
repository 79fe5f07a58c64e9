package dev.rasp.spring.boot;

import java.util.Map;

/**
 * What the starter found and did about the agent in this JVM, decided once while the environment is
 * prepared (before any bean exists; a background attach's outcome before the first lifecycle phase)
 * and read by the actuator endpoint.
 *
 * @param state       the outcome
 * @param detail      one sentence for humans (why unprotected, how to fix it)
 * @param attachMillis how long loading the agent took, or -1 when it was not loaded by the starter
 * @param method      how it was loaded: {@code helper-jvm}, {@code self-attach}, or null
 * @param agentProperties the agent keys the starter set as system properties (values as passed)
 */
public record RaspInstallation(State state, String detail, long attachMillis, String method,
                               Map<String, String> agentProperties) {

    public enum State {
        /** The starter loaded the agent into the running JVM. */
        ATTACHED(true),
        /**
         * The starter is loading the agent while the application context is created; the context's
         * first lifecycle phase waits for the outcome (one of the others).
         */
        ATTACHING(false),
        /** The JVM was started with -javaagent:rasp.jar; the starter left it alone. */
        ALREADY_PRESENT(true),
        /** rasp.mode=off: nothing installed, on purpose. */
        MODE_OFF(false),
        /** rasp.attach.enabled=false: nothing installed, on purpose. */
        DISABLED(false),
        /** Loading the agent failed: the application runs unprotected. */
        FAILED(false),
        /** The starter's environment post-processor never ran (e.g. the application context was built by hand). */
        NOT_RUN(false);

        private final boolean agentLoaded;

        State(boolean agentLoaded) {
            this.agentLoaded = agentLoaded;
        }

        /** True when the agent is in this JVM (it may still be in mode off if started with -javaagent). */
        public boolean agentLoaded() {
            return agentLoaded;
        }
    }

    private static volatile RaspInstallation current =
            new RaspInstallation(State.NOT_RUN, "the RASP starter's environment post-processor has not run", -1, null, Map.of());

    /** The outcome for this JVM. */
    public static RaspInstallation current() {
        return current;
    }

    /** Set by the starter's installer; the last outcome wins. */
    public static void record(RaspInstallation outcome) {
        current = outcome;
    }
}
