package dev.rasp.core.engine;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeLibraryCacheTest {

    private static final String RESOURCE = "native/linux-x86_64/librasp_jni.so";

    @TempDir
    Path tmp;

    private Path base;
    private byte[] library;
    private String jar;

    @BeforeEach
    void setUp() throws Exception {
        base = Files.createDirectory(tmp.resolve("base"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        library = new byte[300_000];
        new Random(7).nextBytes(library);
        jar = writeJar("rasp.jar", library).toString();
    }

    private Path writeJar(String name, byte[] content) throws Exception {
        Path p = tmp.resolve(name);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(p))) {
            out.putNextEntry(new ZipEntry(RESOURCE));
            out.write(content);
            out.closeEntry();
        }
        return p;
    }

    private Path cacheDir() {
        return base.resolve(NativeLibraryCache.directoryName(System.getProperty("user.name")));
    }

    @Test
    void extractsOnceThenReusesTheVerifiedFile() throws Exception {
        NativeLibraryCache.Entry first = NativeLibraryCache.get(jar, RESOURCE, base);
        assertTrue(first.extracted);
        assertArrayEquals(library, Files.readAllBytes(first.file));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file)));
        assertTrue(first.file.getFileName().toString().matches("librasp_jni-[0-9a-f]{8}-300000\\.so"), first.file.toString());

        NativeLibraryCache.Entry second = NativeLibraryCache.get(jar, RESOURCE, base);
        assertFalse(second.extracted, "the second start finds it");
        assertEquals(first.file, second.file);
        assertEquals(1, list(cacheDir()).size(), "no temporary file left: " + list(cacheDir()));
    }

    @Test
    void anotherLibraryGetsItsOwnFile() throws Exception {
        Path a = NativeLibraryCache.get(jar, RESOURCE, base).file;
        byte[] other = library.clone();
        other[5] ^= 1;
        Path b = NativeLibraryCache.get(writeJar("other.jar", other).toString(), RESOURCE, base).file;
        assertFalse(a.equals(b));
        assertArrayEquals(library, Files.readAllBytes(a));
        assertArrayEquals(other, Files.readAllBytes(b));
    }

    @Test
    void aDamagedOrLooseCachedFileIsWrittenAgain() throws Exception {
        Path file = NativeLibraryCache.get(jar, RESOURCE, base).file;
        byte[] damaged = library.clone();
        damaged[1000] ^= 0x55;
        Files.write(file, damaged);
        NativeLibraryCache.Entry again = NativeLibraryCache.get(jar, RESOURCE, base);
        assertTrue(again.extracted, "same size, wrong content: written again");
        assertArrayEquals(library, Files.readAllBytes(file));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(NativeLibraryCache.get(jar, RESOURCE, base).extracted, "a file others may write is not trusted");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Files.delete(file);
        Path elsewhere = Files.write(tmp.resolve("planted.so"), library);
        Files.createSymbolicLink(file, elsewhere);
        assertTrue(NativeLibraryCache.get(jar, RESOURCE, base).extracted, "a link is replaced by a file");
        assertTrue(Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aCacheDirectoryOpenToOthersOrALinkIsNotUsed() throws Exception {
        Files.createDirectory(cacheDir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(cacheDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        NativeLibraryCache.Unusable open = assertThrows(NativeLibraryCache.Unusable.class,
                () -> NativeLibraryCache.get(jar, RESOURCE, base));
        assertTrue(open.getMessage().contains("open to others"), open.getMessage());
        assertEquals(0, list(cacheDir()).size(), "nothing written into it");

        Files.delete(cacheDir());
        Path target = Files.createDirectory(tmp.resolve("target"));
        Files.createSymbolicLink(cacheDir(), target);
        NativeLibraryCache.Unusable link = assertThrows(NativeLibraryCache.Unusable.class,
                () -> NativeLibraryCache.get(jar, RESOURCE, base));
        assertTrue(link.getMessage().contains("not a directory"), link.getMessage());
        assertEquals(0, list(target).size());
    }

    @Test
    void aParentOthersMayWriteMustBeSticky() throws Exception {
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));
        NativeLibraryCache.Unusable e = assertThrows(NativeLibraryCache.Unusable.class,
                () -> NativeLibraryCache.get(jar, RESOURCE, base));
        assertTrue(e.getMessage().contains("not sticky"), e.getMessage());
        assertFalse(Files.exists(cacheDir()));
        // as /tmp is: world-writable and sticky, so nobody may rename another user's directory
        Process chmod = new ProcessBuilder("chmod", "1777", base.toString()).inheritIO().start();
        assertEquals(0, chmod.waitFor());
        assertTrue(NativeLibraryCache.get(jar, RESOURCE, base).extracted);
    }

    @Test
    void concurrentStartsAllGetTheWholeFile() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit((Callable<Path>) () -> NativeLibraryCache.get(jar, RESOURCE, base).file));
            }
            for (Future<Path> f : results) {
                assertArrayEquals(library, Files.readAllBytes(f.get()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, list(cacheDir()).size(), "one file, no temporaries: " + list(cacheDir()));
    }

    @Test
    void otherVersionsUnusedForAWeekArePrunedByTheNextStart() throws Exception {
        Path mine = NativeLibraryCache.get(jar, RESOURCE, base).file;
        long now = System.currentTimeMillis();
        long old = now - NativeLibraryCache.UNUSED_MAX_MILLIS - java.util.concurrent.TimeUnit.HOURS.toMillis(1);
        Path stale = aged(cacheDir().resolve("librasp_jni-0badf00d-123.so"), old);
        Path recent = aged(cacheDir().resolve("librasp_jni-0000beef-456.so"), now - java.util.concurrent.TimeUnit.DAYS.toMillis(6));
        Path foreign = aged(cacheDir().resolve("notes-0badf00d-1.txt"), old);      // not a library of ours
        Path unversioned = aged(cacheDir().resolve("librasp_jni.so"), old);        // not a name we make
        Path directory = Files.createDirectory(cacheDir().resolve("librasp_jni-11111111-7.so"));
        Files.setLastModifiedTime(directory, java.nio.file.attribute.FileTime.fromMillis(old));
        Path link = cacheDir().resolve("librasp_jni-22222222-8.so");
        Files.createSymbolicLink(link, stale);
        aged(mine, old); // this JVM's own file, as old as it gets: never removed, and marked used again

        NativeLibraryCache.Entry again = NativeLibraryCache.get(jar, RESOURCE, base);
        assertFalse(again.extracted);
        assertEquals(mine, again.file);
        assertTrue(Files.exists(mine));
        assertTrue(Files.getLastModifiedTime(mine).toMillis() >= now - 60_000, "the start marks its file used");
        assertFalse(Files.exists(stale), "another version unused for over a week is removed");
        assertTrue(Files.exists(recent), "another version used within the week stays");
        assertTrue(Files.exists(foreign));
        assertTrue(Files.exists(unversioned));
        assertTrue(Files.isDirectory(directory));
        assertTrue(Files.isSymbolicLink(link), "only regular files are removed");
    }

    @Test
    void pruningNeverRemovesTheKeptFileAndToleratesVanishingFiles() throws Exception {
        Path mine = NativeLibraryCache.get(jar, RESOURCE, base).file;
        java.nio.file.attribute.UserPrincipal me = Files.getOwner(mine);
        long old = System.currentTimeMillis() - 2 * NativeLibraryCache.UNUSED_MAX_MILLIS;
        aged(mine, old);
        List<Path> others = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            others.add(aged(cacheDir().resolve(String.format("librasp_jni-%08x-%d.so", i, i)), old));
        }
        // several "JVMs" prune at once: each file is removed once, the others find it gone
        ExecutorService pool = Executors.newFixedThreadPool(4);
        int removed = 0;
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> NativeLibraryCache.pruneOtherVersions(cacheDir(), mine, me, System.currentTimeMillis())));
            }
            for (Future<Integer> f : results) {
                removed += f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(others.size(), removed);
        assertEquals(1, list(cacheDir()).size(), "only the kept file is left: " + list(cacheDir()));
        assertTrue(Files.exists(mine));
        assertEquals(0, NativeLibraryCache.pruneOtherVersions(tmp.resolve("gone"), mine, me, System.currentTimeMillis()),
                "a missing directory is nothing to prune");
    }

    private Path aged(Path file, long millis) throws Exception {
        if (!Files.exists(file)) {
            Files.write(file, new byte[] {1, 2, 3});
        }
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(millis));
        return file;
    }

    @Test
    void aJarWithoutTheLibraryGivesNull() throws Exception {
        assertNull(NativeLibraryCache.get(jar, "native/linux-aarch64/librasp_jni.so", base));
    }

    @Test
    void namesAreSafe() {
        assertEquals("rasp-native-alice", NativeLibraryCache.directoryName("alice"));
        assertEquals("rasp-native-_._x_y", NativeLibraryCache.directoryName("../x/y"));
        assertEquals("librasp_jni-0000abcd-42.so", NativeLibraryCache.fileName(RESOURCE, 0xabcd, 42));
        assertEquals("rasp_jni-ffffffff-1.dll", NativeLibraryCache.fileName("native/windows-x86_64/rasp_jni.dll", 0xffffffffL, 1));
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.collect(Collectors.toList());
        }
    }
}
