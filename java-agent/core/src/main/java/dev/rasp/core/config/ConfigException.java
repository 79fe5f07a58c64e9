package dev.rasp.core.config;

/**
 * A configuration value the agent cannot start with. The message is the single line printed
 * on stderr before the JVM exits (the launcher recognises this class by name).
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String oneLineMessage) {
        super(oneLineMessage, null, false, false);
    }

    /** The contract's format: {@code rasp: bad value 'x' for rasp.mode (RASP_MODE): use block, monitor or off}. */
    public static ConfigException badValue(ConfigKey key, String value, String fix) {
        return new ConfigException("rasp: bad value '" + printable(value) + "' for " + key.property
                + " (" + key.environmentVariable + "): " + fix);
    }

    /**
     * A bad value of a dynamic key ({@code rasp.rules.mode.<id>}, {@code rasp.exclusion.<name>.<field>}):
     * system property or config file only, so no environment variable is named.
     */
    static ConfigException badValue(String key, String value, String fix) {
        return new ConfigException("rasp: bad value '" + printable(value) + "' for " + printable(key) + ": " + fix);
    }

    /** A key that looks like one of ours but cannot be: {@code rasp: bad key 'rasp.rules.mode.X': use ...}. */
    static ConfigException badKey(String key, String fix) {
        return new ConfigException("rasp: bad key '" + printable(key) + "': " + fix);
    }

    /** Keeps the message on one line whatever the value contains. */
    public static String printable(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
