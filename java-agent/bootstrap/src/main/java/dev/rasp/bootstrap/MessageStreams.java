package dev.rasp.bootstrap;

import java.io.FilterInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Streaming WebSocket payloads ({@code @OnMessage} with a Reader or InputStream parameter): the
 * handler gets a stream that captures what it reads into the message's context, each line as
 * it completes and the whole payload when the stream ends or is closed. Bytes are decoded as the
 * handler's own {@code new String(bytes, UTF_8)} does them, a malformed sequence as U+FFFD. A
 * payload is kept up to 1 MiB; what the handler reads past that marks the message overflowed, so
 * its checks get the configured overflow verdict (the message is a request of its own, with the
 * input budget of one), unless the payload is binary (bytes that are not UTF-8): then, as an HTTP
 * upload's, it is judged on what is kept and the rest is dropped.
 */
final class MessageStreams {

    private MessageStreams() {
    }

    private static final int KEEP = 1 << 20;

    /** The handler's arguments with Reader and InputStream payloads wrapped; null when there are none. */
    static Object[] wrap(Object[] args, RequestContext context) {
        Object[] out = null;
        for (int i = 0; args != null && i < args.length; i++) {
            Object a = args[i];
            Object w = a instanceof Reader && !(a instanceof CapturingReader) ? new CapturingReader((Reader) a, context)
                    : a instanceof InputStream && !(a instanceof CapturingStream) ? new CapturingStream((InputStream) a, context)
                    : null;
            if (w != null) {
                if (out == null) {
                    out = args.clone();
                }
                out[i] = w;
            }
        }
        return out;
    }

    /** Lines and the whole text as they complete. Not thread-safe: one reader is read by one thread. */
    private static final class Text {
        private final RequestContext context;
        private final StringBuilder whole = new StringBuilder();
        private int lineStart;
        private boolean done;
        /** Bytes that are not UTF-8 were read: binary data, whose rest past the limit is not input. */
        boolean binary;

        Text(RequestContext context) {
            this.context = context;
        }

        void add(CharSequence chars) {
            int room = KEEP - whole.length();
            if (done) {
                return;
            }
            if (room < chars.length() && !binary) {
                context.inputDropped();
            }
            if (room <= 0) {
                return;
            }
            int from = whole.length();
            whole.append(chars, 0, Math.min(room, chars.length()));
            for (int i = from; i < whole.length(); i++) {
                if (whole.charAt(i) == '\n') {
                    line(i);
                    lineStart = i + 1;
                }
            }
        }

        private void line(int end) {
            int e = end > lineStart && whole.charAt(end - 1) == '\r' ? end - 1 : end;
            if (e > lineStart) {
                context.capture(InputSources.WEBSOCKET, "message", whole.substring(lineStart, e));
            }
        }

        void end() {
            if (done) {
                return;
            }
            done = true;
            if (lineStart > 0) {
                line(whole.length());
            }
            context.capture(InputSources.WEBSOCKET, "message", whole.toString());
        }
    }

    static final class CapturingReader extends FilterReader {
        private final Text text;

        CapturingReader(Reader in, RequestContext context) {
            super(in);
            text = new Text(context);
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c < 0) {
                text.end();
            } else {
                text.add(String.valueOf((char) c));
            }
            return c;
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            int n = super.read(cbuf, off, len);
            if (n < 0) {
                text.end();
            } else if (n > 0) {
                text.add(java.nio.CharBuffer.wrap(cbuf, off, n));
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            text.end();
            super.close();
        }
    }

    /** Bytes are decoded as UTF-8 line by line, malformed sequences as U+FFFD. */
    static final class CapturingStream extends FilterInputStream {
        private final Text text;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        CapturingStream(InputStream in, RequestContext context) {
            super(in);
            text = new Text(context);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                finish();
            } else {
                bytes(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
                finish();
            } else if (n > 0) {
                bytes(b, off, n);
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            finish();
            super.close();
        }

        private void bytes(byte[] b, int off, int n) {
            if (pending.size() > KEEP) {
                return; // the flush's text tells Text it went past the limit
            }
            for (int i = off; i < off + n; i++) {
                pending.write(b[i]);
                if (b[i] == '\n') {
                    flush();
                }
            }
        }

        private void flush() {
            // whole lines only (a line break never falls inside a UTF-8 sequence), so no character is split
            byte[] bytes = pending.toByteArray();
            pending.reset();
            String s = new String(bytes, StandardCharsets.UTF_8);
            text.binary |= s.indexOf('\uFFFD') >= 0 && !Arrays.equals(s.getBytes(StandardCharsets.UTF_8), bytes);
            text.add(s);
        }

        private void finish() {
            flush();
            text.end();
        }
    }
}
