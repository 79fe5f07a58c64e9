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
 * XXE against the apps' {@code /xxe/*} endpoints ({@link #ENDPOINTS}: every XML API of the JDK that reads a document;
 * SAX with the JDK's entity limits switched off) and the twins that must stay served. The attacks are
 * built per run: the secret file lives in the app's work directory, the "attacker's" DTD server is a loopback
 * listener of the test ({@link Listener}). No case names an address outside loopback.
 */
final class XxeCases {
    private XxeCases() {}

    static final String XML = "application/xml";

    /** A plain document: {@code %DOCTYPE%} is where the attack's or twin's document type goes, {@code %REF%} its text. */
    static final String DOCUMENT = "<?xml version=\"1.0\"?>%DOCTYPE%<r>%REF%</r>";
    /** A stylesheet whose text output is {@code %REF%}. */
    static final String STYLESHEET = "<?xml version=\"1.0\"?>%DOCTYPE%<xsl:stylesheet version=\"1.0\" "
        + "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><xsl:output method=\"text\"/>"
        + "<xsl:template match=\"/\">%REF%</xsl:template></xsl:stylesheet>";
    /** A schema with {@code %REF%} where text is not allowed: the rejection quotes it. */
    static final String SCHEMA = "<?xml version=\"1.0\"?>%DOCTYPE%<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
        + "<xs:element name=\"r\" type=\"xs:string\"/>%REF%</xs:schema>";
    /** A valid schema with {@code %REF%} as its documentation (the twins'). */
    static final String SCHEMA_DOCUMENTED = "<?xml version=\"1.0\"?>%DOCTYPE%<xs:schema "
        + "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:annotation><xs:documentation>%REF%</xs:documentation>"
        + "</xs:annotation><xs:element name=\"r\" type=\"xs:string\"/></xs:schema>";

    /**
     * An XML endpoint of the apps: the kind of document it reads ({@code template} for the attacks,
     * {@code twinTemplate} for the twins), what a twin's answer holds instead of its text (null: the text), and
     * whether only the Spring app has it (JAXB).
     */
    record Endpoint(String path, String template, String twinTemplate, String twinAnswer, boolean springOnly) {
        String body(String doctype, String ref) {
            return template.replace("%DOCTYPE%", doctype).replace("%REF%", ref);
        }

        String twinBody(String doctype, String ref) {
            return twinTemplate.replace("%DOCTYPE%", doctype).replace("%REF%", ref);
        }

        boolean on(String appName) {
            return !springOnly || appName.startsWith("spring");
        }
    }

    static Endpoint document(String path) {
        return new Endpoint(path, DOCUMENT, DOCUMENT, null, false);
    }

    /**
     * DocumentBuilder, SAXParser, StAX (newInstance(): Woodstox in the Spring app, which jackson-dataformat-xml
     * brings; the JDK's in the javax app), XMLReader and the JDK's own StAX with external entities on, TrAX (the
     * request's document through the app's stylesheet; a stylesheet from the request), validation (the request's
     * document against the app's schema; a schema from the request) and JAXB (over the JDK's StAX and SAX).
     */
    static final List<Endpoint> ENDPOINTS = List.of(document("/xxe/dom"), document("/xxe/sax"), document("/xxe/stax"),
        document("/xxe/xmlreader"), document("/xxe/stax-jdk"), document("/xxe/xslt"),
        new Endpoint("/xxe/stylesheet", STYLESHEET, STYLESHEET, null, false), document("/xxe/validate"),
        new Endpoint("/xxe/schema", SCHEMA, SCHEMA_DOCUMENTED, "schema ok", false),
        new Endpoint("/xxe/jaxb-stax", DOCUMENT, DOCUMENT, null, true),
        new Endpoint("/xxe/jaxb-sax", DOCUMENT, DOCUMENT, null, true));

    /** How an attack shows: the secret file's content served, the listener reached, or a 100 MB expansion. */
    enum Effect { SECRET_SERVED, LISTENER_REACHED, EXPANDED }

    /** How an attack's body is sent: as is, gzip-compressed (Content-Encoding: gzip), or as a multipart file part. */
    enum Wrapping { PLAIN, GZIP, MULTIPART_FILE }

    record Attack(String name, String path, String contentType, String body, String rule, Effect effect, Wrapping wrapping) {
        Attack(String name, String path, String contentType, String body, String rule, Effect effect) {
            this(name, path, contentType, body, rule, effect, Wrapping.PLAIN);
        }

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

    /** 5 levels of 10 references, each leaf 1,000 characters: expands to 100,000,000 characters. */
    static String bomb() {
        return bomb(5, 1000);
    }

    /**
     * {@code levels} levels of 10 references over a leaf of {@code leafChars} characters: 1 + 10 + ... + 10^levels
     * entity expansions, 10^levels x leafChars characters of text.
     */
    static String bomb(int levels, int leafChars) {
        StringBuilder d = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY l0 \"")
            .append("0123456789".repeat(leafChars / 10)).append("\">");
        for (int i = 1; i <= levels; i++) {
            d.append("<!ENTITY l").append(i).append(" \"");
            for (int j = 0; j < 10; j++) {
                d.append("&l").append(i - 1).append(';');
            }
            d.append("\">");
        }
        return d.append("]><r>&l").append(levels).append(";</r>").toString();
    }

