package dev.rasp.spring.boot.install;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * rasp.jar as a file: the build puts it into the starter jar as {@code META-INF/rasp/rasp.jar}, and the
 * JVM can only load an agent from a file, so it is copied to a private temporary directory, next to
 * the helper JVM's one class.
 *
 * <p>The directory is named {@code rasp-starter-<pid>-*} and deleted when the JVM exits; directories
 * left behind by JVMs that were killed are removed the next time (their pid is gone).
 */
final class AgentJar {

    static final String RESOURCE = "META-INF/rasp/rasp.jar";
    static final String DIR_PREFIX = "rasp-starter-";
    private static final String HELPER_CLASS = AttachMain.class.getName().replace('.', '/') + ".class";

    /** The copied agent jar. */
    final Path jar;
    /** Class path root of the helper JVM (holds {@link AttachMain}). */
    final Path helperClassPath;

    private AgentJar(Path jar, Path helperClassPath) {
        this.jar = jar;
        this.helperClassPath = helperClassPath;
    }

    /** Copies the embedded agent jar and the helper class out of {@code loader}'s resources. */
    static AgentJar extract(ClassLoader loader) throws IOException {
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        long pid = ProcessHandle.current().pid();
        Path dir = Files.createTempDirectory(tmp, DIR_PREFIX + pid + "-"); // owner-only on POSIX file systems
        dir.toFile().deleteOnExit(); // registered first: deleted last, once it is empty
        Path jar = dir.resolve("rasp.jar");
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the starter jar (a broken build of rasp-spring-boot-starter)");
            }
            Files.copy(in, jar);
        }
        jar.toFile().deleteOnExit();
        Path helperRoot = dir.resolve("helper");
        Path helperClass = helperRoot.resolve(HELPER_CLASS);
        Files.createDirectories(helperClass.getParent());
        List<Path> dirs = new ArrayList<>();
        for (Path p = helperClass.getParent(); p.startsWith(helperRoot); p = p.getParent()) {
            dirs.add(0, p); // outermost first: deleteOnExit runs in reverse order of registration
        }
        dirs.forEach(d -> d.toFile().deleteOnExit());
        try (InputStream in = loader.getResourceAsStream(HELPER_CLASS)) {
            if (in == null) {
                throw new IOException(HELPER_CLASS + " is missing from the starter jar");
            }
            Files.copy(in, helperClass);
        }
        helperClass.toFile().deleteOnExit();
        return new AgentJar(jar, helperRoot);
    }

    /** What a failed {@link #extract} means to the user, with the fix. */
    static String extractProblem(IOException e) {
        return "cannot write the agent jar to " + System.getProperty("java.io.tmpdir") + " (" + e.getMessage()
                + "): point java.io.tmpdir at a writable directory, or start the JVM with -javaagent:rasp.jar";
    }

    /**
     * Deletes the leftovers of killed JVMs in {@code java.io.tmpdir} ({@link #removeStale(Path)}). Called
     * once the agent is loaded, not before: listing a large temporary directory is not worth delaying the
     * load for (18 ms of the early load's 113 ms of CPU with 7,500 entries in /tmp), since at the
     * starter's early load every millisecond before the first class redefinition is compiled code the JVM
     * then throws away.
     */
    static void removeStale() {
        try {
            removeStale(Paths.get(System.getProperty("java.io.tmpdir")));
        } catch (RuntimeException e) {
            // housekeeping only (a java.io.tmpdir that is no path: extract has said so already)
        }
    }

    /** Deletes rasp-starter-<pid>-* directories whose JVM is gone (killed before its exit hooks ran). */
    static void removeStale(Path tmp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, DIR_PREFIX + "*")) {
            for (Path d : dirs) {
                Optional<Long> pid = pidOf(d.getFileName().toString());
                if (pid.isPresent() && ProcessHandle.of(pid.get()).isEmpty() && Files.isDirectory(d)) {
                    deleteTree(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            // housekeeping only: a directory we cannot list or delete is left for the system's tmp cleaner
        }
    }

    static Optional<Long> pidOf(String dirName) {
        if (!dirName.startsWith(DIR_PREFIX)) {
            return Optional.empty();
        }
        String rest = dirName.substring(DIR_PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(rest.substring(0, dash)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
