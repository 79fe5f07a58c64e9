package dev.rasp.core.instrumentation.file;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

import java.io.File;

/**
 * Advice for java.io.File's metadata methods (existence, size, times, permissions: what they
 * answer tells what exists), inlined at their start, and for the calls that normalise a path
 * (the constructors collapsing {@code //}, getCanonicalPath), inlined at their exit. Each class
 * names its PathApi code; the op is METADATA. Not suppressing: RaspBlockedException must stop the
 * call (the application sees it thrown from File.exists() and the like).
 */
public final class FileMetadataAdvice {

    private FileMetadataAdvice() {
    }

    public static final class Exists {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_EXISTS, PathOp.METADATA, file);
        }
    }

    public static final class IsFile {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_IS_FILE, PathOp.METADATA, file);
        }
    }

    public static final class IsDirectory {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_IS_DIRECTORY, PathOp.METADATA, file);
        }
    }

    public static final class Length {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_LENGTH, PathOp.METADATA, file);
        }
    }

    public static final class LastModified {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_LAST_MODIFIED, PathOp.METADATA, file);
        }
    }

    public static final class CanRead {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_CAN_READ, PathOp.METADATA, file);
        }
    }

    public static final class CanWrite {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_CAN_WRITE, PathOp.METADATA, file);
        }
    }

    public static final class CanExecute {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_CAN_EXECUTE, PathOp.METADATA, file);
        }
    }

    public static final class IsHidden {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_IS_HIDDEN, PathOp.METADATA, file);
        }
    }

    public static final class SetReadable {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_SET_READABLE, PathOp.METADATA, file);
        }
    }

    public static final class SetWritable {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_SET_WRITABLE, PathOp.METADATA, file);
        }
    }

    public static final class SetExecutable {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_SET_EXECUTABLE, PathOp.METADATA, file);
        }
    }

    public static final class SetLastModified {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_SET_LAST_MODIFIED, PathOp.METADATA, file);
        }
    }

    public static final class SetReadOnly {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_SET_READ_ONLY, PathOp.METADATA, file);
        }
    }

    /** File(String): the constructor collapses {@code //} (and drops a trailing separator). */
    public static final class FromString {
        @Advice.OnMethodExit
        public static void exit(@Advice.Argument(0) String pathname, @Advice.This File self) {
            RaspBridge.onNormalized(null, pathname, self);
        }
    }

    /** File(String parent, String child) and File(File parent, String child). */
    public static final class FromParentAndChild {
        @Advice.OnMethodExit
        public static void exit(@Advice.Argument(0) Object parent, @Advice.Argument(1) String child,
                                @Advice.This File self) {
            RaspBridge.onNormalized(parent, child, self);
        }
    }

    /** getCanonicalPath(); getCanonicalFile() calls it. */
    public static final class CanonicalPath {
        @Advice.OnMethodExit
        public static void exit(@Advice.This File self, @Advice.Return String result) {
            RaspBridge.onNormalized(null, self, result);
        }
    }

    /** mkdirs(): the existence checks inside it are the JDK's own (see RaspBridge.fileInternalsEnter). */
    public static final class Mkdirs {
        @Advice.OnMethodEnter
        public static void enter() {
            RaspBridge.fileInternalsEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit() {
            RaspBridge.fileInternalsExit();
        }
    }
}
