package dev.rasp.core.engine;

import dev.rasp.core.AgentJarResource;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Extracts the engine from rasp.jar and loads it into this (the core's) class loader.
 *
 * <p>The library goes to a private file in a fresh owner-only directory, so no other local user
 * can swap it between extraction and load. It must be loaded from a class of the core loader:
 * JNI_OnLoad finds {@link NativeEngine} through the loader that called System.load.
 */
public final class NativeLibraryLoader {

    private static boolean loaded;

    private NativeLibraryLoader() {
    }

    /** {@code native/<os>-<arch>/<library file>}, or null on a platform no library is built for. */
    static String resourceFor(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String cpu;
        if (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86-64")) {
            cpu = "x86_64";
        } else if (arch.equals("aarch64") || arch.equals("arm64")) {
            cpu = "aarch64";
        } else {
            return null;
        }
        if (os.startsWith("linux")) {
            return "native/linux-" + cpu + "/librasp_jni.so";
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "native/macos-" + cpu + "/librasp_jni.dylib";
        }
        if (os.startsWith("windows")) {
            return "native/windows-" + cpu + "/rasp_jni.dll";
        }
        return null;
    }

    /**
     * Loads the engine once. Returns null on success, else why it is unavailable (for the
     * "runs UNPROTECTED" log line); never throws.
     *
     * @param agentJar  rasp.jar, where the library is a resource; null to look in the core's own
     *                  class path instead (tests, development)
     * @param parentDir where to create the private extraction directory (rasp.native.dir)
     */
    public static synchronized String load(String agentJar, File parentDir) {
        if (loaded) {
            return null;
        }
        String osName = System.getProperty("os.name", "?");
        String osArch = System.getProperty("os.arch", "?");
        String resource = resourceFor(osName, osArch);
        if (resource == null) {
            return "no native engine is built for " + osName + "/" + osArch;
        }
        Path dir = null;
        Path library = null;
        try {
            try {
                dir = createPrivateDirectory(parentDir.toPath());
                library = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
                final Path target = library;
                if (AgentJarResource.read(agentJar, resource, in -> copyPrivately(in, target)) == null) {
                    return resource + " is missing from " + AgentJarResource.where(agentJar);
                }
            } catch (IOException | RuntimeException e) {
                return "cannot extract " + resource + " into " + parentDir + ": " + e;
            }
            try {
                System.load(library.toAbsolutePath().toString());
            } catch (UnsatisfiedLinkError e) {
                return "cannot load " + library + ": " + e.getMessage();
            } catch (RuntimeException e) {
                // Java 22+ with --illegal-native-access=deny (a future default): JNI needs native access
                return "cannot load " + library + ": " + e + "; run java with --enable-native-access=ALL-UNNAMED";
            }
            loaded = true;
            return null;
        } finally {
            // Linux keeps a loaded library mapped after its file is gone; removing it now leaves
            // nothing behind even if the JVM is killed. deleteOnExit covers the other platforms.
            cleanUp(library, dir);
        }
    }

    private static Path createPrivateDirectory(Path parent) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            return Files.createTempDirectory(parent, "rasp-native-", ownerOnly);
        }
        return Files.createTempDirectory(parent, "rasp-native-");
    }

    private static Path copyPrivately(InputStream in, Path target) throws IOException {
        // CREATE_NEW semantics: the directory is fresh, so the file cannot already exist
        Files.copy(in, target);
        try {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            // the directory is already private where it matters
        }
        return target;
    }

    private static void cleanUp(Path library, Path dir) {
        if (dir == null) {
            return;
        }
        File d = dir.toFile();
        d.deleteOnExit(); // registered first, deleted last
        if (library != null) {
            File f = library.toFile();
            f.deleteOnExit();
            if (File.separatorChar == '/') {
                f.delete();
                d.delete();
            }
        }
    }
}