    /** One entity of {@code chars} characters referenced {@code refs} times: few expansions, much text. */
    static String bigEntity(int chars, int refs) {
        return "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY big \"" + "0123456789".repeat(chars / 10) + "\">]><r>"
            + "&big;".repeat(refs) + "</r>";
    }

    static final long BOMB_LENGTH = 100_000_000L;

    static List<Attack> attacks(AppProcess app, Listener listener) {
        String fileUrl = secretFile(app).toUri().toString();
        String fileEntity = "<!DOCTYPE r [<!ENTITY x SYSTEM \"" + fileUrl + "\">]>";
        List<Attack> out = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            if (!e.on(app.name())) {
                continue;
            }
            out.add(new Attack("file entity", e.path(), XML, e.body(fileEntity, "&x;"), "xxe.external_entity",
                Effect.SECRET_SERVED));
            out.add(new Attack("external DTD (out of band)", e.path(), XML,
                e.body("<!DOCTYPE r SYSTEM \"" + listener.url("/x.dtd") + "\">", "hi"), "xxe.external_entity",
                Effect.LISTENER_REACHED));
        }
        out.add(new Attack("parameter entity (out of band)", "/xxe/dom", XML,
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY % p SYSTEM \"" + listener.url("/p.dtd") + "\"> %p;]><r>hi</r>",
            "xxe.external_entity", Effect.LISTENER_REACHED));
        out.add(new Attack("billion laughs, JDK limits off", "/xxe/sax", XML, bomb(), "xxe.entity_expansion",
            Effect.EXPANDED));
        // the document compressed: the body the agent keeps is gzip; the parse reading it is what shows the document
        out.add(new Attack("file entity, gzip-compressed body", "/xxe/dom-gzip", XML,
            DOCUMENT.replace("%DOCTYPE%", fileEntity).replace("%REF%", "&x;"), "xxe.external_entity",
            Effect.SECRET_SERVED, Wrapping.GZIP));
        if (app.name().startsWith("spring")) {
            out.add(new Attack("file entity, uploaded file (multipart)", "/xxe/upload", XML,
                DOCUMENT.replace("%DOCTYPE%", fileEntity).replace("%REF%", "&x;"), "xxe.external_entity",
                Effect.SECRET_SERVED, Wrapping.MULTIPART_FILE));
        }
        // a content type other than XML: the body is kept all the same, one text input holding the document
        for (String path : List.of("/xxe/dom", "/xxe/sax")) {
            out.add(new Attack("file entity, body as application/octet-stream", path, "application/octet-stream",
                "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + fileUrl + "\">]><r>&x;</r>",
                "xxe.external_entity", Effect.SECRET_SERVED));
        }
        return out;
    }

    static List<Twin> twins(String appName) {
        List<Twin> out = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            if (!e.on(appName)) {
                continue;
            }
            out.add(new Twin("plain document", "POST", e.path(), e.twinBody("", "hello"),
                e.twinAnswer() == null ? "hello" : e.twinAnswer()));
            out.add(new Twin("internal entity", "POST", e.path(),
                e.twinBody("<!DOCTYPE r [<!ENTITY x \"fine\">]>", "&x;"), e.twinAnswer() == null ? "fine" : e.twinAnswer()));
        }
        out.add(new Twin("class-path document with a class-path entity", "GET", "/xxe/internal", null,
            "included-from-class-path"));
        // under the default limits: what XxeEntityLimitIT's lowered limits stop
        out.add(new Twin("1,111 entity expansions (default limit 10,000)", "POST", "/xxe/sax", bomb(3, 10), "length=10000\n"));
        out.add(new Twin("24,000 characters of one entity (default limit 10,000,000)", "POST", "/xxe/sax",
            bigEntity(8000, 3), "length=24000\n"));
        return out;
    }

    static Http.Resp send(Http http, String method, String path, String body) {
        return http.send(method, path, body == null ? null : XML, body);
    }

    static Http.Resp send(Http http, Attack a) {
        return switch (a.wrapping()) {
            case PLAIN -> http.send("POST", a.path(), a.contentType(), a.body());
            case GZIP -> http.sendBytes("POST", a.path(), a.contentType(), gzip(a.body()), "Content-Encoding", "gzip");
            case MULTIPART_FILE -> {
                String boundary = "xxe-boundary-" + Long.toHexString(System.nanoTime());
                String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"doc.xml\"\r\n"
                    + "Content-Type: " + a.contentType() + "\r\n\r\n" + a.body() + "\r\n--" + boundary + "--\r\n";
                yield http.send("POST", a.path(), "multipart/form-data; boundary=" + boundary, multipart);
            }
        };
    }

    static byte[] gzip(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
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
