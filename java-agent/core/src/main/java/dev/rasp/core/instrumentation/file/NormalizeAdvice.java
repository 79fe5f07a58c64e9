package dev.rasp.core.instrumentation.file;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Exit advice on the JDK's Path implementations and default file system where they normalise a
 * path: {@code normalize()}, {@code toRealPath(...)}, and {@code getPath(first, more...)} (which
 * {@code Path.of}, {@code Paths.get}, {@code File.toPath} and {@code Path.resolve(String)} reach;
 * it collapses {@code //}). The result is remembered for the request's later file checks; no
 * native call. Suppresses everything: remembering must never change what the call returns.
 */
public final class NormalizeAdvice {

    private NormalizeAdvice() {
    }

    /** UnixPath/WindowsPath normalize() and toRealPath(LinkOption...). */
    public static final class Normalized {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object self, @Advice.Return Object result) {
            RaspBridge.onNormalized(null, self, result);
        }
    }

    /** UnixFileSystem/WindowsFileSystem getPath(String, String...). */
    public static final class GetPath {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) String first, @Advice.Argument(1) String[] more,
                                @Advice.Return Object result) {
            RaspBridge.onPathJoined(first, more, result);
        }
    }
}
