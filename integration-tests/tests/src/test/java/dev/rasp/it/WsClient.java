package dev.rasp.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client session (the JDK's {@code HttpClient.newWebSocketBuilder()}): send a text or binary message,
 * then await what the server does next: a (whole) text or binary message, a close (its code), a transport error, or
 * nothing within the timeout. Everything the server sends is queued in order.
 */
public final class WsClient implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(15);

    /** What came from the server. */
    enum Kind { TEXT, BINARY, CLOSED, ERROR, TIMEOUT }

    /** One thing from the server: a message (text; binary decoded as UTF-8), a close (code, reason), an error, a timeout. */
    record Reply(Kind kind, String text, int closeCode, Throwable error) {
        boolean isMessage() {
            return kind == Kind.TEXT || kind == Kind.BINARY;
        }

        @Override
        public String toString() {
            switch (kind) {
                case TEXT: return "text " + text;
                case BINARY: return "binary " + text;
                case CLOSED: return "close " + closeCode + (text == null || text.isEmpty() ? "" : " '" + text + "'");
                case ERROR: return "error " + error;
                default: return "nothing (timeout)";
            }
        }
    }

    private final URI uri;
    private final BlockingQueue<Reply> queue = new LinkedBlockingQueue<>();
    private final List<Reply> seen = new ArrayList<>();
    private final WebSocket ws;
    private volatile boolean closedByServer;

    private final Map<String, String> headers;

    private WsClient(URI uri, Map<String, String> headers) {
        this.uri = uri;
        this.headers = headers;
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();
            private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    queue.add(new Reply(Kind.TEXT, text.toString(), -1, null));
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                binary.writeBytes(b);
                if (last) {
                    queue.add(new Reply(Kind.BINARY, binary.toString(StandardCharsets.UTF_8), -1, null));
                    binary.reset();
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closedByServer = true;
                queue.add(new Reply(Kind.CLOSED, reason, statusCode, null));
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closedByServer = true;
                queue.add(new Reply(Kind.ERROR, null, -1, error));
            }
        };
        try {
            WebSocket.Builder b = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            headers.forEach(b::header);
            this.ws = b.buildAsync(uri, listener).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("WebSocket handshake with " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Opens a session (the handshake must succeed). */
    static WsClient connect(URI uri) {
        return new WsClient(uri, Map.of());
    }

    /** Opens a session whose handshake carries these headers too (e.g. X-User, Cookie). */
    static WsClient connect(URI uri, Map<String, String> headers) {
        return new WsClient(uri, headers);
    }

    /** ws://host:port/path[?k=v&..] of an application; values percent-encoded (a space as %20). */
    static URI uri(AppProcess app, String path, Map<String, String> query) {
        StringJoiner q = new StringJoiner("&");
        query.forEach((k, v) -> q.add(enc(k) + "=" + enc(v)));
        String base = app.baseUrl().replaceFirst("^http", "ws");
        return URI.create(base + path + (query.isEmpty() ? "" : "?" + q));
    }

    static String enc(String s) {
        return Http.enc(s).replace("+", "%20");
    }

    URI uri() {
        return uri;
    }

    /** Sends a whole text message; the next reply (or close, error, timeout). */
    Reply sendText(String message) {
        send(ws.sendText(message, true), "text " + message);
        return await(REPLY_TIMEOUT);
    }

    /** Sends a whole binary message; the next reply (or close, error, timeout). */
    Reply sendBinary(byte[] message) {
        send(ws.sendBinary(ByteBuffer.wrap(message), true), "binary " + new String(message, StandardCharsets.UTF_8));
        return await(REPLY_TIMEOUT);
    }

    private void send(java.util.concurrent.CompletableFuture<WebSocket> f, String what) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("sending " + what + " on " + uri + " failed: " + e + "; so far: " + seen, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The next thing from the server, or a TIMEOUT reply. */
    Reply await(Duration timeout) {
        try {
            Reply r = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                r = new Reply(Kind.TIMEOUT, null, -1, null);
            }
            seen.add(r);
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Skips messages until the server closes (or fails, or the time is up); that last reply. */
    Reply awaitClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Reply r = await(Duration.ofNanos(Math.max(0, left)));
            if (!r.isMessage()) {
                return r;
            }
        }
    }

    /** Waits a little and tells whether anything (a message, a close) came meanwhile; null if nothing. */
    Reply pollQuietly(Duration wait) {
        Reply r = await(wait);
        return r.kind() == Kind.TIMEOUT ? null : r;
    }

    boolean closedByServer() {
        return closedByServer;
    }

    /** Everything received so far, in order (for failure messages). */
    List<Reply> seen() {
        return new ArrayList<>(seen);
    }

    /** A normal close (1000) unless the server closed already; then the connection is dropped. */
    @Override
    public void close() {
        try {
            if (!closedByServer && !ws.isOutputClosed()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
                queue.poll(2, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // dropped below
        } finally {
            ws.abort();
        }
    }

    @Override
    public String toString() {
        return uri + (headers.isEmpty() ? "" : " " + headers) + " (received: " + seen + ")";
    }
}
