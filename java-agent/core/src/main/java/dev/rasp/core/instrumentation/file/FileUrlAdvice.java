package dev.rasp.core.instrumentation.file;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * A file: URL opened: sun.net.www.protocol.file.FileURLConnection.connect(), which
 * URL.openStream(), getInputStream() and the header methods (length, last modified: an existence
 * oracle too) reach before the file is touched. Inlined at its start; the core turns the
 * connection into the path its handler opens. Not suppressing: RaspBlockedException must stop it.
 */
public final class FileUrlAdvice {

    private FileUrlAdvice() {
    }

    public static final class Connect {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Object connection) {
            RaspBridge.onPath(PathApi.FILE_URL_CONNECT, PathOp.READ, connection);
        }
    }
}
