package dev.rasp.core.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A cheap look at a file (size and modification time) to notice that it may have changed, and
 * the content digest that decides whether it did: a {@code touch} or a copy of the same bytes
 * changes the first and not the second, and must not reload anything.
 */
final class FileState {
    final long size;
    final long modifiedNanos;

    private FileState(long size, long modifiedNanos) {
        this.size = size;
        this.modifiedNanos = modifiedNanos;
    }

    /** The file's size and modification time; IOException when it is gone or cannot be read. */
    static FileState of(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new IOException("not a regular file");
        }
        return new FileState(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    boolean sameAs(FileState other) {
        return other != null && other.size == size && other.modifiedNanos == modifiedNanos;
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
