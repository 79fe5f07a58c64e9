package dev.rasp.it.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The same injectable lookup ({@code SELECT id, name, email, role FROM users WHERE name = '<name>' AND role <> 'locked'},
 * h2, {@code Statement.executeQuery}, the rows as JSON) reached by a name read in many ways: the container's form
 * decoding with the declared charset, Jackson ({@code @RequestBody}, JSON and XML), Gson, JSON-P, the JDK's DOM, StAX
 * and SAX, cookies, path segments, multipart fields. File names of multipart parts and zip entries reach a path sink
 * instead (an upload saved under the name the client chose, a zip extracted without checking its entry names).
 *
 * <p>Each lookup answers header {@code X-Seen-Name}: the name the application used, URL-encoded as UTF-8, so the tests
 * can tell how the container or the parser read the request.
 */
@RestController
@RequestMapping("/sources")
public class SourcesController {
    private static final AtomicInteger SEQ = new AtomicInteger();
    static final String SELECT = "SELECT id, name, email, role FROM users";

    private final Databases dbs;
    private final FileArea files;

    public SourcesController(Databases dbs, FileArea files) {
        this.dbs = dbs;
        this.files = files;
    }

    // ------------------------------------------------------------------ form

    /** {@code @RequestParam name} of a form body: Tomcat decodes it with the charset the Content-Type declares. */
    @PostMapping(path = "/form", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public List<Map<String, Object>> form(@RequestParam String name, HttpServletResponse res) throws SQLException {
        return lookup(name, res);
    }

    // ------------------------------------------------------------------ JSON

    /** A body bound by Jackson; unknown properties are ignored (Spring Boot's ObjectMapper). */
    public record NameQuery(String name) {}

    /** {@code @RequestBody} record through Spring's Jackson converter (BOM, trailing data, UTF-16/32 are Jackson's business). */
    @PostMapping(path = "/json", consumes = MediaType.APPLICATION_JSON_VALUE)
    public List<Map<String, Object>> json(@RequestBody NameQuery q, HttpServletResponse res) throws SQLException {
        return lookup(required(q.name(), "name"), res);
    }

    /** {@code @RequestBody JsonNode}: the first field called name anywhere in the tree (however deep). */
    @PostMapping(path = "/json-tree", consumes = MediaType.APPLICATION_JSON_VALUE)
    public List<Map<String, Object>> jsonTree(@RequestBody JsonNode body, HttpServletResponse res) throws SQLException {
        JsonNode name = body.findValue("name");
        return lookup(required(name == null || !name.isTextual() ? null : name.asText(), "name"), res);
    }

    /** Gson's (lenient) {@code JsonParser.parseReader(request.getReader())}, field name of the top object. */
    @PostMapping(path = "/gson")
    public List<Map<String, Object>> gson(HttpServletRequest req, HttpServletResponse res) throws IOException, SQLException {
        JsonElement root = com.google.gson.JsonParser.parseReader(req.getReader());
        JsonElement name = root.isJsonObject() ? root.getAsJsonObject().get("name") : null;
        return lookup(required(name == null || !name.isJsonPrimitive() ? null : name.getAsString(), "name"), res);
    }

    /** JSON-P (Parsson): {@code Json.createReader(request.getInputStream()).readObject().getString("name")}. */
    @PostMapping(path = "/jsonp")
    public List<Map<String, Object>> jsonp(HttpServletRequest req, HttpServletResponse res) throws IOException, SQLException {
        JsonObject o;
        try (JsonReader r = Json.createReader(req.getInputStream())) {
            o = r.readObject();
        }
        return lookup(required(o.containsKey("name") ? o.getString("name") : null, "name"), res);
    }

    // ------------------------------------------------------------------ YAML

    /** Jackson's YAML format (jackson-dataformat-yaml, SnakeYAML underneath); its parser is a Jackson JsonParser. */
    private static final YAMLMapper YAML = new YAMLMapper();

    /**
     * A YAML body read with {@code YAMLMapper.readTree(request.getInputStream())}: the top mapping's {@code name}
     * (double-quoted with {@code \x27} escapes, single-quoted with {@code ''}, a block scalar: YAML's business).
     */
    @PostMapping(path = "/yaml")
    public List<Map<String, Object>> yaml(HttpServletRequest req, HttpServletResponse res) throws IOException, SQLException {
        JsonNode root;
        try {
            root = YAML.readTree(req.getInputStream());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad YAML: " + e.getOriginalMessage());
        }
        JsonNode name = root == null ? null : root.get("name");
        return lookup(required(name == null || !name.isTextual() ? null : name.asText(), "name"), res);
    }

    // ------------------------------------------------------------------ XML

    /** What Jackson's XML format binds {@code <user><name>..</name></user>} and {@code <user name=".."/>} to. */
    public static class XmlUser {
        public String name;
    }

    /** {@code @RequestBody} through Spring's Jackson XML converter (jackson-dataformat-xml, woodstox). */
    @PostMapping(path = "/xml", consumes = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE})
    public List<Map<String, Object>> xml(@RequestBody XmlUser u, HttpServletResponse res) throws SQLException {
        return lookup(required(u.name, "name"), res);
    }

