package dev.rasp.core.engine;

import dev.rasp.core.AgentJarResource;
import dev.rasp.core.AgentLog;

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
 * <p>From rasp.jar, the library is loaded from the per-user cache ({@link NativeLibraryCache}),
 * extracted there once per library content; when the cache cannot be trusted or used, it goes to a
 * private file in a fresh owner-only directory, removed right after loading, so no other local user
 * can swap it between extraction and load. It must be loaded from a class of the core loader:
 * JNI_OnLoad finds {@link NativeEngine} through the loader that called System.load.
 */
public final class NativeLibraryLoader {

    private static boolean loaded;
    // what rasp.debug.startup prints; formatted only then (String.format costs milliseconds at premain)
    private static String reportPlace = "not loaded";
    private static long reportFindNanos;
    private static long reportLoadNanos;
    private static final String MISSING = new String("missing");

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
     * @param parentDir rasp.native.dir: where the cache directory is, or the private extraction directory is made
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
        if (agentJar != null) {
            String cacheProblem = loadCached(agentJar, resource, parentDir.toPath());
            if (cacheProblem == null) {
                return null;
            }
            if (cacheProblem != MISSING) {
                AgentLog.info("native library cache not used (" + cacheProblem + "); extracting into a private directory");
            }
        }
        return loadPrivately(agentJar, resource, parentDir);
    }

    /** What {@code rasp.debug.startup} reports: how the library was found and how long it took. */
    public static synchronized String startupReport() {
        return reportPlace + " in " + millis(reportFindNanos) + " ms, System.load " + millis(reportLoadNanos) + " ms";
    }

    /** Null when loaded from the cache, else why the cache was not used (the caller extracts privately). */
    private static String loadCached(String agentJar, String resource, Path base) {
        long start = System.nanoTime();
        NativeLibraryCache.Entry entry;
        try {
            entry = NativeLibraryCache.get(agentJar, resource, base);
        } catch (NativeLibraryCache.Unusable e) {
            return e.getMessage();
        } catch (IOException | RuntimeException e) {
            return String.valueOf(e);
        }
        if (entry == null) {
            return MISSING; // the private extraction says so in its own words
        }
        long ready = System.nanoTime();
        try {
            System.load(entry.file.toString());
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // e.g. the same file already loaded by another class loader of this JVM, or a noexec mount:
            // the private copy reports a real failure itself
            return "cannot load " + entry.file + ": " + e;
        }
        loaded = true;
        reportPlace = (entry.extracted ? "extracted into " : "found in ") + entry.file;
        reportFindNanos = ready - start;
        reportLoadNanos = System.nanoTime() - ready;
        return null;
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String loadPrivately(String agentJar, String resource, File parentDir) {
        long start = System.nanoTime();
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
            long ready = System.nanoTime();
            try {
                System.load(library.toAbsolutePath().toString());
            } catch (UnsatisfiedLinkError e) {
                return "cannot load " + library + ": " + e.getMessage();
            } catch (RuntimeException e) {
                // Java 22+ with --illegal-native-access=deny (a future default): JNI needs native access
                return "cannot load " + library + ": " + e + "; run java with --enable-native-access=ALL-UNNAMED";
            }
            loaded = true;
            reportPlace = "extracted privately into " + library;
            reportFindNanos = ready - start;
            reportLoadNanos = System.nanoTime() - ready;
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
