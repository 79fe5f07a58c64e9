package dev.rasp.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The configuration sources in precedence order: system properties, the environment, the config
 * file. The fixed keys ({@link ConfigKey}) are read from all three; the dynamic ones
 * ({@code rasp.rules.mode.<id>}, {@code rasp.exclusion.<name>.<field>}) only from system
 * properties and the config file, because an environment variable name cannot spell a rule id.
 */
final class ConfigSources {
    private final Properties systemProperties;
    private final Map<String, String> environment;
    private final Properties file;

    ConfigSources(Properties systemProperties, Map<String, String> environment, Properties file) {
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.file = file;
    }

    /** The winning raw value, or null when no source sets the key. */
    String lookup(ConfigKey key) {
        String v = systemProperties.getProperty(key.property);
        if (v == null) {
            v = environment.get(key.environmentVariable);
        }
        if (v == null) {
            v = file.getProperty(key.property);
        }
        return v;
    }

    /** A value from a fixed set, case-insensitive, surrounding blanks ignored; returned upper-case. */
    String choice(ConfigKey key, String defaultValue, String fix, String... allowed) {
        String raw = lookup(key);
        String value = raw == null ? defaultValue : raw.trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(value)) {
                return value.toUpperCase(Locale.ROOT);
            }
        }
        throw ConfigException.badValue(key, raw, fix);
    }

    /**
     * A whole number from {@code min} to {@code max}, surrounding blanks ignored: decimal digits
     * only, and no more of them than {@code max} has, so zero padding cannot make a long value.
     */
    int wholeNumber(ConfigKey key, int defaultValue, int min, int max, String fix) {
        String raw = lookup(key);
        if (raw == null) {
            return defaultValue;
        }
        String value = raw.trim();
        boolean digits = !value.isEmpty() && value.length() <= String.valueOf(max).length();
        for (int i = 0; digits && i < value.length(); i++) {
            digits = value.charAt(i) >= '0' && value.charAt(i) <= '9';
        }
        long n = digits ? Long.parseLong(value) : -1L;
        if (n < min || n > max) {
            throw ConfigException.badValue(key, raw, fix);
        }
        return (int) n;
    }

    /**
     * Every key starting with {@code prefix} from the system properties and the config file, the
     * system property winning for a key set in both; sorted by key, so that errors and the engine
     * configuration come out in a stable order.
     */
    Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<String, String>();
        for (String name : file.stringPropertyNames()) {
            if (name.startsWith(prefix)) {
                out.put(name, file.getProperty(name));
            }
        }
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith(prefix)) {
                out.put(name, systemProperties.getProperty(name));
            }
        }
        return out;
    }
}
