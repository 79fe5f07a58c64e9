package dev.rasp.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Reads a resource packed into rasp.jar next to the core (the native library, the built-in rule
 * set): from rasp.jar itself when its path is known, else from the core's own class path (tests,
 * development runs).
 */
public final class AgentJarResource {

    /** What to make of the resource's bytes; the stream is closed afterwards. */
    public interface Reader<T> {
        T read(InputStream in) throws IOException;

        /** Like {@link #read(InputStream)}, knowing the resource's size from rasp.jar's directory (-1: unknown). */
        default T read(InputStream in, long size) throws IOException {
            return read(in);
        }
    }

    private AgentJarResource() {
    }

    /**
     * @param agentJar rasp.jar, or null to look in the core's own class path
     * @return what {@code reader} made of the resource, or null when the resource is missing
     */
    public static <T> T read(String agentJar, String resource, Reader<T> reader) throws IOException {
        if (agentJar != null) {
            try (JarFile jar = new JarFile(agentJar, false)) {
                JarEntry entry = jar.getJarEntry(resource);
                if (entry == null) {
                    return null;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    return reader.read(in, entry.getSize());
                }
            }
        }
        ClassLoader own = AgentJarResource.class.getClassLoader();
        InputStream in = own == null ? ClassLoader.getSystemResourceAsStream(resource) : own.getResourceAsStream(resource);
        if (in == null) {
            return null;
        }
        try (InputStream closing = in) {
            return reader.read(closing);
        }
    }

    /** Where {@link #read} looked, for messages about a missing resource. */
    public static String where(String agentJar) {
        return agentJar != null ? agentJar : "the agent's class path";
    }
}
