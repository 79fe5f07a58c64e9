package dev.rasp.it.javax;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The lookup of {@code /h2/users/by-name} ({@code ... WHERE name = '<name>' AND role <> 'locked'}, h2,
 * Statement.executeQuery, the rows as JSON) reached by a name read the ways Jetty and Jackson read it:
 * {@code /sources/form} ({@code getParameter("name")} of a form body, decoded by Jetty with the charset the
 * Content-Type declares; the EncodingFilter sets UTF-8 only when none is declared), {@code /sources/json}
 * (Jackson's {@code readTree(request.getInputStream())}: BOM, UTF-16/32 detection, trailing data, deep nesting are
 * Jackson's business) and {@code /sources/json-reader} (Jackson's {@code readTree(request.getReader())}, the
 * characters Jetty decoded with the declared charset). Each answers header {@code X-Seen-Name}: the name used,
 * URL-encoded as UTF-8.
 */
final class SourcesServlets {
    private SourcesServlets() {}

    static Map<String, Servlets.JdbcServlet> all(Db h2) {
        Map<String, Servlets.JdbcServlet> all = new LinkedHashMap<>();
        all.put("/sources/form", new Lookup(h2, req -> Servlets.JdbcServlet.required(req, "name")));
        all.put("/sources/json", new Lookup(h2, req -> nameOf(Servlets.JSON.readTree(req.getInputStream()))));
        all.put("/sources/json-reader", new Lookup(h2, req -> {
            try (Reader r = req.getReader()) {
                return nameOf(Servlets.JSON.readTree(r));
            }
        }));
        return all;
    }

    interface NameReader {
        String read(HttpServletRequest req) throws IOException;
    }

    /** The first field called name anywhere in the tree. */
    static String nameOf(JsonNode root) {
        JsonNode name = root == null ? null : root.findValue("name");
        if (name == null || !name.isTextual()) {
            throw new IllegalArgumentException("body needs a string field name");
        }
        return name.asText();
    }

    /** POST: reads the name, answers the lookup's rows; a body Jackson refuses is a 400. */
    static final class Lookup extends Servlets.JdbcServlet {
        private final transient NameReader reader;

        Lookup(Db db, NameReader reader) {
            super(db);
            this.reader = reader;
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> {
                String name;
                try {
                    name = reader.read(req);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException("bad JSON: " + e.getOriginalMessage());
                }
                res.setHeader("X-Seen-Name", URLEncoder.encode(name, StandardCharsets.UTF_8));
                return query(Servlets.SELECT + " WHERE name = '" + name + "' AND role <> 'locked'");
            });
        }
    }
}
