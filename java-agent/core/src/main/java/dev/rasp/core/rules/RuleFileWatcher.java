package dev.rasp.core.rules;

import dev.rasp.core.AgentLog;
import dev.rasp.core.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
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
 * <p>Each poll looks at size and modification time; only when they moved is the file read and
 * hashed, and only a new digest is handed to the engine. A rejected file (garbage, or one caught
 * mid-write, which fails the file's checksum) is not tried again until it changes again: the
 * writer finishing changes its size or time, and the next poll picks it up.
 */
final class RuleFileWatcher implements Runnable {

    static final String THREAD_NAME = "rasp-rules-watcher";

    private final RuleSetManager manager;
    private final Path file;
    private final long periodMillis;

    /** What the last poll saw; null when the file could not be looked at. */
    private FileState seen;
    /** Digest of the last content handed to the engine (accepted or rejected). */
    private byte[] tried;
    /** The file was unreadable at the last poll (logged once per outage). */
    private boolean unreadable;

    RuleFileWatcher(RuleSetManager manager, Path file, int periodSeconds, FileState seenAtStart, byte[] loadedDigest) {
        this.manager = manager;
        this.file = file;
        this.periodMillis = TimeUnit.SECONDS.toMillis(periodSeconds);
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
            try {
                poll();
            } catch (Throwable t) {
                // Never let the watcher die silently: protection goes on with the set in use.
                AgentLog.info("rules file " + file + " could not be checked (" + t + "); keeping "
                        + manager.currentId());
            }
        }
    }

    /** One look at the file; reloads when its content changed. */
    void poll() {
        FileState now;
        byte[] content;
        try {
            now = FileState.of(file);
            if (now.sameAs(seen)) {
                return;
            }
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            if (!unreadable) {
                unreadable = true;
                manager.rejected(file, "cannot read it (" + ConfigException.printable(String.valueOf(e)) + ")");
            }
            seen = null;
            return;
        }
        unreadable = false;
        seen = now;
        byte[] digest = FileState.digest(content);
        if (Arrays.equals(digest, tried)) {
            return; // touched, or rewritten with the same bytes
        }
        tried = digest;
        manager.reload(file, content);
    }
}
