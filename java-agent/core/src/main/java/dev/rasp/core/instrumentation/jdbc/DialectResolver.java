package dev.rasp.core.instrumentation.jdbc;

import dev.rasp.core.engine.Engine;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
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
        // The driver's own classes say which database it is, without asking the connection.
        DriverType type = DRIVER_TYPE.get(target.getClass());
        if (type.dialect != DialectCache.MISS) {
            return type.dialect;
        }
        int d;
        if (!isConnection && !type.statementUnwrapUseless) {
            // A pool's statement proxy (HikariCP's HikariProxyPreparedStatement, new per
            // prepareStatement) hands out the driver's statement, whose class names the database:
            // one field read, where the connection's route costs getConnection, isWrapperFor,
            // unwrap and a cache slot (a WeakReference) per statement.
            d = viaUnwrappedStatement((Statement) target, type);
            if (d != DialectCache.MISS) {
                return d;
            }
        }
        DialectCache cache = isConnection ? connections : statements;
        d = cache.get(target);
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
        // Pools hand out a new proxy per borrow (HikariCP's ProxyConnection): look through it to
        // the driver's connection, which lives as long as the pool keeps it.
        connection = unwrapped(connection);
        d = DRIVER_TYPE.get(connection.getClass()).dialect;
        if (d == DialectCache.MISS) {
            d = connections.get(connection);
        }
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

    /** Wrapper levels looked through (a pool's proxy under a tracing wrapper, ...). */
    private static final int MAX_UNWRAP = 4;

    /**
     * The dialect of the driver's statement under {@code statement}'s wrappers, or MISS when no
     * level is a known driver's. Trusts the statement's class exactly as the first check in
     * {@link #dialectOf} does, so a pool over several databases gets each statement's own.
     */
    private static int viaUnwrappedStatement(Statement statement, DriverType type) {
        Object current = statement;
        for (int level = 0; level < MAX_UNWRAP; level++) {
            Object inner;
            try {
                inner = ((Statement) current).unwrap(Statement.class);
            } catch (SQLFeatureNotSupportedException | UnsupportedOperationException | AbstractMethodError e) {
                if (level == 0) {
                    type.statementUnwrapUseless = true; // a JDBC 3 wrapper: not worth an exception per call
                }
                return DialectCache.MISS;
            } catch (SQLException | RuntimeException e) {
                return DialectCache.MISS; // a closed statement and the like: this one instance only
            }
            if (inner == null || inner == current) {
                if (level == 0) {
                    type.statementUnwrapUseless = true; // not a wrapper at all (an unknown driver's own class)
                }
                return DialectCache.MISS;
            }
            int d = DRIVER_TYPE.get(inner.getClass()).dialect;
            if (d != DialectCache.MISS) {
                return d;
            }
            if (!(inner instanceof Statement)) {
                return DialectCache.MISS;
            }
            current = inner;
        }
        return DialectCache.MISS;
    }

    private static Connection unwrapped(Connection connection) {
        try {
            Connection inner = connection.isWrapperFor(Connection.class) ? connection.unwrap(Connection.class) : null;
            return inner != null ? inner : connection;
        } catch (SQLException | RuntimeException | AbstractMethodError e) {
            return connection; // a driver without JDBC 4 wrapper support
        }
    }

    /** Package prefixes of JDBC drivers and their dialect codes (see the native contract). */
    private static final String[][] DRIVER_PACKAGES = {
        {"org.h2.", "6"}, {"org.sqlite.", "5"}, {"org.hsqldb.", "7"}, {"org.postgresql.", "2"},
        {"com.mysql.", "1"}, {"org.mariadb.", "1"}, {"oracle.jdbc.", "3"},
        {"com.microsoft.sqlserver.", "4"}, {"net.sourceforge.jtds.", "4"},
        {"com.ibm.db2.", "8"}, {"com.ibm.as400.", "8"},
        {"org.apache.derby.", "9"},
    };

    /** The dialect of a driver class by its package, or {@link DialectCache#MISS}. */
    static int dialectOfDriverClass(String className) {
        for (String[] p : DRIVER_PACKAGES) {
            if (className.startsWith(p[0])) {
                return Integer.parseInt(p[1]);
            }
        }
        return DialectCache.MISS;
    }

    /** What the resolver knows of a JDBC class: one ClassValue read per check. */
    static final class DriverType {
        /** The driver's dialect, or MISS for a class of no known driver (a pool, a wrapper). */
        final int dialect;
        /**
         * Set once unwrap(Statement.class) on an instance threw or returned the instance itself:
         * then only the connection's route is tried. Only a shortcut: never decides a dialect.
         */
        volatile boolean statementUnwrapUseless;

        DriverType(int dialect) {
            this.dialect = dialect;
        }
    }

    private static final ClassValue<DriverType> DRIVER_TYPE = new ClassValue<DriverType>() {
        @Override
        protected DriverType computeValue(Class<?> type) {
            return new DriverType(dialectOfDriverClass(type.getName()));
        }
    };

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
