package dev.rasp.it.javax;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;

/** One database: how to connect, and how to reseed it (the same rows as the Spring app). */
public final class Db {
    interface Source {
        Connection get() throws SQLException;
    }

    static final String[][] USERS = {
        {"1", "alice", "alice@example.com", "admin"},
        {"2", "bob", "bob@example.com", "user"},
        {"3", "carol", "carol@example.com", "user"},
        {"4", "O'Brien", "obrien@example.com", "user"},
        {"5", "admin", "root@example.com", "admin"},
    };
    static final String[][] SECRETS = {
        {"1", "s3cr3t-token-alpha"},
        {"2", "s3cr3t-token-bravo"},
    };

    private final Source source;

    private Db(Source source) {
        this.source = source;
    }

    static Db h2(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        ds.setPassword("");
        return new Db(ds::getConnection);
    }

    static Db driverManager(String url) {
        return new Db(() -> DriverManager.getConnection(url));
    }

    Connection connection() throws SQLException {
        return source.get();
    }

    synchronized void reset() throws SQLException {
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
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, name, email, role) VALUES (?, ?, ?, ?)")) {
                for (String[] u : USERS) {
                    ps.setInt(1, Integer.parseInt(u[0]));
                    ps.setString(2, u[1]);
                    ps.setString(3, u[2]);
                    ps.setString(4, u[3]);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets (id, token) VALUES (?, ?)")) {
                for (String[] s : SECRETS) {
                    ps.setInt(1, Integer.parseInt(s[0]));
                    ps.setString(2, s[1]);
                    ps.executeUpdate();
                }
            }
        }
    }
}