    /** The JDK's DOM: the text of the first {@code <name>} element, else the root's {@code name} attribute. */
    @PostMapping(path = "/xml-dom")
    public List<Map<String, Object>> xmlDom(HttpServletRequest req, HttpServletResponse res)
            throws IOException, SQLException, ParserConfigurationException, SAXException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
        Document doc = f.newDocumentBuilder().parse(req.getInputStream());
        Element root = doc.getDocumentElement();
        NodeList names = root.getElementsByTagName("name");
        String name = names.getLength() > 0 ? names.item(0).getTextContent()
            : root.hasAttribute("name") ? root.getAttribute("name") : null;
        return lookup(required(name, "name"), res);
    }

    /** The JDK's StAX ({@code XMLInputFactory.newDefaultFactory()}): element text by getElementText(), else the attribute. */
    @PostMapping(path = "/xml-stax")
    public List<Map<String, Object>> xmlStax(HttpServletRequest req, HttpServletResponse res)
            throws IOException, SQLException, XMLStreamException {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        XMLStreamReader r = f.createXMLStreamReader(req.getInputStream());
        String name = null;
        try {
            boolean root = true;
            while (r.hasNext() && name == null) {
                if (r.next() == XMLStreamConstants.START_ELEMENT) {
                    if (root) {
                        root = false;
                        name = r.getAttributeValue(null, "name");
                    } else if (r.getLocalName().equals("name")) {
                        name = r.getElementText();
                    }
                }
            }
        } finally {
            r.close();
        }
        return lookup(required(name, "name"), res);
    }

    /** The JDK's SAX ({@code SAXParserFactory.newDefaultInstance()}): characters() of {@code <name>}, else the attribute. */
    @PostMapping(path = "/xml-sax")
    public List<Map<String, Object>> xmlSax(HttpServletRequest req, HttpServletResponse res)
            throws IOException, SQLException, ParserConfigurationException, SAXException {
        StringBuilder text = new StringBuilder();
        String[] attribute = new String[1];
        boolean[] seen = new boolean[1];
        SAXParserFactory.newDefaultInstance().newSAXParser().parse(req.getInputStream(), new DefaultHandler() {
            private boolean inName;
            private boolean root = true;

            @Override
            public void startElement(String uri, String localName, String qName, Attributes attributes) {
                if (root) {
                    root = false;
                    attribute[0] = attributes.getValue("name");
                }
                if (qName.equals("name") && !seen[0]) {
                    inName = true;
                    seen[0] = true;
                }
            }

            @Override
            public void endElement(String uri, String localName, String qName) {
                inName = false;
            }

            @Override
            public void characters(char[] ch, int start, int length) {
                if (inName) {
                    text.append(ch, start, length);
                }
            }
        });
        return lookup(required(seen[0] ? text.toString() : attribute[0], "name"), res);
    }

    // ------------------------------------------------------------------ cookies and paths

    /** {@code @CookieValue("name")} (Tomcat's RFC 6265 cookie parser). */
    @GetMapping("/cookie")
    public List<Map<String, Object>> cookie(@CookieValue("name") String name, HttpServletResponse res) throws SQLException {
        return lookup(name, res);
    }

    /** {@code request.getCookies()}: the last cookie called name. */
    @GetMapping("/cookies")
    public List<Map<String, Object>> cookies(HttpServletRequest req, HttpServletResponse res) throws SQLException {
        String name = null;
        if (req.getCookies() != null) {
            for (Cookie c : req.getCookies()) {
                if (c.getName().equals("name")) {
                    name = c.getValue();
                }
            }
        }
        return lookup(required(name, "cookie name"), res);
    }

    /** {@code @PathVariable name}: one path segment as Spring decodes it (path parameters dropped). */
    @GetMapping("/path/{name}")
    public List<Map<String, Object>> path(@PathVariable String name, HttpServletResponse res) throws SQLException {
        return lookup(name, res);
    }

    // ------------------------------------------------------------------ multipart and zip (path sinks)

    /** Spring's {@code MultipartFile} part file: saved as {@code webroot.resolve(getOriginalFilename())}. */
    @PostMapping(path = "/multipart", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Map<String, Object> multipart(@RequestPart("file") MultipartFile file) throws IOException {
        return save(file.getOriginalFilename(), file.getBytes());
    }

    /** The servlet API: {@code request.getPart("file").getSubmittedFileName()}, saved in the webroot. */
    @PostMapping(path = "/multipart-part", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Map<String, Object> multipartPart(HttpServletRequest req) throws IOException, ServletException {
        Part part = req.getPart("file");
        if (part == null) {
            throw new IllegalArgumentException("part file is required");
        }
        try (InputStream in = part.getInputStream()) {
            return save(part.getSubmittedFileName(), in.readAllBytes());
        }
    }

    private Map<String, Object> save(String filename, byte[] body) throws IOException {
        Files.write(files.webroot.resolve(required(filename, "filename")), body);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("saved", filename);
        answer.put("written", body.length);
        return answer;
    }

    /**
     * A zip archive (the raw body) extracted entry by entry to {@code files/tmp/unzip-<n>/<entry name>} with
     * {@code new FileOutputStream(new File(dir, entry.getName()))}: the classic zip slip. Answers {"dir", "written"}.
     */
    @PostMapping(path = "/zip", consumes = {MediaType.APPLICATION_OCTET_STREAM_VALUE, "application/zip"})
    public Map<String, Object> zip(HttpServletRequest req) throws IOException {
        return unzip(req.getInputStream());
    }

    /** The same extraction of the multipart part archive. */
    @PostMapping(path = "/zip-multipart", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Map<String, Object> zipMultipart(@RequestPart("archive") MultipartFile archive) throws IOException {
        try (InputStream in = archive.getInputStream()) {
            return unzip(in);
        }
    }

    private Map<String, Object> unzip(InputStream body) throws IOException {
        Path dir = files.tmp.resolve("unzip-" + SEQ.incrementAndGet());
        Files.createDirectories(dir);
        List<String> written = new ArrayList<>();
        try (ZipInputStream zin = new ZipInputStream(body)) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                File target = new File(dir.toFile(), e.getName());
                if (e.isDirectory()) {
                    target.mkdirs();
                    continue;
                }
                target.getParentFile().mkdirs();
                try (OutputStream out = new FileOutputStream(target)) {
                    zin.transferTo(out);
                }
                written.add(e.getName());
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("dir", dir.getFileName().toString());
        answer.put("written", written);
        return answer;
    }

    /**
     * The body saved as {@code files/tmp/upload-<n>.zip}, opened with {@code java.util.zip.ZipFile} and extracted entry
     * by entry ({@code zipFile.entries()}) to {@code files/tmp/unzipfile-<n>/<entry name>} with
     * {@code new FileOutputStream(new File(dir, entry.getName()))} (zip slip). Answers {"dir", "written"}.
     */
    @PostMapping(path = "/zipfile", consumes = {MediaType.APPLICATION_OCTET_STREAM_VALUE, "application/zip"})
    public Map<String, Object> zipFile(HttpServletRequest req) throws IOException {
        return unzipFile(req, false);
    }

    /** The same, iterating {@code zipFile.stream()}. */
    @PostMapping(path = "/zipfile-stream", consumes = {MediaType.APPLICATION_OCTET_STREAM_VALUE, "application/zip"})
    public Map<String, Object> zipFileStream(HttpServletRequest req) throws IOException {
        return unzipFile(req, true);
    }

    private Map<String, Object> unzipFile(HttpServletRequest req, boolean stream) throws IOException {
        int n = SEQ.incrementAndGet();
        Path archive = files.tmp.resolve("upload-" + n + ".zip");
        try (InputStream in = req.getInputStream()) {
            Files.copy(in, archive);
        }
        Path dir = files.tmp.resolve("unzipfile-" + n);
        Files.createDirectories(dir);
        List<String> written = new ArrayList<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            List<? extends ZipEntry> entries;
            if (stream) {
                entries = zip.stream().collect(Collectors.toList());
            } else {
                Enumeration<? extends ZipEntry> en = zip.entries();
                List<ZipEntry> list = new ArrayList<>();
                while (en.hasMoreElements()) {
                    list.add(en.nextElement());
                }
                entries = list;
            }
            for (ZipEntry e : entries) {
                File target = new File(dir.toFile(), e.getName());
                if (e.isDirectory()) {
                    target.mkdirs();
                    continue;
                }
                target.getParentFile().mkdirs();
                try (InputStream in = zip.getInputStream(e); OutputStream out = new FileOutputStream(target)) {
                    in.transferTo(out);
                }
                written.add(e.getName());
            }
        } finally {
            Files.deleteIfExists(archive);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("dir", dir.getFileName().toString());
        answer.put("written", written);
        return answer;
    }

    /**
     * The body read with {@code java.util.jar.JarInputStream.getNextJarEntry()}, each entry extracted to
     * {@code files/tmp/unjar-<n>/<entry name>} (zip slip). Answers {"dir", "written"}.
     */
    @PostMapping(path = "/jar", consumes = {MediaType.APPLICATION_OCTET_STREAM_VALUE, "application/java-archive"})
    public Map<String, Object> jar(HttpServletRequest req) throws IOException {
        Path dir = files.tmp.resolve("unjar-" + SEQ.incrementAndGet());
        Files.createDirectories(dir);
        List<String> written = new ArrayList<>();
        try (JarInputStream jin = new JarInputStream(req.getInputStream())) {
            JarEntry e;
            while ((e = jin.getNextJarEntry()) != null) {
                File target = new File(dir.toFile(), e.getName());
                if (e.isDirectory()) {
                    target.mkdirs();
                    continue;
                }
                target.getParentFile().mkdirs();
                try (OutputStream out = new FileOutputStream(target)) {
                    jin.transferTo(out);
                }
                written.add(e.getName());
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("dir", dir.getFileName().toString());
        answer.put("written", written);
        return answer;
    }

    /**
     * A large upload and a text field: the file part is saved (under a name the application chooses), then the
     * lookup runs with the field name.
     */
    @PostMapping(path = "/upload-then-query", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public List<Map<String, Object>> uploadThenQuery(@RequestPart("file") MultipartFile file, @RequestParam String name,
                                                     HttpServletResponse res) throws IOException, SQLException {
        Files.write(files.webroot.resolve("upload-" + SEQ.incrementAndGet() + ".bin"), file.getBytes());
        res.setHeader("X-Upload-Bytes", Long.toString(file.getSize()));
        return lookup(name, res);
    }

    // ------------------------------------------------------------------ plumbing

    private List<Map<String, Object>> lookup(String name, HttpServletResponse res) throws SQLException {
        res.setHeader("X-Seen-Name", URLEncoder.encode(name, StandardCharsets.UTF_8));
        try (Connection c = dbs.get("h2").connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(SELECT + " WHERE name = '" + name + "' AND role <> 'locked'")) {
            return Rows.of(rs);
        }
    }

    private static String required(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        return value;
    }

    /** Bad input (a body the parser refuses, a missing field) is the client's fault: 400 with the reason. */
    @ExceptionHandler({IllegalArgumentException.class, JsonParseException.class, JsonException.class, XMLStreamException.class,
        SAXException.class})
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    public Map<String, Object> badRequest(Exception e) {
        return Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
