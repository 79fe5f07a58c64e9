package dev.rasp.core.instrumentation;


import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The jar a class file came from, named by a {@code jar:} URL ({@code jar:nested:/app.jar/!BOOT-INF/lib/x.jar!/}
 * in a Spring Boot fat jar): where {@link TypePrefilter} looks first for that class's super types.
 *
 * <p>Why: asking the class loader for a super type's class file ({@code ClassLoader.getResource})
 * walks the whole delegation chain for every name: the boot and platform loaders search each of
 * their modules for a resource outside their packages, and Spring Boot's loader then opens a
 * connection on each of its nested jars in turn. On the Spring test application that was about a
 * fifth of the agent's start-up on the main thread (2,240 reads). A class's super types mostly
 * live in its own jar, where one entry lookup finds them.
 *
 * <p>What it assumes: a type found in the class's own jar is the one its loader defines. A loader
 * that delegates to its parents first would define a copy of the same name found earlier on its
 * path instead; two different classes of one name in one application, of which only one has a
 * hooked type in its hierarchy, is what that would take to drop a class wrongly. Only {@code jar:}
 * URLs are read this way (the loader's own jar handler, whose open jars it caches and shares with
 * the loader); class directories and {@code file:} jars, which the JDK's loader searches quickly,
 * are asked of the loader as before.
 */
final class ClassFileHome {

    private final URL base;
    private JarFile jar;

    private ClassFileHome(URL base) {
        this.base = base;
    }

    /** The jar of a class being defined, or null when its code source is not a {@code jar:} URL. */
    static ClassFileHome of(ProtectionDomain domain) {
        if (domain == null) {
            return null;
        }
        CodeSource source = domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"jar".equals(location.getProtocol())) {
            return null;
        }
        return location.toExternalForm().endsWith("!/") ? new ClassFileHome(location) : null;
    }

    /** The jar a resource URL ({@code jar:...!/a/B.class}) points into, or null for any other URL. */
    static ClassFileHome of(URL resource) {
        if (!"jar".equals(resource.getProtocol())) {
            return null;
        }
        String form = resource.toExternalForm();
        int end = form.lastIndexOf("!/");
        if (end < 0) {
            return null;
        }
        try {
            return new ClassFileHome(new URL(resource, form.substring(0, end + 2)));
        } catch (IOException e) {
            return null;
        }
    }

    /** The entry's bytes, or null when this jar has no such entry or cannot be read. */
    byte[] read(String entryName) {
        try {
            if (jar == null) {
                URLConnection connection = base.openConnection();
                if (!(connection instanceof JarURLConnection)) {
                    return null;
                }
                // the handler's cached jar, the one the loader reads too: not closed here
                jar = ((JarURLConnection) connection).getJarFile();
            }
            ZipEntry entry = jar.getEntry(entryName);
            if (entry == null) {
                return null;
            }
            try (InputStream in = jar.getInputStream(entry)) {
                return ClassFiles.drain(in);
            }
        } catch (IOException | RuntimeException e) {
            return null; // a closed or unreadable jar: the loader is asked instead
        }
    }

    /** A resource's bytes as its URL serves them. */
    static byte[] readAll(URL resource) throws IOException {
        try (InputStream in = resource.openStream()) {
            return ClassFiles.drain(in);
        }
    }
}
