package dev.rasp.core;

import java.io.InputStream;
import java.util.Properties;

/** The agent's version, from a resource the build fills in. */
public final class AgentVersion {

    private static final String VERSION = load();

    private AgentVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("agent-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "").trim();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (Exception e) {
            return "unknown";
        }
    }
}
