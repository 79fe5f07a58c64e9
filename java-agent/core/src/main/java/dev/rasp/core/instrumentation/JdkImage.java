package dev.rasp.core.instrumentation;


import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;

/**
 * The JDK's class files read from its runtime image ({@code lib/modules}) with positional reads
 * instead of through the class loaders.
 *
 * <p>Why: the JDK serves its class files from a memory mapping of the whole image, and every page a
 * read touches stays in the process's resident set (with the kernel's fault-around, 64 KiB per read
 * in practice). The agent's pre-filter and type pools read a few hundred JDK class files at start
 * (super types not yet loaded, the constants of the JDK's executor classes), which left about 4 MiB
 * of the image resident that the application never needed. Read with {@code pread}, the same bytes
 * come from the page cache and nothing stays mapped.
 *
 * <p>The image format is the JDK's own ({@code jdk.internal.jimage}, version 1.0 since Java 9): a
 * header, a perfect-hash table of resource names (the redirect and offset tables), the attributes of
 * each location, a string table, then the resources. A class file is found by hashing its full name
 * ({@code /module/package/Name.class}), checked against the location's own name, and returned only
 * when stored uncompressed. Anything unexpected (no image, another version, a compressed image, a
 * name that does not check) answers "not here", and the caller reads the class file as before.
 */
public final class JdkImage implements ClassFiles.Source {

    private static final int MAGIC = 0xCAFEDADA;
    private static final int HASH_MULTIPLIER = 0x01000193;
    private static final int HEADER_SIZE = 7 * 4;
    private static final int MODULE = 1;
    private static final int PARENT = 2;
    private static final int BASE = 3;
    private static final int EXTENSION = 4;
    private static final int OFFSET = 5;
    private static final int COMPRESSED = 6;
    private static final int UNCOMPRESSED = 7;
    /** Larger class files are not expected in the JDK; a larger size means a damaged location. */
    private static final long MAX_CLASS_FILE = 16L << 20;

    private final File file;
    /**
     * Positional reads are thread-safe, but a read on a thread whose interrupt flag is set closes a
     * {@code FileChannel} for every thread (the flag stays set for the application); the channel is
     * then opened again ({@link #reopen}) and that one read goes through the class loaders.
     */
    private volatile FileChannel image;
    private final ByteOrder order;
    private final int tableLength;
    private final long redirectAt;
    private final long offsetsAt;
    private final long locationsAt;
    private final long stringsAt;
    private final long stringsSize;
    private final long resourcesAt;

    private JdkImage(File file, FileChannel image, ByteOrder order, int tableLength, int locationsSize, int stringsSize) {
        this.file = file;
        this.image = image;
        this.order = order;
        this.tableLength = tableLength;
        this.redirectAt = HEADER_SIZE;
        this.offsetsAt = redirectAt + 4L * tableLength;
        this.locationsAt = offsetsAt + 4L * tableLength;
        this.stringsAt = locationsAt + (locationsSize & 0xFFFFFFFFL);
        this.stringsSize = stringsSize & 0xFFFFFFFFL;
        this.resourcesAt = stringsAt + this.stringsSize;
    }

    /** The running JDK's image, opened on first use (one descriptor for the life of the JVM). */
    private static final class Running {
        static final JdkImage IMAGE = JdkTypes.READ_THROUGH_LOADERS ? null : ofRunningJdk();
        static final ClassFiles.Source SYSTEM = ClassFiles.of(ClassLoader.getSystemClassLoader());
        static final ClassFiles.Source ALL = IMAGE == null ? SYSTEM : ClassFiles.either(IMAGE, SYSTEM);
    }

    /**
     * The JDK's class files: from the running JDK's image where it can be read so, else (and for
     * what it does not hold) through the system class loader, as before.
     */
    static ClassFiles.Source classFiles() {
        return Running.ALL;
    }

    /** The running JDK's image, or null when it has none this reader can read (Java 8, an exploded build). */
    static JdkImage ofRunningJdk() {
        String home = System.getProperty("java.home");
        return home == null ? null : open(new File(new File(home, "lib"), "modules"));
    }

