package dev.rasp.core.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A cheap look at a file (size, modification time and identity) to notice that it may have changed, and
 * the content digest that decides whether it did: a {@code touch} or a copy of the same bytes
 * changes the first and not the second, and must not reload anything.
 */
final class FileState {
    /** The file could not be looked at (gone, not a regular file, no permission on its directory). */
    static final FileState MISSING = new FileState(-1, Long.MIN_VALUE, null);

    final long size;
    final long modifiedNanos;
    /** The file's identity (device and inode on Unix), null where the platform has none. */
    private final Object key;

    private FileState(long size, long modifiedNanos, Object key) {
        this.size = size;
        this.modifiedNanos = modifiedNanos;
        this.key = key;
    }

    /**
     * The file's size, modification time and identity; IOException when it is gone, is not a
     * regular file, or cannot be looked at.
     */
    static FileState of(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new IOException("not a regular file");
        }
        return new FileState(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                a.fileKey());
    }

    /** Same size, time and identity: another file renamed over this one, even with the same size and time, differs. */
    boolean sameAs(FileState other) {
        return other != null && other.size == size && other.modifiedNanos == modifiedNanos
                && (key == null ? other.key == null : key.equals(other.key));
    }

    /** SHA-256 of the content. */
    static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256 (MessageDigest's documentation)
            throw new IllegalStateException(e);
        }
    }
}
