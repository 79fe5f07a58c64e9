package dev.rasp.it.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hsqldb.jdbc.JDBCDataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * The application's databases, keyed by the {@code {db}} path segment: h2 (in memory, behind a HikariCP pool),
 * sqlite (a file, DriverManager), hsqldb (in memory, the driver's DataSource) and pg (DriverManager, only when
 * {@code pg.url} is set). All are seeded at start.
 */
@Component
public class Databases {
    private final Map<String, Db> dbs = new LinkedHashMap<>();
    private final HikariDataSource h2Pool;

    public Databases(@Value("${sqlite.dir:}") String sqliteDir, @Value("${pg.url:}") String pgUrl)
            throws SQLException, IOException {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:h2:mem:rasp;DB_CLOSE_DELAY=-1");
        hc.setUsername("sa");
        hc.setPassword("");
        hc.setMaximumPoolSize(4);
        hc.setPoolName("h2-pool");
        h2Pool = new HikariDataSource(hc);
        dbs.put("h2", new Db("h2", hc.getJdbcUrl(), h2Pool::getConnection));

        Path dir = sqliteDir.isEmpty() ? Files.createTempDirectory("rasp-it-sqlite") : Files.createDirectories(Path.of(sqliteDir));
        String sqliteUrl = "jdbc:sqlite:" + dir.resolve("app.db").toAbsolutePath();
        dbs.put("sqlite", new Db("sqlite", sqliteUrl, () -> DriverManager.getConnection(sqliteUrl)));

        JDBCDataSource hsql = new JDBCDataSource();
        hsql.setUrl("jdbc:hsqldb:mem:rasp");
        hsql.setUser("SA");
        hsql.setPassword("");
        dbs.put("hsqldb", new Db("hsqldb", hsql.getUrl(), hsql::getConnection));

        if (!pgUrl.isEmpty()) {
            dbs.put("pg", new Db("pg", pgUrl, () -> DriverManager.getConnection(pgUrl)));
        }
        for (Db db : dbs.values()) {
            db.reset();
        }
    }

    public Db get(String name) {
        Db db = dbs.get(name);
        if (db == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no database " + name + "; have " + dbs.keySet());
        }
        return db;
    }

    public Map<String, Db> all() {
        return dbs;
    }

    @PreDestroy
    public void close() {
        h2Pool.close();
    }
}
