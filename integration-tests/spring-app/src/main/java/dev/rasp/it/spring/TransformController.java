package dev.rasp.it.spring;

import java.io.File;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.Normalizer;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * Deliberately injectable endpoints that change the input before it reaches the sink, the way real code does: re-cased,
 * trimmed, decoded from a base64 cursor, unescaped from JSON escapes by hand, decoded from HTML entities, decoded once
 * more with {@link URLDecoder} ({@code +} becomes a space), NFKC-normalised (full-width quotes become ASCII ones), a filter built from single-word parameters, a file name
 * {@link File} normalises; a body read as a string whatever its content type says; the first hop of
 * {@code X-Forwarded-For} and the user of a Basic {@code Authorization} header. The request never carries the text that
 * reaches the statement or the file.
 */
@RestController
@RequestMapping("/transform/h2")
public class TransformController {
    static final String SELECT = VulnerableController.SELECT;

    private final Databases dbs;
    private final FileArea files;

    public TransformController(Databases dbs, FileArea files) {
        this.dbs = dbs;
        this.files = files;
    }

    /** User names are stored lower-case. */
    @GetMapping("/lower")
    public List<Map<String, Object>> lower(@RequestParam String name) throws SQLException {
        return query(SELECT + " WHERE name = '" + name.toLowerCase(Locale.ROOT) + "'");
    }

    /** Codes are stored upper-case. */
    @GetMapping("/upper")
    public List<Map<String, Object>> upper(@RequestParam String role) throws SQLException {
        return query(SELECT + " WHERE UPPER(role) = '" + role.toUpperCase(Locale.ROOT) + "' ORDER BY id");
    }

    /** Forms send padded values. */
    @GetMapping("/trim")
    public List<Map<String, Object>> trim(@RequestParam String name) throws SQLException {
        return query(SELECT + " WHERE name = '" + name.trim() + "'");
    }

    /** A pagination cursor: base64 (URL-safe) of the last name seen. */
    @GetMapping("/page")
    public List<Map<String, Object>> page(@RequestParam String after) throws SQLException {
        String last = new String(Base64.getUrlDecoder().decode(after), StandardCharsets.UTF_8);
        return query(SELECT + " WHERE name > '" + last + "' ORDER BY name");
    }

    /** A client that JSON-escapes its values; the application undoes {@code \\uXXXX} itself. */
    @GetMapping("/unescape")
    public List<Map<String, Object>> unescape(@RequestParam String name) throws SQLException {
        return query(SELECT + " WHERE name = '" + unescapeJson(name) + "'");
    }

    /** A value that arrives HTML-escaped from a rich-text client. */
    @GetMapping("/html")
    public List<Map<String, Object>> html(@RequestParam String name) throws SQLException {
        return query(SELECT + " WHERE name = '" + HtmlUtils.htmlUnescape(name) + "'");
    }

    /** A value the client encoded twice; the application decodes it once more with {@link URLDecoder}. */
    @GetMapping("/urldecode")
    public List<Map<String, Object>> urldecode(@RequestParam String name) throws SQLException {
        return query(SELECT + " WHERE name = '" + URLDecoder.decode(name, StandardCharsets.UTF_8) + "'");
    }

    /** Names normalised the way input-validation guides advise: NFKC, which makes the full-width apostrophe an ASCII one. */
    @GetMapping("/nfkc")
    public List<Map<String, Object>> nfkc(@RequestParam String name) throws SQLException {
        return query(SELECT + " WHERE name = '" + Normalizer.normalize(name, Normalizer.Form.NFKC) + "'");
    }

    /** The body as a string: Spring's {@code @RequestBody String} takes any content type, and none. */
    @PostMapping("/body")
    public List<Map<String, Object>> body(@RequestBody String name) throws SQLException {
        return query(SELECT + " WHERE name = '" + name + "'");
    }

    /** The client's address as a proxy chain names it first; the users table stands in for an audit table. */
    @GetMapping("/client")
    public List<Map<String, Object>> client(@RequestHeader("X-Forwarded-For") String forwardedFor) throws SQLException {
        String client = forwardedFor.split(",")[0].trim();
        return query(SELECT + " WHERE name = '" + client + "'");
    }

    /** A hand-written Basic authentication: the user name from the header, looked up. */
    @GetMapping("/whoami")
    public List<Map<String, Object>> whoami(@RequestHeader("Authorization") String authorization) throws SQLException {
        String pair = new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())), StandardCharsets.UTF_8);
        String user = pair.substring(0, pair.indexOf(':'));
        return query(SELECT + " WHERE name = '" + user + "'");
    }

    /** A filter builder: id, a connective and a flag from three parameters. */
    @GetMapping("/filter")
    public List<Map<String, Object>> filter(@RequestParam String id, @RequestParam String conj, @RequestParam String flag)
        throws SQLException {
        return query(SELECT + " WHERE id = " + id + " " + conj + " " + flag + " ORDER BY id");
    }

    /** A file of the base directory; {@code new File(dir, name)} collapses doubled separators. */
    @GetMapping("/file")
    public Map<String, Object> file(@RequestParam String name) throws IOException {
        File f = new File(files.base.toFile(), name);
        return Map.of("path", f.getPath(), "content", Files.readString(f.toPath(), StandardCharsets.UTF_8));
    }

    private List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection c = dbs.get("h2").connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return Rows.of(rs);
        }
    }

    /** Undoes {@code \\uXXXX}, {@code \\"} and {@code \\\\} the way hand-written client code does. */
    static String unescapeJson(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 5 < s.length() && s.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else if (c == '\\' && i + 1 < s.length()) {
                out.append(s.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
