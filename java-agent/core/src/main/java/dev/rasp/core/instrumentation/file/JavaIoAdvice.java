package dev.rasp.core.instrumentation.file;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

import java.io.File;

/**
 * Advice for java.io: inlined at the start of the constructors (before the super constructor
 * runs, so a block leaves no half-made stream and no open descriptor) and of the File methods.
 * Not suppressing: RaspBlockedException must stop the access.
 */
public final class JavaIoAdvice {

    private JavaIoAdvice() {
    }

    /** FileInputStream(File); FileInputStream(String) delegates to it. */
    public static final class FileInputStreamInit {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) File file) {
            RaspBridge.onPath(PathApi.FILE_INPUT_STREAM, PathOp.READ, file);
        }
    }

    /** FileOutputStream(File, boolean); the (String), (String, boolean) and (File) overloads delegate to it. */
    public static final class FileOutputStreamInit {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) File file) {
            RaspBridge.onPath(PathApi.FILE_OUTPUT_STREAM, PathOp.WRITE, file);
        }
    }

    /** RandomAccessFile(File, String); RandomAccessFile(String, String) delegates to it. */
    public static final class RandomAccessFileInit {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) File file, @Advice.Argument(1) String mode) {
            RaspBridge.onPathOpen(PathApi.RANDOM_ACCESS_FILE, file, mode);
        }
    }

    public static final class Delete {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_DELETE, PathOp.DELETE, file);
        }
    }

    /** list() and listFiles(), all overloads (on JDK 9+ each reads the directory itself). */
    public static final class List {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_LIST, PathOp.LIST, file);
        }
    }

    /** The file leaves its old name (as a move: delete) and takes the new one (write). */
    public static final class RenameTo {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file, @Advice.Argument(0) File dest) {
            RaspBridge.onPathPair(PathApi.FILE_RENAME_TO, PathOp.DELETE, file, PathOp.WRITE, dest);
        }
    }

    /** mkdir(); mkdirs() calls it. */
    public static final class Mkdir {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_MKDIR, PathOp.WRITE, file);
        }
    }

    public static final class CreateNewFile {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This File file) {
            RaspBridge.onPath(PathApi.FILE_CREATE_NEW_FILE, PathOp.WRITE, file);
        }
    }
}
