package dev.rasp.core.instrumentation.file;

import dev.rasp.bootstrap.RaspBridge;
import net.bytebuddy.asm.Advice;

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
}
