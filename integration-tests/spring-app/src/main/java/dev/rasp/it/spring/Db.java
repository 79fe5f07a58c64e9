package dev.rasp.it.spring;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** One database of the application: how to connect and how to put it back into its seeded state. */
public final class Db {
    /** A source of connections (a pool, a driver DataSource or DriverManager). */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection get() throws SQLException;
    }

    /** The seeded users (id, name, email, role); the same rows in every database. */
    public static final String[][] USERS = {
        {"1", "alice", "alice@example.com", "admin"},
        {"2", "bob", "bob@example.com", "user"},
        {"3", "carol", "carol@example.com", "user"},
        {"4", "O'Brien", "obrien@example.com", "user"},
        {"5", "admin", "root@example.com", "admin"},
    };
    /** The secrets a UNION injection would leak. */
    public static final String[][] SECRETS = {
        {"1", "s3cr3t-token-alpha"},
        {"2", "s3cr3t-token-bravo"},
    };

    private final String name;
    private final String url;
    private final ConnectionSource source;

    public Db(String name, String url, ConnectionSource source) {
        this.name = name;
        this.url = url;
        this.source = source;
    }

    public String name() { return name; }
    public String url() { return url; }

    public Connection connection() throws SQLException {
        return source.get();
    }

    /** Drops and recreates users and secrets with the seed rows (constant SQL only). */
    public synchronized void reset() throws SQLException {
        try (Connection c = connection()) {
            c.setAutoCommit(true);
            for (String table : new String[] {"users", "secrets"}) {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE " + table);
                } catch (SQLException absent) {
                    // not there yet
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(100), email VARCHAR(200), role VARCHAR(50))");
                s.execute("CREATE TABLE secrets (id INT PRIMARY KEY, token VARCHAR(100))");
            }
            try (var ps = c.prepareStatement("INSERT INTO users (id, name, email, role) VALUES (?, ?, ?, ?)")) {
                for (String[] u : USERS) {
                    ps.setInt(1, Integer.parseInt(u[0]));
                    ps.setString(2, u[1]);
                    ps.setString(3, u[2]);
                    ps.setString(4, u[3]);
                    ps.executeUpdate();
                }
            }
            try (var ps = c.prepareStatement("INSERT INTO secrets (id, token) VALUES (?, ?)")) {
                for (String[] s : SECRETS) {
                    ps.setInt(1, Integer.parseInt(s[0]));
                    ps.setString(2, s[1]);
                    ps.executeUpdate();
                }
            }
        }
    }
}
