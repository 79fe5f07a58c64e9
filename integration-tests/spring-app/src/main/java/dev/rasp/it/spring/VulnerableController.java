package dev.rasp.it.spring;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deliberately injectable endpoints: request input concatenated into SQL. Each one is the way real
 * vulnerable code is written; the tests prove (without the agent) that the injections really work.
 */
@RestController
@RequestMapping("/{db}")
public class VulnerableController {
    static final String SELECT = "SELECT id, name, email, role FROM users";

    private final Databases dbs;

    public VulnerableController(Databases dbs) {
        this.dbs = dbs;
    }

    /** String literal, query parameter, Statement.executeQuery. */
    @GetMapping("/users/by-name")
    public List<Map<String, Object>> byName(@PathVariable String db, @RequestParam String name) throws SQLException {
        return query(db, SELECT + " WHERE name = '" + name + "' AND role <> 'locked'");
    }

    /** Numeric position, query parameter, Statement.executeQuery. */
    @GetMapping("/users/by-id")
    public List<Map<String, Object>> byId(@PathVariable String db, @RequestParam String id) throws SQLException {
        return query(db, SELECT + " WHERE id = " + id);
    }

    /** Concatenation into Connection.prepareStatement, then executed (a "prepared" statement that binds nothing). */
    @GetMapping("/users/prepared-concat")
    public List<Map<String, Object>> preparedConcat(@PathVariable String db, @RequestParam String name) throws SQLException {
        try (Connection c = dbs.get(db).connection();
             PreparedStatement ps = c.prepareStatement(SELECT + " WHERE name = '" + name + "' ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            return Rows.of(rs);
        }
    }

    /** ORDER BY from a sort parameter. */
    @GetMapping("/users/sorted")
    public List<Map<String, Object>> sorted(@PathVariable String db, @RequestParam(defaultValue = "id") String sort) throws SQLException {
        return query(db, SELECT + " ORDER BY " + sort);
    }

    /** IN list from ids=1,2,3. */
    @GetMapping("/users/in")
    public List<Map<String, Object>> in(@PathVariable String db, @RequestParam String ids) throws SQLException {
        return query(db, SELECT + " WHERE id IN (" + ids + ") ORDER BY id");
    }

    /** LIKE '%q%' search. */
    @GetMapping("/users/search")
    public List<Map<String, Object>> search(@PathVariable String db, @RequestParam String q) throws SQLException {
        return query(db, SELECT + " WHERE name LIKE '%" + q + "%' OR email LIKE '%" + q + "%' ORDER BY id");
    }

    /** DELETE by name from a form field, Statement.executeUpdate. */
    @PostMapping(path = "/users/delete", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public Map<String, Object> delete(@PathVariable String db, @RequestParam String name) throws SQLException {
        try (Connection c = dbs.get(db).connection(); Statement st = c.createStatement()) {
            int n = st.executeUpdate("DELETE FROM users WHERE name = '" + name + "'");
            return Map.of("deleted", n);
        }
    }

    /** DELETE by name through Statement.addBatch / executeBatch (one statement per name value). */
    @PostMapping(path = "/users/delete-batch", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public Map<String, Object> deleteBatch(@PathVariable String db, @RequestParam List<String> name) throws SQLException {
        try (Connection c = dbs.get(db).connection(); Statement st = c.createStatement()) {
            for (String n : name) {
                st.addBatch("DELETE FROM users WHERE name = '" + n + "'");
            }
            int total = 0;
            for (int n : st.executeBatch()) {
                total += Math.max(n, 0);
            }
            return Map.of("deleted", total);
        }
    }

    /** String literal from a path segment (REST style), Statement.executeQuery. */
    @GetMapping("/users/named/{name}")
    public List<Map<String, Object>> named(@PathVariable String db, @PathVariable String name) throws SQLException {
        return query(db, SELECT + " WHERE name = '" + name + "' AND role <> 'locked'");
    }

    /** String literal from a form POST field, Statement.execute + getResultSet. */
    @PostMapping(path = "/form/by-name", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public List<Map<String, Object>> formByName(@PathVariable String db, @RequestParam String name) throws SQLException {
        try (Connection c = dbs.get(db).connection(); Statement st = c.createStatement()) {
            if (!st.execute(SELECT + " WHERE name = '" + name + "' AND role <> 'locked'")) {
                return List.of();
            }
            try (ResultSet rs = st.getResultSet()) {
                return Rows.of(rs);
            }
        }
    }

    public record NameQuery(String name) {}

    /** String literal from a JSON body (@RequestBody). */
    @PostMapping(path = "/json/by-name", consumes = MediaType.APPLICATION_JSON_VALUE)
    public List<Map<String, Object>> jsonByName(@PathVariable String db, @RequestBody NameQuery q) throws SQLException {
        return query(db, SELECT + " WHERE name = '" + q.name() + "' AND role <> 'locked'");
    }

    /** String literal from a header (X-User). */
    @GetMapping("/header/by-name")
    public List<Map<String, Object>> headerByName(@PathVariable String db, @RequestHeader("X-User") String user) throws SQLException {
        return query(db, SELECT + " WHERE name = '" + user + "' AND role <> 'locked'");
    }

    /** String literal from a cookie (user). */
    @GetMapping("/cookie/by-name")
    public List<Map<String, Object>> cookieByName(@PathVariable String db, @CookieValue("user") String user) throws SQLException {
        return query(db, SELECT + " WHERE name = '" + user + "' AND role <> 'locked'");
    }

    /**
     * The application normalises the name (trimmed, lower-cased) before building the statement, so
     * the input reaches the sink changed: the substring search of the structural detectors cannot
     * find it there, the input signatures of the rule set can (docs/rules.md §4.3).
     */
    @GetMapping("/users/by-name-normalized")
    public List<Map<String, Object>> byNameNormalized(@PathVariable String db, @RequestParam String name) throws SQLException {
        String key = name.trim().toLowerCase(Locale.ROOT);
        return query(db, SELECT + " WHERE lower(name) = '" + key + "' ORDER BY id");
    }

    /** Swallows every exception and answers 200 with its own body (the agent must still answer 403). */
    @GetMapping("/catching/by-name")
    public Map<String, Object> catching(@PathVariable String db, @RequestParam String name) {
        Map<String, Object> answer = new LinkedHashMap<>();
        try {
            answer.put("users", query(db, SELECT + " WHERE name = '" + name + "' AND role <> 'locked'"));
        } catch (Exception e) {
            answer.put("users", List.of());
            answer.put("error", "lookup failed: " + e);
        }
        return answer;
    }

    private List<Map<String, Object>> query(String db, String sql) throws SQLException {
        try (Connection c = dbs.get(db).connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return Rows.of(rs);
        }
    }
}
