package dev.rasp.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "internal" service an SSRF reaches: an HTTP server on 127.0.0.1 (never any other address) holding a secret
 * at {@code /secret}, counting how often it was asked for it, a harmless {@code /hello}, and redirects:
 * {@code /to-secret} to {@code http://127.0.0.1:<port>/secret} and {@code /to-hello} to
 * {@code http://partner.test:<port>/hello}. Also writes the hosts file the application resolves with
 * ({@code -Djdk.net.hosts.file}): {@code partner.test} (a partner the operator allows) and
 * {@code metadata.rebind.test} (a name an attacker controls that resolves into the network), both 127.0.0.1.
 */
final class InternalService implements AutoCloseable {
    final String secret = "internal-secret-" + UUID.randomUUID();
    final AtomicInteger secretHits = new AtomicInteger();
    private final HttpServer server;

    InternalService() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/secret", ex -> {
            secretHits.incrementAndGet();
            answer(ex, 200, secret, null);
        });
        server.createContext("/hello", ex -> answer(ex, 200, "hello from the service", null));
        server.createContext("/to-secret", ex -> answer(ex, 302, "", "http://127.0.0.1:" + port() + "/secret"));
        server.createContext("/to-hello", ex -> answer(ex, 302, "", "http://partner.test:" + port() + "/hello"));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String base() {
        return "http://127.0.0.1:" + port();
    }

    /** The hosts file for -Djdk.net.hosts.file (the JDK then resolves only from it: localhost and this host too). */
    static Path hostsFile(Path dir) throws IOException {
        Files.createDirectories(dir);
        String self = InetAddress.getLocalHost().getHostName();
        return Files.writeString(dir.resolve("hosts"), String.join("\n",
            "127.0.0.1 localhost " + self,
            "127.0.0.1 partner.test",
            "127.0.0.1 metadata.rebind.test",
            ""));
    }

    private static void answer(HttpExchange ex, int status, String body, String location) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (location != null) {
            ex.getResponseHeaders().set("Location", location);
        }
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
