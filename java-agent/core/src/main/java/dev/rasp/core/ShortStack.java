package dev.rasp.core;

/**
 * The few stack frames an event carries: where the application reached the sink. The agent's
 * own frames are left out (the sink method itself stays: advice is inlined into it).
 */
public final class ShortStack {

    public static final int MAX_FRAMES = 12;

    private ShortStack() {
    }

    /** One frame per line, innermost first. */
    public static String capture() {
        return format(Thread.currentThread().getStackTrace(), MAX_FRAMES);
    }

    static String format(StackTraceElement[] frames, int max) {
        StringBuilder sb = new StringBuilder(max * 80);
        int kept = 0;
        for (StackTraceElement f : frames) {
            if (kept == max) {
                break;
            }
            String c = f.getClassName();
            if (isAgentFrame(c) || (c.equals("java.lang.Thread") && f.getMethodName().equals("getStackTrace"))) {
                continue;
            }
            if (kept > 0) {
                sb.append('\n');
            }
            sb.append(f);
            kept++;
        }
        return sb.toString();
    }

    // Precise package prefixes rather than "dev.rasp.": applications and test apps may live under dev.rasp too.
    static boolean isAgentFrame(String className) {
        return className.startsWith("dev.rasp.core.") || className.startsWith("dev.rasp.bootstrap.")
                || className.startsWith("dev.rasp.agent.");
    }
}
