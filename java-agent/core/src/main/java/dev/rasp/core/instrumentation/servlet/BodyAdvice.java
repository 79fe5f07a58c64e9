package dev.rasp.core.instrumentation.servlet;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

import java.nio.ByteBuffer;

/**
 * Request body reads, one advice class per method shape. Enter records the nesting level; exit
 * passes what the method actually returned to the application (only the outermost read counts).
 */
public final class BodyAdvice {

    private BodyAdvice() {
    }

    /** InputStream.read(byte[], int, int) and ServletInputStream.readLine(byte[], int, int). */
    public static final class ReadBytes {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return RaspBridge.bodyReadEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter int level, @Advice.Argument(0) byte[] b, @Advice.Argument(1) int off,
                                @Advice.Return int n) {
            RaspBridge.onBodyBytes(level, b, off, n);
        }
    }

    /** InputStream.read(byte[]). */
    public static final class ReadByteArray {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return RaspBridge.bodyReadEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter int level, @Advice.Argument(0) byte[] b, @Advice.Return int n) {
            RaspBridge.onBodyBytes(level, b, 0, n);
        }
    }

    /** InputStream.read(). */
    public static final class ReadByte {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return RaspBridge.bodyReadEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter int level, @Advice.Return int value, @Advice.Thrown Throwable thrown) {
            RaspBridge.onBodyByte(level, thrown == null ? value : -1);
        }
    }

    /** ServletInputStream.read(ByteBuffer) (Servlet 6.1). */
    public static final class ReadBuffer {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return RaspBridge.bodyReadEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter int level, @Advice.Argument(0) ByteBuffer buffer, @Advice.Return int n) {
            RaspBridge.onBodyBuffer(level, buffer, n);
        }
    }

    /** Reader.read(char[], int, int). */
    public static final class ReadChars {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return RaspBridge.bodyReadEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter int level, @Advice.Argument(0) char[] c, @Advice.Argument(1) int off,
                                @Advice.Return int n) {
            RaspBridge.onBodyChars(level, c, off, n);
        }
    }

    /** Reader.read(char[]). */
    public static final class ReadCharArray {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return RaspBridge.bodyReadEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter int level, @Advice.Argument(0) char[] c, @Advice.Return int n) {
            RaspBridge.onBodyChars(level, c, 0, n);
        }
    }

    /** Reader.read(). */
    public static final class ReadChar {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return RaspBridge.bodyReadEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter int level, @Advice.Return int value, @Advice.Thrown Throwable thrown) {
            RaspBridge.onBodyChar(level, thrown == null ? value : -1);
        }
    }

    /** BufferedReader.readLine(). */
    public static final class ReadLine {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return RaspBridge.bodyReadEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter int level, @Advice.Return String line) {
            RaspBridge.onBodyLine(level, line);
        }
    }
}
