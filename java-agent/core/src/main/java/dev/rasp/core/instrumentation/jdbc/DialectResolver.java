package dev.rasp.core.instrumentation.jdbc;

import dev.rasp.core.engine.Engine;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The dialect code of the database a JDBC call goes to: Statement.getConnection() (or the
 * Connection itself) -> getMetaData().getURL() -> Engine.dialectOf, cached per object.
 *
 * <p>The caller runs this under the scope's recursion guard: drivers may run SQL of their own
 * inside getMetaData, and that must not be checked.
 */
public final class DialectResolver {

    public static final int GENERIC = 0;

    private final DialectCache connections = new DialectCache(1024);
    private final DialectCache statements = new DialectCache(4096);

    /**
     * @param target a java.sql.Connection when {@code isConnection}, else a java.sql.Statement
     *               (instrumentation is wider than the interfaces; the caller checks the type)
     */
    public int dialectOf(Object target, boolean isConnection) {
        DialectCache cache = isConnection ? connections : statements;
        int d = cache.get(target);
        if (d != DialectCache.MISS) {
            return d;
        }
        Connection connection;
        try {
            connection = isConnection ? (Connection) target : ((Statement) target).getConnection();
        } catch (SQLException | RuntimeException e) {
            return GENERIC; // closed statement and the like: the driver will fail the call itself
        }
        if (connection == null) {
            return GENERIC;
        }
        d = isConnection ? DialectCache.MISS : connections.get(connection);
        if (d == DialectCache.MISS) {
            d = fromUrl(connection);
            if (d == DialectCache.MISS) {
                return GENERIC;
            }
            connections.put(connection, d);
        }
        if (!isConnection) {
            statements.put(target, d);
        }
        return d;
    }

    private static int fromUrl(Connection connection) {
        try {
            DatabaseMetaData meta = connection.getMetaData();
            String url = meta == null ? null : meta.getURL();
            return url == null ? GENERIC : Engine.dialectOf(url);
        } catch (SQLException | RuntimeException e) {
            return DialectCache.MISS; // not cached: maybe the connection answers next time
        }
    }
}
