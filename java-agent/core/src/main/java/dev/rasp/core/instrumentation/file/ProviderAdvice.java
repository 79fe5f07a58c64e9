package dev.rasp.core.instrumentation.file;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Advice for the JDK's java.nio.file.spi.FileSystemProvider implementations, inlined at the
 * start of each method. Parameters are typed Object: the advice only passes them on, and the
 * core turns a Path into its string. Not suppressing: RaspBlockedException must stop the access.
 */
public final class ProviderAdvice {

    private ProviderAdvice() {
    }

    /** newByteChannel(Path, Set<OpenOption>, FileAttribute...): Files.newByteChannel, readAllBytes, write, lines, ... */
    public static final class NewByteChannel {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path, @Advice.Argument(1) Object options) {
            RaspBridge.onPathOpen(PathApi.NEW_BYTE_CHANNEL, path, options);
        }
    }

    /** newFileChannel(Path, Set<OpenOption>, FileAttribute...): FileChannel.open. */
    public static final class NewFileChannel {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path, @Advice.Argument(1) Object options) {
            RaspBridge.onPathOpen(PathApi.NEW_FILE_CHANNEL, path, options);
        }
    }

    /** newDirectoryStream(Path, Filter): Files.list, walk, find, newDirectoryStream. */
    public static final class NewDirectoryStream {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.NEW_DIRECTORY_STREAM, PathOp.LIST, path);
        }
    }

    /** delete(Path) and deleteIfExists(Path). */
    public static final class Delete {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.DELETE, PathOp.DELETE, path);
        }
    }

    public static final class Copy {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object source, @Advice.Argument(1) Object target) {
            RaspBridge.onPathPair(PathApi.COPY, PathOp.READ, source, PathOp.WRITE, target);
        }
    }

    public static final class Move {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object source, @Advice.Argument(1) Object target) {
            RaspBridge.onPathPair(PathApi.MOVE, PathOp.DELETE, source, PathOp.WRITE, target);
        }
    }

    public static final class CreateDirectory {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.CREATE_DIRECTORY, PathOp.WRITE, path);
        }
    }

    /** Only where a provider overrides it (zipfs); the default one opens a byte channel. */
    public static final class NewInputStream {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.NEW_INPUT_STREAM, PathOp.READ, path);
        }
    }

    /** Only where a provider overrides it (zipfs); the default one opens a byte channel. */
    public static final class NewOutputStream {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.NEW_OUTPUT_STREAM, PathOp.WRITE, path);
        }
    }

    // ------------------------------------------------------------------ metadata and links

    /** checkAccess(Path, AccessMode...): Files.exists/notExists/isReadable/isWritable/isExecutable (JDK 17). */
    public static final class CheckAccess {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.CHECK_ACCESS, PathOp.METADATA, path);
        }
    }

    /** exists(Path) (JDK 17), exists(Path, LinkOption...) (JDK 20+), isReadable/isWritable/isExecutable(Path) (JDK 20+). */
    public static final class Exists {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.EXISTS, PathOp.METADATA, path);
        }
    }

    /**
     * readAttributes(Path, Class|String, LinkOption...), readAttributesIfExists (JDK 20+),
     * isDirectory/isRegularFile(Path) (JDK 17): Files.size, getLastModifiedTime, readAttributes,
     * getAttribute, isDirectory, isRegularFile, walk and find.
     */
    public static final class ReadAttributes {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.READ_ATTRIBUTES, PathOp.METADATA, path);
        }
    }

    /** getFileAttributeView(Path, Class|String, LinkOption...): Files.setLastModifiedTime, setPosixFilePermissions, getOwner, ... */
    public static final class GetFileAttributeView {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.GET_FILE_ATTRIBUTE_VIEW, PathOp.METADATA, path);
        }
    }

    /** setAttribute(Path, String, Object, LinkOption...): Files.setAttribute. */
    public static final class SetAttribute {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.SET_ATTRIBUTE, PathOp.METADATA, path);
        }
    }

    public static final class IsHidden {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.IS_HIDDEN, PathOp.METADATA, path);
        }
    }

    /** createLink(link, existing): the new name, then the file it names. */
    public static final class CreateLink {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object link, @Advice.Argument(1) Object existing) {
            RaspBridge.onPathPair(PathApi.CREATE_LINK, PathOp.LINK, link, PathOp.LINK, existing);
        }
    }

    /** createSymbolicLink(link, target, attrs): the new name, then the target as written (relative to the link's directory). */
    public static final class CreateSymbolicLink {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object link, @Advice.Argument(1) Object target) {
            RaspBridge.onPathPair(PathApi.CREATE_SYMBOLIC_LINK, PathOp.LINK, link, PathOp.LINK, target);
        }
    }

    public static final class ReadSymbolicLink {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object path) {
            RaspBridge.onPath(PathApi.READ_SYMBOLIC_LINK, PathOp.LINK, path);
        }
    }
}
