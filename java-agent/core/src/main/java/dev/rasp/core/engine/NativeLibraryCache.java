package dev.rasp.core.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The native library's per-user cache: {@code <rasp.native.dir>/rasp-native-<user>/librasp_jni-<crc>-<size>.so},
 * one file per library content, extracted by the first start and loaded in place by later ones.
 *
 * <p>Why it is safe to load from there:
 * <ul>
 *   <li>The cache directory must be a real directory (not a link) owned by this user and writable by
 *       nobody else, and its parent must be owned by this user or root and, when others may write to it,
 *       sticky (as {@code /tmp} is), so no other user can rename the directory away and put another in its
 *       place. A directory that fails any of this (another user created it first, say) is not used: the
 *       caller extracts into a fresh private directory instead.</li>
 *   <li>The file is written under a temporary name in that directory, checked against the size and CRC-32
 *       that rasp.jar's directory records for the entry, and renamed into place atomically: a concurrent
 *       start sees either no file or a whole one, and two starts writing at once each rename a complete,
 *       identical copy.</li>
 *   <li>A cached file is used only when it is a regular file owned by this user, writable by nobody else,
 *       and its size and CRC-32 match the entry in rasp.jar; otherwise it is written again. The name
 *       carries the same CRC and size, so agent versions never share a file.</li>
 * </ul>
 * Only this user (or root) can change the file after the check, and they could change rasp.jar as well.
 *
 * <p>Old versions are pruned: every start that uses the cache marks its own file as used (its
 * modification time, at most once an hour) and removes the files of other library contents in the
 * same directory that no start has used for {@link #UNUSED_MAX_MILLIS} (7 days). A JVM still running
 * an old version keeps its library: Linux keeps a mapped file's pages after the name is gone. A start
 * of an old version that loses the race (its file removed between its check and its load) falls back to
 * a private extraction, and a later start extracts it again; the file this JVM uses is never removed.
 */
final class NativeLibraryCache {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_ATTR =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    private static final int S_ISVTX = 01000;
    /** A temporary file older than this is a leftover of a start that was killed while writing. */
    private static final long STALE_TEMP_MILLIS = TimeUnit.MINUTES.toMillis(10);
    /** Another library content's file that no start has used for this long is removed. */
    static final long UNUSED_MAX_MILLIS = TimeUnit.DAYS.toMillis(7);
    /** How often a start refreshes its file's modification time (its "last used" mark). */
    private static final long MARK_USED_EVERY_MILLIS = TimeUnit.HOURS.toMillis(1);

    /** Why the cache cannot be used; the caller falls back to a private directory. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String why) {
            super(why);
        }
    }

    /** The cached library and whether this call wrote it. */
    static final class Entry {
        final Path file;
        final boolean extracted;

        Entry(Path file, boolean extracted) {
            this.file = file;
            this.extracted = extracted;
        }
    }

    private NativeLibraryCache() {
    }

    /**
     * The verified cached copy of {@code resource} from rasp.jar, written first if needed.
     *
     * @return null when rasp.jar has no such entry
     * @throws Unusable when the cache directory cannot be trusted or written (the caller extracts privately)
     */
    static Entry get(String agentJar, String resource, Path base) throws Unusable, IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("unix")) {
            throw new Unusable("the file system has no POSIX owners and modes");
        }
        try (JarFile jar = new JarFile(agentJar, false)) {
            JarEntry entry = jar.getJarEntry(resource);
            if (entry == null) {
                return null;
            }
            long size = entry.getSize();
            long crc = entry.getCrc();
            if (size < 0 || crc < 0) {
                throw new Unusable("rasp.jar records no size or CRC for " + resource);
            }
            UserPrincipal me = currentUser();
            Path dir = directory(base, me);
            Path file = dir.resolve(fileName(resource, crc, size));
            boolean extracted = false;
            if (isIntact(file, me, size, crc)) {
                markUsed(file, System.currentTimeMillis());
            } else {
                write(jar, entry, dir, file, size, crc);
                extracted = true;
            }
            pruneOtherVersions(dir, file, me, System.currentTimeMillis());
            return new Entry(file, extracted);
        }
    }

    /** {@code librasp_jni-<crc>-<size>.so} for {@code native/<platform>/librasp_jni.so}. */
    static String fileName(String resource, long crc, long size) {
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        String hex = Long.toHexString(crc);
        return stem + "-" + "00000000".substring(hex.length()) + hex + "-" + size + ext;
    }

    /** {@code rasp-native-<user>}, with anything but letters, digits, '-', '_' and '.' replaced. */
    static String directoryName(String user) {
        StringBuilder b = new StringBuilder("rasp-native-");
        for (int i = 0; i < user.length() && i < 64; i++) {
            char c = user.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || (c == '.' && i > 0);
            b.append(plain ? c : '_');
        }
        return b.toString();
    }

    static UserPrincipal currentUser() throws Unusable {
        String name = System.getProperty("user.name", "");
        if (name.isEmpty() || name.equals("?")) {
            throw new Unusable("user.name is not known");
        }
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
        } catch (IOException | UnsupportedOperationException e) {
            throw new Unusable("cannot look up user " + name + " (" + e + ")");
        }
    }

    /** The cache directory under {@code base}, created if missing, checked as the class doc says. */
    static Path directory(Path base, UserPrincipal me) throws Unusable, IOException {
        Path parent = base.toRealPath();
        int parentMode = mode(parent);
        int parentUid = (Integer) Files.getAttribute(parent, "unix:uid");
        if (parentUid != 0 && !Files.getOwner(parent).equals(me)) {
            throw new Unusable(parent + " belongs to another user");
        }
        if ((parentMode & 0022) != 0 && (parentMode & S_ISVTX) == 0) {
            throw new Unusable(parent + " is writable by others and not sticky");
        }
        Path dir = parent.resolve(directoryName(System.getProperty("user.name", "")));
        try {
            Files.createDirectory(dir, OWNER_ONLY_ATTR);
        } catch (FileAlreadyExistsException exists) {
            // checked below like a new one: it may be someone else's
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            throw new Unusable(dir + " is not a directory");
        }
        if (!a.owner().equals(me)) {
            throw new Unusable(dir + " belongs to " + a.owner().getName());
        }
        if (!OWNER_ONLY.containsAll(a.permissions()) || !a.permissions().contains(PosixFilePermission.OWNER_WRITE)) {
            throw new Unusable(dir + " is open to others (" + PosixFilePermissions.toString(a.permissions()) + ")");
        }
        return dir;
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode");
    }

    static boolean isIntact(Path file, UserPrincipal me, long size, long crc) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException missing) {
            return false;
        }
        if (!a.isRegularFile() || !a.owner().equals(me) || a.size() != size
                || a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return crcOf(in, null) == crc;
        }
    }

    private static void write(JarFile jar, JarEntry entry, Path dir, Path file, long size, long crc)
            throws IOException {
        removeStaleTemporaries(dir);
        Path tmp = Files.createTempFile(dir, ".tmp-", ".part", OWNER_ONLY_ATTR);
        try {
            long written;
            try (InputStream in = jar.getInputStream(entry);
                 OutputStream out = Files.newOutputStream(tmp, LinkOption.NOFOLLOW_LINKS)) {
                written = crcOf(in, out);
            }
            if (written != crc || Files.size(tmp) != size) {
                throw new IOException("the extracted library does not match rasp.jar's CRC or size");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void removeStaleTemporaries(Path dir) {
        long cutoff = System.currentTimeMillis() - STALE_TEMP_MILLIS;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, ".tmp-*.part")) {
            for (Path p : parts) {
                if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() < cutoff) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // tidying only
        }
    }

    /** Records that a start used {@code file}, so that no other version's start prunes it. */
    static void markUsed(Path file, long now) {
        try {
            if (Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis() < now - MARK_USED_EVERY_MILLIS) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(now));
            }
        } catch (IOException | RuntimeException ignored) {
            // at worst another version's start prunes it and the next start extracts it again
        }
    }

    /**
     * Removes the files of other contents of the same library ({@code <stem>-<crc>-<size><ext>}, as
     * {@link #fileName} names them) that are regular files of this user unused for {@link #UNUSED_MAX_MILLIS}.
     * Never {@code keep}; anything else in the directory is left alone. Tidying only: never throws.
     *
     * @return how many files were removed
     */
    static int pruneOtherVersions(Path dir, Path keep, UserPrincipal me, long now) {
        String name = keep.getFileName().toString();
        Matcher own = VERSIONED.matcher(name);
        if (!own.matches()) {
            return 0;
        }
        String stem = own.group(1);
        String ext = own.group(2);
        long cutoff = now - UNUSED_MAX_MILLIS;
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String other = p.getFileName().toString();
                Matcher m = VERSIONED.matcher(other);
                if (other.equals(name) || !m.matches() || !m.group(1).equals(stem) || !java.util.Objects.equals(m.group(2), ext)) {
                    continue;
                }
                try {
                    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile() && a.owner().equals(me) && a.lastModifiedTime().toMillis() < cutoff
                            && Files.deleteIfExists(p)) {
                        removed++;
                    }
                } catch (IOException | RuntimeException raced) {
                    // removed or replaced by a concurrent start: nothing to do
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // tidying only
        }
        return removed;
    }

    /** {@code <stem>-<8 hex digits>-<size><ext>}: what {@link #fileName} makes. */
    private static final Pattern VERSIONED = Pattern.compile("(.+)-[0-9a-f]{8}-[0-9]+(\\.[^.\\-]+)?");

    /** CRC-32 of everything {@code in} gives, copied to {@code out} when not null. */
    private static long crcOf(InputStream in, OutputStream out) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            crc.update(buf, 0, n);
            if (out != null) {
                out.write(buf, 0, n);
            }
        }
        return crc.getValue();
    }
}
