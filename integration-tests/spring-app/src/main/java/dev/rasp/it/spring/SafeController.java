package dev.rasp.it.spring;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Correctly bound twins of the vulnerable endpoints, and read-only state reports for the tests. */
@RestController
public class SafeController {
    private final Databases dbs;

    public SafeController(Databases dbs) {
        this.dbs = dbs;
    }

    @GetMapping("/health")
    public String health() {
        return "ok";
    }

    /** Whether this request is served on a virtual thread (JDK 21+; reflection keeps the app on Java 17). */
    @GetMapping("/thread")
    public Map<String, Object> thread() {
        boolean virtual;
        try {
            virtual = (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
        } catch (ReflectiveOperationException e) {
            virtual = false;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("virtual", virtual);
        out.put("name", Thread.currentThread().toString());
        return out;
    }

    @GetMapping("/{db}/safe/by-name")
    public List<Map<String, Object>> byName(@PathVariable String db, @RequestParam String name) throws SQLException {
        try (Connection c = dbs.get(db).connection();
             PreparedStatement ps = c.prepareStatement(VulnerableController.SELECT + " WHERE name = ? AND role <> 'locked'")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return Rows.of(rs);
            }
        }
    }

    @GetMapping("/{db}/safe/by-id")
    public List<Map<String, Object>> byId(@PathVariable String db, @RequestParam int id) throws SQLException {
        try (Connection c = dbs.get(db).connection();
             PreparedStatement ps = c.prepareStatement(VulnerableController.SELECT + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return Rows.of(rs);
            }
        }
    }

    @GetMapping("/{db}/safe/search")
    public List<Map<String, Object>> search(@PathVariable String db, @RequestParam String q) throws SQLException {
        try (Connection c = dbs.get(db).connection();
             PreparedStatement ps = c.prepareStatement(VulnerableController.SELECT + " WHERE name LIKE ? OR email LIKE ? ORDER BY id")) {
            ps.setString(1, "%" + q + "%");
            ps.setString(2, "%" + q + "%");
            try (ResultSet rs = ps.executeQuery()) {
                return Rows.of(rs);
            }
        }
    }

    @PostMapping(path = "/{db}/safe/delete", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public Map<String, Object> delete(@PathVariable String db, @RequestParam String name) throws SQLException {
        try (Connection c = dbs.get(db).connection(); PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE name = ?")) {
            ps.setString(1, name);
            return Map.of("deleted", ps.executeUpdate());
        }
    }

    /** users exists?, its row count and names, and the secrets count; bound PreparedStatements only. */
    @GetMapping("/{db}/state")
    public Map<String, Object> state(@PathVariable String db) throws SQLException {
        Map<String, Object> state = new LinkedHashMap<>();
        try (Connection c = dbs.get(db).connection()) {
            List<String> names = new ArrayList<>();
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM users WHERE id > ? ORDER BY id")) {
                ps.setInt(1, -1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
                exists = true;
            } catch (SQLException missing) {
                exists = false;
            }
            state.put("usersExists", exists);
            state.put("userCount", names.size());
            state.put("names", names);
            int secrets = -1;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM secrets WHERE id > ?")) {
                ps.setInt(1, -1000);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    secrets = rs.getInt(1);
                }
            } catch (SQLException missing) {
                // secrets dropped
            }
            state.put("secretsCount", secrets);
        }
        return state;
    }

    /** Reseeds one database (constant SQL). Used by the tests between destructive checks. */
    @PostMapping("/reset/{db}")
    public Map<String, Object> reset(@PathVariable String db) throws SQLException {
        dbs.get(db).reset();
        return Map.of("reset", db);
    }

    @GetMapping("/dbs")
    public Map<String, String> list() {
        Map<String, String> urls = new LinkedHashMap<>();
        dbs.all().forEach((k, v) -> urls.put(k, v.url()));
        return urls;
    }
}
