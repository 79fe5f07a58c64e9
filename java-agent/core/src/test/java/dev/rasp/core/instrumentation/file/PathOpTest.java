package dev.rasp.core.instrumentation.file;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.DSYNC;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SPARSE;
import static java.nio.file.StandardOpenOption.SYNC;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PathOpTest {

    @Test
    void codesAreTheContract() {
        assertEquals(0, PathOp.READ);
        assertEquals(1, PathOp.WRITE);
        assertEquals(2, PathOp.DELETE);
        assertEquals(3, PathOp.LIST);
        assertEquals(4, PathOp.OTHER);
        assertEquals(8, PathApi.NEW_BYTE_CHANNEL);
        assertEquals(16, PathApi.NEW_OUTPUT_STREAM);
    }

    @Test
    void openOptionsThatWriteOrCreate() {
        assertEquals(PathOp.WRITE, PathOp.ofOptions(EnumSet.of(WRITE)));
        assertEquals(PathOp.WRITE, PathOp.ofOptions(EnumSet.of(APPEND)));
        assertEquals(PathOp.WRITE, PathOp.ofOptions(EnumSet.of(CREATE)));
        assertEquals(PathOp.WRITE, PathOp.ofOptions(EnumSet.of(CREATE_NEW, WRITE)));
        // Files.write / newOutputStream default
        assertEquals(PathOp.WRITE, PathOp.ofOptions(EnumSet.of(CREATE, TRUNCATE_EXISTING, WRITE)));
        assertEquals(PathOp.WRITE, PathOp.ofOptions(EnumSet.of(READ, WRITE)));
        assertEquals(PathOp.WRITE, PathOp.ofOptions(EnumSet.of(WRITE, DELETE_ON_CLOSE)));
    }

    @Test
    void openOptionsThatOnlyRead() {
        assertEquals(PathOp.READ, PathOp.ofOptions(Collections.emptySet())); // Files.newByteChannel(path)
        assertEquals(PathOp.READ, PathOp.ofOptions(EnumSet.of(READ)));
        assertEquals(PathOp.READ, PathOp.ofOptions(EnumSet.of(TRUNCATE_EXISTING))); // ignored without WRITE
        assertEquals(PathOp.READ, PathOp.ofOptions(EnumSet.of(SYNC, DSYNC, SPARSE)));
        assertEquals(PathOp.READ, PathOp.ofOptions(null));
    }

    @Test
    void deleteOnCloseWithoutWriteIsADelete() {
        assertEquals(PathOp.DELETE, PathOp.ofOptions(EnumSet.of(READ, DELETE_ON_CLOSE)));
    }

    @Test
    void optionsOfOtherTypesAndArrays() {
        Set<OpenOption> mixed = new HashSet<>();
        mixed.add(LinkOption.NOFOLLOW_LINKS);
        mixed.add(StandardOpenOption.READ);
        assertEquals(PathOp.READ, PathOp.ofOptions(mixed));
        mixed.add(StandardOpenOption.APPEND);
        assertEquals(PathOp.WRITE, PathOp.ofOptions(mixed));
        assertEquals(PathOp.WRITE, PathOp.ofOptions(new OpenOption[] {LinkOption.NOFOLLOW_LINKS, CREATE_NEW}));
        assertEquals(PathOp.READ, PathOp.ofOptions(new OpenOption[0]));
    }

    @Test
    void randomAccessFileModes() {
        assertEquals(PathOp.READ, PathOp.ofOptions("r"));
        assertEquals(PathOp.WRITE, PathOp.ofOptions("rw"));
        assertEquals(PathOp.WRITE, PathOp.ofOptions("rws"));
        assertEquals(PathOp.WRITE, PathOp.ofOptions("rwd"));
        assertEquals(PathOp.READ, PathOp.ofRandomAccessMode(null)); // the constructor throws on its own
    }

    @Test
    void pathStrings() {
        assertEquals("/tmp/base/../../etc/passwd", PathOp.pathString(new File("/tmp/base", "../../etc/passwd")));
        assertEquals("rel/x.txt", PathOp.pathString(new File("rel/x.txt")));
        assertEquals("/tmp/base/../x.txt", PathOp.pathString(Paths.get("/tmp/base").resolve("../x.txt")));
        assertEquals("/etc/hostname", PathOp.pathString(Paths.get("/etc/hostname")));
        assertEquals("as given", PathOp.pathString("as given"));
    }
}
