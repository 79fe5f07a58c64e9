package dev.rasp.spring.boot;

/**
 * A {@code rasp.*} property the agent would refuse. Thrown while the environment is prepared, before
 * the agent is loaded, so the application stops the Spring way ({@link RaspConfigurationFailureAnalyzer})
 * instead of starting without the protection it asked for.
 */
public class RaspConfigurationException extends RuntimeException {

    private final String property;
    private final String value;
    private final String origin;
    private final String fix;

    /**
     * @param property the key as the application's configuration names it (e.g. {@code rasp.rules.mode[sqli.union]})
     * @param value    the value as written, or null when the key itself is wrong
     * @param origin   where it was set (file and line, system property, ...), or null when unknown
     * @param fix      what to write instead
     */
    public RaspConfigurationException(String property, String value, String origin, String fix) {
        this(property, value, origin, fix, null);
    }

    public RaspConfigurationException(String property, String value, String origin, String fix, Throwable cause) {
        super((value == null ? "Invalid RASP property " + property : "Invalid value '" + printable(value) + "' for " + property)
                + (origin == null ? "" : " (" + origin + ")") + ": " + fix, cause);
        this.property = property;
        this.value = value;
        this.origin = origin;
        this.fix = fix;
    }

    public String getProperty() {
        return property;
    }

    /** The value as written, or null when the key itself is at fault. */
    public String getValue() {
        return value;
    }

    /** Where the value came from, or null. */
    public String getOrigin() {
        return origin;
    }

    public String getFix() {
        return fix;
    }

    /** One line, whatever the value holds. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