    static JdkImage open(File file) {
        if (!file.isFile()) {
            return null;
        }
        FileChannel channel = null;
        JdkImage image = null;
        try {
            channel = FileChannel.open(file.toPath(), StandardOpenOption.READ);
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
            readFully(channel, header, 0);
            ByteOrder order = header.order(ByteOrder.LITTLE_ENDIAN).getInt(0) == MAGIC ? ByteOrder.LITTLE_ENDIAN
                    : header.order(ByteOrder.BIG_ENDIAN).getInt(0) == MAGIC ? ByteOrder.BIG_ENDIAN : null;
            if (order != null) {
                header.order(order);
                int version = header.getInt(4);
                int tableLength = header.getInt(16);
                if (version >>> 16 == 1 && (version & 0xFFFF) == 0 && tableLength > 0) {
                    image = new JdkImage(file, channel, order, tableLength, header.getInt(20), header.getInt(24));
                }
            }
            return image;
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            if (image == null && channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing was read from it
                }
            }
        }
    }

    /**
     * The class file of a class of the given module, or null when the image does not hold it
     * uncompressed (then read it as before).
     *
     * @param module       the module's name, {@code java.base}
     * @param internalName the class's internal name, {@code java/util/concurrent/Executor}
     */
    byte[] classFile(String module, String internalName) {
        try {
            String fullName = "/" + module + "/" + internalName + ".class";
            int hash = hash(fullName, HASH_MULTIPLIER);
            int redirect = readInt(redirectAt + 4L * (hash % tableLength));
            int index;
            if (redirect < 0) {
                index = -redirect - 1;
            } else if (redirect > 0) {
                index = hash(fullName, redirect) % tableLength;
            } else {
                return null;
            }
            if (index < 0 || index >= tableLength) {
                return null;
            }
            long[] attributes = attributes(readInt(offsetsAt + 4L * index) & 0xFFFFFFFFL);
            if (attributes == null || !fullName.equals(nameOf(attributes)) || attributes[COMPRESSED] != 0) {
                return null;
            }
            long size = attributes[UNCOMPRESSED];
            if (size <= 0 || size > MAX_CLASS_FILE) {
                return null;
            }
            ByteBuffer content = ByteBuffer.allocate((int) size);
            readFully(image, content, resourcesAt + attributes[OFFSET]);
            return content.array();
        } catch (java.nio.channels.ClosedChannelException interruptedHereOrElsewhere) {
            reopen();
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Replaces a channel an interrupted reader closed (once, whichever thread gets here first). */
    private synchronized void reopen() {
        if (image.isOpen()) {
            return;
        }
        try {
            image = FileChannel.open(file.toPath(), StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            // stays closed: every later read goes through the class loaders, as before
        }
    }

    /** The JDK's classes by binary name, the module found from the package; the channel stays open for the life of the JVM. */
    @Override
    public byte[] classFile(String binaryName) {
        String internalName = binaryName.replace('.', '/');
        String module = JdkTypes.moduleOf(internalName);
        return module == null ? null : classFile(module, internalName);
    }

    /** The location's attributes by kind, or null when they do not parse. */
    private long[] attributes(long at) throws IOException {
        long[] attributes = new long[8];
        ByteBuffer b = ByteBuffer.allocate(64);
        int n = image.read(b, locationsAt + at);
        for (int i = 0; i < n; ) {
            int data = b.get(i++) & 0xFF;
            int kind = data >>> 3;
            if (kind == 0) {
                return attributes;
            }
            int length = (data & 0x7) + 1;
            if (kind >= attributes.length || i + length > n) {
                return null;
            }
            long value = 0;
            for (int k = 0; k < length; k++) {
                value = (value << 8) | (b.get(i++) & 0xFF);
            }
            attributes[kind] = value;
        }
        return null;
    }

    private String nameOf(long[] attributes) throws IOException {
        StringBuilder name = new StringBuilder(64);
        if (attributes[MODULE] != 0) {
            name.append('/').append(string(attributes[MODULE])).append('/');
        }
        if (attributes[PARENT] != 0) {
            name.append(string(attributes[PARENT])).append('/');
        }
        name.append(string(attributes[BASE]));
        if (attributes[EXTENSION] != 0) {
            name.append('.').append(string(attributes[EXTENSION]));
        }
        return name.toString();
    }

    /** A NUL-terminated string of the string table (modified UTF-8; class and module names are UTF-8 alike). */
    private String string(long offset) throws IOException {
        if (offset < 0 || offset >= stringsSize) {
            throw new IOException("string offset " + offset + " outside the table");
        }
        ByteBuffer b = ByteBuffer.allocate(256);
        int n = image.read(b, stringsAt + offset);
        for (int i = 0; i < n; i++) {
            if (b.get(i) == 0) {
                return new String(b.array(), 0, i, StandardCharsets.UTF_8);
            }
        }
        throw new IOException("string at " + offset + " longer than 256 bytes");
    }

    private int readInt(long position) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(order);
        readFully(image, b, position);
        return b.getInt(0);
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position + into.position());
            if (n < 0) {
                throw new IOException("end of the image at " + (position + into.position()));
            }
        }
    }

    /** The image's name hash (jlink's perfect hash), over the name's bytes; class and module names are ASCII or UTF-8. */
    static int hash(String name, int seed) {
        int h = seed;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h * HASH_MULTIPLIER) ^ (b & 0xFF);
        }
        return h & 0x7FFFFFFF;
    }
}
