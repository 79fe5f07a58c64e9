package dev.rasp.core;

/** Agent log lines: stderr, prefixed "[rasp] " (contract). */
public final class AgentLog {

    private AgentLog() {
    }

    public static void info(String message) {
        System.err.println("[rasp] " + message);
    }
}
