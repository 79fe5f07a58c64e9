package dev.rasp.core.rules;

import dev.rasp.core.config.ConfigException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Polls the user's rule file and swaps a changed set into the engine.
 *
 * <p>Runs on its own daemon thread, {@value #THREAD_NAME}. It is never a request thread, so the
 * file hooks see no request scope on it and its reads cost them one ThreadLocal read and no check.
 * Polling (rather than a WatchService) works the same on every file system, including network and
 * container-mounted ones where change notifications are missing or late.
 *
 * <p>Each poll looks at size, modification time and identity; only when they moved is the file
 * read and hashed, and only a new digest is handed to the engine. A file larger than
 * rasp.rules.max_file_bytes is refused from its size, unread. A rejected file (garbage, or one
 * caught mid-write, which fails the file's checksum) is reported once and not tried again until
 * it changes again: the writer finishing changes its size or time, and the next poll picks it up.
 */
final class RuleFileWatcher implements Runnable {

    static final String THREAD_NAME = "rasp-rules-watcher";

    private final RuleSetManager manager;
    private final Path file;
    private final long periodMillis;
    private final int maxFileBytes;

    /** What the last poll dealt with; null when the file must be looked at again. */
    private FileState seen;
    /** Digest of the last content handed to the engine (accepted or rejected). */
    private byte[] tried;
    /** The file as it was when a problem with it was last reported: one report per change of the file. */
    private FileState reported;
    /** The file as the poll under way found it, for a failure no step of the poll expected. */
    private FileState looking;

    RuleFileWatcher(RuleSetManager manager, Path file, int periodSeconds, int maxFileBytes, FileState seenAtStart,
                    byte[] loadedDigest) {
        this.manager = manager;
        this.file = file;
        this.periodMillis = TimeUnit.SECONDS.toMillis(periodSeconds);
        this.maxFileBytes = maxFileBytes;
        this.seen = seenAtStart;
        this.tried = loadedDigest;
    }

    Thread start() {
        Thread t = new Thread(this, THREAD_NAME);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
            check();
        }
    }

    /** One poll; a failure no step of it expected is reported (once for that version of the file), never thrown. */
    void check() {
        try {
            poll();
        } catch (Throwable t) {
            // Never let the watcher die silently: protection goes on with the set in use. And
            // never say it again for the same file: the next poll leaves this one alone.
            failed(t);
        }
    }

    /**
     * One look at the file; reloads when its content changed. Whatever stops a changed file from
     * being used is reported once for that version of the file: the poll does not read it again
     * until its size, time or identity change (a read refused by permissions aside, which costs
     * nothing and is tried again, since a chmod changes none of them).
     */
    void poll() {
        looking = null;
        FileState now;
        try {
            now = FileState.of(file);
        } catch (IOException e) {
            seen = null;
            report(FileState.MISSING, "cannot read it (" + ConfigException.printable(String.valueOf(e)) + ")");
            return;
        }
        if (reported == FileState.MISSING) {
            reported = null; // back: a later disappearance is news again
        }
        if (now.sameAs(seen)) {
            return;
        }
        looking = now;
        if (now.size > maxFileBytes) {
            seen = now;
            report(now, new RuleSource.TooLarge(now.size, maxFileBytes).getMessage());
            return;
        }
        byte[] content;
        try {
            content = RuleSource.readAtMost(file, maxFileBytes);
        } catch (RuleSource.TooLarge e) {
            seen = now;
            report(now, e.getMessage());
            return;
        } catch (IOException e) {
            report(now, "cannot read it (" + ConfigException.printable(String.valueOf(e)) + ")");
            return;
        } catch (OutOfMemoryError e) {
            seen = now; // the array is garbage already; retrying would fail the same way
            report(now, "not enough heap to read it (" + e + ")");
            return;
        }
        seen = now;
        byte[] digest = FileState.digest(content);
        if (Arrays.equals(digest, tried)) {
            return; // touched, or rewritten with the same bytes
        }
        tried = digest;
        String error = manager.reload(content);
        if (error != null) {
            report(now, error);
        }
    }

    /** A failure the poll did not expect: said once for the file as the poll found it, which is not read again. */
    private void failed(Throwable t) {
        FileState at = looking == null ? FileState.MISSING : looking;
        seen = looking;
        report(at, "could not be checked (" + ConfigException.printable(String.valueOf(t)) + ")");
    }

    private void report(FileState state, String reason) {
        if (state.sameAs(reported)) {
            return;
        }
        reported = state;
        manager.rejected(file, reason);
    }
}
