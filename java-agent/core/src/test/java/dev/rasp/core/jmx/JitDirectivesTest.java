package dev.rasp.core.jmx;

import dev.rasp.core.engine.CacheDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void theDirectiveExcludesThePackageAndEverythingBelowItFromC2Only() {
        assertEquals("[ { \"match\": [\"dev/rasp/shaded/asm/*.*\"], \"c2\": { \"Exclude\": true } } ]\n",
                JitDirectives.content(RELOCATED));
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
        Path file = JitDirectives.write(dir, JitDirectives.content(RELOCATED));
        assertEquals(dir, file.getParent());
        assertTrue(file.getFileName().toString().matches("rasp-jit-[0-9a-f]{8}\\.json"), file.toString());
        assertEquals(JitDirectives.content(RELOCATED), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(1, list(dir).size(), "no temporary file left: " + list(dir));
    }

    @Test
    void aSecondStartUsesTheFileAsItIs() throws Exception {
        Path dir = cacheDir();
        Path first = JitDirectives.write(dir, JitDirectives.content(RELOCATED));
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(first, old);
        Path second = JitDirectives.write(dir, JitDirectives.content(RELOCATED));
        assertEquals(first, second);
        assertEquals(old, Files.getLastModifiedTime(second), "rewritten although intact");
        assertEquals(1, list(dir).size());
    }

    @Test
    void anotherContentGetsAFileOfItsOwn() throws Exception {
        Path dir = cacheDir();
        Path a = JitDirectives.write(dir, JitDirectives.content(RELOCATED));
        Path b = JitDirectives.write(dir, JitDirectives.content("dev.rasp.other.asm"));
        assertNotEquals(a, b);
        assertEquals(2, list(dir).size());
    }

    @Test
    void aChangedOrOpenedFileIsWrittenAgain() throws Exception {
        Path dir = cacheDir();
        String content = JitDirectives.content(RELOCATED);
        Path file = JitDirectives.write(dir, content);
        Files.write(file, "[ { \"match\": [\"*.*\"], \"c2\": { \"Exclude\": true } } ]\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(file, JitDirectives.write(dir, content));
        assertEquals(content, new String(Files.readAllBytes(file), StandardCharsets.UTF_8));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(file, JitDirectives.write(dir, content));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(content, new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    private static java.util.List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.collect(Collectors.toList());
        }
    }
}
