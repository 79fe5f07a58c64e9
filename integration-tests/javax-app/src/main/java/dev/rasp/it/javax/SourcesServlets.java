package dev.rasp.it.javax;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import org.apache.commons.fileupload.FileItem;
import org.apache.commons.fileupload.FileUploadException;
import org.apache.commons.fileupload.disk.DiskFileItemFactory;
import org.apache.commons.fileupload.servlet.ServletFileUpload;
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
 *
 * <p>Apache Commons FileUpload 1.x ({@code ServletFileUpload.parseRequest}, no multipart config on the servlets):
 * {@code /sources/fileupload} saves the part {@code file} under its {@code FileItem.getName()} in the webroot (a path
 * sink, answers {@code {saved, written}}), {@code /sources/fileupload-query} runs the lookup with the text field
 * {@code name} read by {@code FileItem.getString()}.
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

    /** The servlets reading multipart bodies with Commons FileUpload. */
    static Map<String, HttpServlet> fileUpload(Db h2, FileArea files) {
        Map<String, HttpServlet> all = new LinkedHashMap<>();
        all.put("/sources/fileupload", new FileUploadSave(files));
        all.put("/sources/fileupload-query", new Lookup(h2, req -> {
            for (FileItem item : parse(req)) {
                if (item.isFormField() && item.getFieldName().equals("name")) {
                    return item.getString();
                }
            }
            throw new IllegalArgumentException("field name is required");
        }));
        return all;
    }

    /** {@code new ServletFileUpload(new DiskFileItemFactory()).parseRequest(request)}; a body it refuses is a 400. */
    static List<FileItem> parse(HttpServletRequest req) {
        if (!ServletFileUpload.isMultipartContent(req)) {
            throw new IllegalArgumentException("multipart/form-data is required");
        }
        try {
            return new ServletFileUpload(new DiskFileItemFactory()).parseRequest(req);
        } catch (FileUploadException e) {
            throw new IllegalArgumentException("bad multipart body: " + e.getMessage());
        }
    }

    /** The part file saved as {@code webroot.resolve(item.getName())}: {@code {saved, written}}. */
    static final class FileUploadSave extends HttpServlet {
        private final transient FileArea files;

        FileUploadSave(FileArea files) {
            this.files = files;
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
            FileItem file = null;
            try {
                for (FileItem item : parse(req)) {
                    if (!item.isFormField() && item.getFieldName().equals("file")) {
                        file = item;
                    }
                }
                if (file == null || file.getName() == null) {
                    throw new IllegalArgumentException("part file with a file name is required");
                }
            } catch (IllegalArgumentException bad) {
                Servlets.JdbcServlet.json(res, 400, Map.of("error", bad.getMessage()));
                return;
            }
            String name = file.getName();
            byte[] body = file.get();
            Files.write(files.webroot.resolve(name), body);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("saved", name);
            answer.put("written", body.length);
            Servlets.JdbcServlet.json(res, 200, answer);
        }
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
