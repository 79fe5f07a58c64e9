package dev.rasp.it.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An embedded Apache Derby database (in memory, DriverManager) with the same seeded users and secrets as the others,
 * and a name concatenated into a string literal. Derby has no backslash escapes: {@code 'C:\Users\'} is a whole
 * literal there, and {@code x\' OR 1=1 --} closes the literal after the backslash. Kept out of {@link Databases} so
 * the suites that run every case on every database there do not grow a fifth one.
 */
@RestController
@RequestMapping("/dialect/derby")
public class DerbyController {
    static final String URL = "jdbc:derby:memory:rasp;create=true";

    private final Db db;

    public DerbyController() throws SQLException, IOException {
        // Derby writes derby.log into the working directory unless told otherwise.
        if (System.getProperty("derby.stream.error.file") == null) {
            System.setProperty("derby.stream.error.file",
                Files.createTempDirectory("rasp-it-derby").resolve("derby.log").toString());
        }
        db = new Db("derby", URL, () -> DriverManager.getConnection(URL));
        db.reset();
    }

    /** String literal, query parameter, Statement.executeQuery. */
    @GetMapping("/users/by-name")
    public List<Map<String, Object>> byName(@RequestParam String name) throws SQLException {
        return query(VulnerableController.SELECT + " WHERE name = '" + name + "' AND role <> 'locked'");
    }

    /** Puts the seed rows back (constant SQL only). */
    @PostMapping("/reset")
    public Map<String, Object> reset() throws SQLException {
        db.reset();
        return Map.of("reset", db.name());
    }

    private List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return Rows.of(rs);
        }
    }
}
