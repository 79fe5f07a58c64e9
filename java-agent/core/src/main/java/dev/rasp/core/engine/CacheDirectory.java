package dev.rasp.core.engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The agent's per-user cache directory, {@code <rasp.native.dir>/rasp-native-<user>/}, for files other than
 * the native library that the JVM itself reads by path (the JIT's compiler directives): the same
 * directory, trusted on the same terms ({@link NativeLibraryCache}: a real directory of this user,
 * open to nobody else, in a parent no other user can swap it in).
 */
public final class CacheDirectory {

    private CacheDirectory() {
    }

    /**
     * The directory under {@code base}, created if missing.
     *
     * @throws IOException when it cannot be created or cannot be trusted (the message says why)
     */
    public static Path forThisUser(Path base) throws IOException {
        try {
            return NativeLibraryCache.directory(base, NativeLibraryCache.currentUser());
        } catch (NativeLibraryCache.Unusable e) {
            throw new IOException(e.getMessage());
        }
    }

    /**
     * Whether {@code file} can be used as it is: a regular file of this user, writable by nobody else,
     * of this size and CRC-32 (the native library's own test).
     */
    public static boolean isIntact(Path file, long size, long crc) throws IOException {
        try {
            return NativeLibraryCache.isIntact(file, NativeLibraryCache.currentUser(), size, crc);
        } catch (NativeLibraryCache.Unusable e) {
            return false;
        }
    }
}
