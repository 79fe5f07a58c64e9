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
    static ConfigException badValue(ConfigKey key, String value, String fix) {
        return new ConfigException("rasp: bad value '" + printable(value) + "' for " + key.property
                + " (" + key.environmentVariable + "): " + fix);
    }

    /** Keeps the message on one line whatever the value contains. */
    static String printable(String value) {
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
