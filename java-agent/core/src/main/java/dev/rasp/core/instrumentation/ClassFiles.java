package dev.rasp.core.instrumentation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where class files are read from by binary name, and how: a class loader's resources, the JDK's
 * image ({@link JdkImage}), one after the other. A class file is data here, never a class: reading
 * one loads nothing.
 */
public final class ClassFiles {

    /** A place class files are read from. */
    public interface Source {
        /** The class file of the class of this binary name ({@code java.lang.String}), or null when this source has none. */
        byte[] classFile(String binaryName);
    }

    /**
     * Asks the boot loader (a loader's parent of null delegates there): its resources are the JDK's
     * modules', whose class files are never encapsulated.
     */
    private static final ClassLoader BOOT = new ClassLoader(null) {
    };

    private ClassFiles() {
    }

    /** The class files a loader serves as resources ({@code getResourceAsStream}); the boot loader's for null. */
    public static Source of(final ClassLoader loader) {
        final ClassLoader from = loader == null ? BOOT : loader;
        return new Source() {
            @Override
            public byte[] classFile(String binaryName) {
                return read(from, binaryName);
            }
        };
    }

    /** {@code first}'s class file, else {@code second}'s. */
    public static Source either(final Source first, final Source second) {
        return new Source() {
            @Override
            public byte[] classFile(String binaryName) {
                byte[] b = first.classFile(binaryName);
                return b != null ? b : second.classFile(binaryName);
            }
        };
    }

    /** The class file a loader serves for this binary name (the boot loader's for null), or null. */
    public static byte[] read(ClassLoader loader, String binaryName) {
        String resource = binaryName.replace('.', '/') + ".class";
        try (InputStream in = (loader == null ? BOOT : loader).getResourceAsStream(resource)) {
            return in == null ? null : drain(in);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Everything left in a stream (not closed here). */
    public static byte[] drain(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(in.available(), 4096));
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) != -1; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
