package dev.rasp.core.jit;

import dev.rasp.core.engine.CacheDirectory;
import dev.rasp.core.instrumentation.TransformTimeCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JitDirectivesTest {

    private static final String RELOCATED = "dev.rasp.shaded.asm";

    @TempDir
    Path tmp;

    private Path cacheDir() throws Exception {
        Path base = Files.createDirectory(tmp.resolve("base"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return CacheDirectory.forThisUser(base);
    }

    private static final List<String> CLASSES = Arrays.asList("dev.rasp.core.instrumentation.matching.",
            "dev.rasp.core.instrumentation.TypeHierarchy");

    @Test
    void theDirectiveExcludesTheRelocatedAsmAndTheAgentsClassesFromC2Only() {
        assertEquals(Arrays.asList("dev/rasp/shaded/asm/*.*", "dev/rasp/core/instrumentation/matching/*.*",
                "dev/rasp/core/instrumentation/TypeHierarchy.*", "dev/rasp/core/instrumentation/TypeHierarchy$*.*"),
                JitDirectives.patterns(RELOCATED, CLASSES));
        assertEquals("[ { \"match\": [\"dev/rasp/shaded/asm/*.*\", \"dev/rasp/core/instrumentation/TypeHierarchy.*\"],"
                + " \"c2\": { \"Exclude\": true } } ]\n",
                JitDirectives.content(Arrays.asList("dev/rasp/shaded/asm/*.*", "dev/rasp/core/instrumentation/TypeHierarchy.*")));
    }

    @Test
    void anUnrelocatedAsmIsTheApplicationsAndLeftOut() {
        assertEquals(Arrays.asList("dev/rasp/core/instrumentation/matching/*.*",
                "dev/rasp/core/instrumentation/TypeHierarchy.*", "dev/rasp/core/instrumentation/TypeHierarchy$*.*"),
                JitDirectives.patterns(JitDirectives.APPLICATION_PACKAGE, CLASSES));
    }

    @Test
    void everyTransformTimeClassIsTheAgentsOwnAndNoneServesRequests() {
        List<String> classes = TransformTimeCode.classes();
        assertTrue(classes.size() > 10, classes.toString());
        String top = "dev.rasp.core.instrumentation.";
        for (String name : classes) {
            // the transformer's own classes and packages only: the per-API packages (jdbc., servlet., ...) hold the
            // advice copied into application methods and the helpers it calls per request, all of it C2's
            boolean transformerPackage = name.equals(top + "matching.") || name.equals(top + "weaving.");
            boolean topLevelClass = name.startsWith(top) && name.indexOf('.', top.length()) < 0;
            assertTrue(transformerPackage || topLevelClass, name);
        }
        List<String> patterns = JitDirectives.patterns(RELOCATED, classes);
        for (String requestTime : new String[] {"dev/rasp/core/instrumentation/net/Connections",
            "dev/rasp/core/instrumentation/jdbc/DialectCache", "dev/rasp/core/instrumentation/jdbc/SqlApi",
            "dev/rasp/core/instrumentation/servlet/HttpRequestAccess", "dev/rasp/core/context/RequestContext",
            "dev/rasp/bootstrap/RaspBridge", "org/objectweb/asm/ClassReader"}) {
            for (String p : patterns) {
                String cls = p.substring(0, p.lastIndexOf('.'));
                assertFalse(cls.endsWith("*") ? requestTime.startsWith(cls.substring(0, cls.length() - 1))
                        : requestTime.equals(cls), p + " matches " + requestTime);
            }
        }
    }

    @Test
    void theApplicationsPackageIsTheUnrelocatedOne() {
        // built at run time so that the shaded jar keeps it; the plain classes here are ASM's own
        assertEquals("org.objectweb.asm", JitDirectives.APPLICATION_PACKAGE);
        assertEquals(JitDirectives.APPLICATION_PACKAGE, JitDirectives.ownAsmPackage());
    }

    @Test
    void writesTheContentOwnerOnlyInTheUsersCacheDirectory() throws Exception {
        Path dir = cacheDir();
        Path file = JitDirectives.write(dir, relocated());
        assertEquals(dir, file.getParent());
        assertTrue(file.getFileName().toString().matches("rasp-jit-[0-9a-f]{8}\\.json"), file.toString());
        assertEquals(relocated(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(1, list(dir).size(), "no temporary file left: " + list(dir));
    }

    @Test
    void aSecondStartUsesTheFileAsItIs() throws Exception {
        Path dir = cacheDir();
        Path first = JitDirectives.write(dir, relocated());
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(first, old);
        Path second = JitDirectives.write(dir, relocated());
        assertEquals(first, second);
        assertEquals(old, Files.getLastModifiedTime(second), "rewritten although intact");
        assertEquals(1, list(dir).size());
    }

    @Test
    void anotherContentGetsAFileOfItsOwn() throws Exception {
        Path dir = cacheDir();
        Path a = JitDirectives.write(dir, relocated());
        Path b = JitDirectives.write(dir, JitDirectives.content(JitDirectives.patterns("dev.rasp.other.asm", CLASSES)));
        assertNotEquals(a, b);
        assertEquals(2, list(dir).size());
    }

    @Test
    void aChangedOrOpenedFileIsWrittenAgain() throws Exception {
        Path dir = cacheDir();
        String content = relocated();
        Path file = JitDirectives.write(dir, content);
        Files.write(file, "[ { \"match\": [\"*.*\"], \"c2\": { \"Exclude\": true } } ]\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(file, JitDirectives.write(dir, content));
        assertEquals(content, new String(Files.readAllBytes(file), StandardCharsets.UTF_8));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(file, JitDirectives.write(dir, content));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(content, new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    private static String relocated() {
        return JitDirectives.content(JitDirectives.patterns(RELOCATED, CLASSES));
    }

    private static java.util.List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.collect(Collectors.toList());
        }
    }
}
