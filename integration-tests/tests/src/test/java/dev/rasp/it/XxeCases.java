package dev.rasp.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * XXE against the apps' {@code /xxe/dom}, {@code /xxe/sax} and {@code /xxe/stax} endpoints (the JDK's parsers as they
 * come; SAX with the JDK's entity limits switched off) and the twins that must stay served. The attacks are
 * built per run: the secret file lives in the app's work directory, the "attacker's" DTD server is a loopback
 * listener of the test ({@link Listener}). No case names an address outside loopback.
 */
final class XxeCases {
    private XxeCases() {}

    static final List<String> ENDPOINTS = List.of("/xxe/dom", "/xxe/sax", "/xxe/stax");
    static final String XML = "application/xml";

    /** How an attack shows: the secret file's content served, the listener reached, or a 100 MB expansion. */
    enum Effect { SECRET_SERVED, LISTENER_REACHED, EXPANDED }

    record Attack(String name, String path, String contentType, String body, String rule, Effect effect) {
        @Override
        public String toString() {
            return name + " " + path;
        }
    }

    record Twin(String name, String method, String path, String body, String expect) {
        @Override
        public String toString() {
            return name + " " + path;
        }
    }

    /** The secret file the attacks read, written in the app's work directory; returns its content. */
    static String writeSecret(AppProcess app) throws IOException {
        String secret = "xxe-secret-" + Long.toHexString(System.nanoTime());
        Files.writeString(secretFile(app), secret + "\n");
        return secret;
    }

    static Path secretFile(AppProcess app) {
        return app.workDir().toAbsolutePath().resolve("xxe-secret.txt");
    }

    /** 10 levels of 10 references, each leaf 1,000 characters: expands to 100,000,000 characters (5 levels). */
    static String bomb() {
        StringBuilder d = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY l0 \"")
            .append("0123456789".repeat(100)).append("\">");
        for (int i = 1; i <= 5; i++) {
            d.append("<!ENTITY l").append(i).append(" \"");
            for (int j = 0; j < 10; j++) {
                d.append("&l").append(i - 1).append(';');
            }
            d.append("\">");
        }
        return d.append("]><r>&l5;</r>").toString();
    }

    static final long BOMB_LENGTH = 100_000_000L;

    static List<Attack> attacks(AppProcess app, Listener listener) {
        String fileUrl = secretFile(app).toUri().toString();
        List<Attack> out = new ArrayList<>();
        for (String path : ENDPOINTS) {
            out.add(new Attack("file entity", path, XML,
                "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + fileUrl + "\">]><r>&x;</r>",
                "xxe.external_entity", Effect.SECRET_SERVED));
            out.add(new Attack("external DTD (out of band)", path, XML,
                "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"" + listener.url("/x.dtd") + "\"><r>hi</r>",
                "xxe.external_entity", Effect.LISTENER_REACHED));
        }
        out.add(new Attack("parameter entity (out of band)", "/xxe/dom", XML,
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY % p SYSTEM \"" + listener.url("/p.dtd") + "\"> %p;]><r>hi</r>",
            "xxe.external_entity", Effect.LISTENER_REACHED));
        out.add(new Attack("billion laughs, JDK limits off", "/xxe/sax", XML, bomb(), "xxe.entity_expansion",
            Effect.EXPANDED));
        // a content type the agent does not keep: the parse reading the body is what shows the document
        for (String path : List.of("/xxe/dom", "/xxe/sax")) {
            out.add(new Attack("file entity, body as application/octet-stream", path, "application/octet-stream",
                "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + fileUrl + "\">]><r>&x;</r>",
                "xxe.external_entity", Effect.SECRET_SERVED));
        }
        return out;
    }

    static List<Twin> twins() {
        List<Twin> out = new ArrayList<>();
        for (String path : ENDPOINTS) {
            out.add(new Twin("plain document", "POST", path, "<r>hello</r>", "hello"));
            out.add(new Twin("internal entity", "POST", path,
                "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x \"fine\">]><r>&x;</r>", "fine"));
        }
        out.add(new Twin("class-path document with a class-path entity", "GET", "/xxe/internal", null,
            "included-from-class-path"));
        return out;
    }

    static Http.Resp send(Http http, String method, String path, String body) {
        return http.send(method, path, body == null ? null : XML, body);
    }

    static Http.Resp send(Http http, Attack a) {
        return http.send("POST", a.path(), a.contentType(), a.body());
    }

    /** Whether the attack took effect, judged from the answer and the listener's count since {@code before}. */
    static boolean tookEffect(Attack a, Http.Resp r, String secret, Listener listener, int before) {
        return switch (a.effect()) {
            case SECRET_SERVED -> r.body().contains(secret);
            case LISTENER_REACHED -> listener.hits() > before;
            case EXPANDED -> r.body().startsWith("length=" + BOMB_LENGTH);
        };
    }

    /**
     * The attacker's server, on loopback: answers any request with a small DTD ({@code <!ENTITY oob ...>}) and counts
     * the connections it accepted.
     */
    static final class Listener implements AutoCloseable {
        private final ServerSocket socket;
        private final AtomicInteger hits = new AtomicInteger();

        Listener() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::serve, "xxe-listener");
            t.setDaemon(true);
            t.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + socket.getLocalPort() + path;
        }

        int hits() {
            return hits.get();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    hits.incrementAndGet();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    String line;
                    while ((line = in.readLine()) != null && !line.isEmpty()) {
                        // the request head; the answer does not depend on it
                    }
                    s.getOutputStream().write(("HTTP/1.0 200 OK\r\nContent-Type: application/xml-dtd\r\n\r\n"
                        + "<!ENTITY oob \"from-listener\">").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed, or a client that went away
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
