package dev.rasp.core.instrumentation.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real HikariCP pools over two databases in one JVM: the pool's proxy classes are the same for
 * both, so whatever the resolver remembers about a proxy class must never carry one pool's
 * dialect over to the other's statements.
 */
class DialectResolverPoolTest {

    private static final int H2 = 6;
    private static final int HSQLDB = 7;

    private static HikariDataSource h2;
    private static HikariDataSource hsqldb;

    @BeforeAll
    static void pools() {
        h2 = pool("jdbc:h2:mem:dialects;DB_CLOSE_DELAY=-1");
        hsqldb = pool("jdbc:hsqldb:mem:dialects");
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("sa");
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    @AfterAll
    static void close() {
        h2.close();
        hsqldb.close();
    }

    @Test
    void poolStatementsOfTwoDatabasesInterleavedGetTheirOwnDialect() throws Exception {
        DialectResolver resolver = new DialectResolver();
        for (int i = 0; i < 50; i++) {
            try (Connection a = h2.getConnection(); Connection b = hsqldb.getConnection();
                 PreparedStatement pa = a.prepareStatement("SELECT 1");
                 PreparedStatement pb = b.prepareStatement("SELECT 1 FROM (VALUES(0))");
                 Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                assertSame(pa.getClass(), pb.getClass(), "the pool's proxy class is shared");
                assertEquals(H2, resolver.dialectOf(pa, false));
                assertEquals(HSQLDB, resolver.dialectOf(pb, false));
                assertEquals(H2, resolver.dialectOf(sa, false));
                assertEquals(HSQLDB, resolver.dialectOf(sb, false));
                assertEquals(HSQLDB, resolver.dialectOf(b, true));
                assertEquals(H2, resolver.dialectOf(a, true));
            }
        }
    }

    @Test
    void wrapperWithoutUnwrapFallsBackToItsConnection() throws Exception {
        DialectResolver resolver = new DialectResolver();
        for (int i = 0; i < 3; i++) {
            try (Connection a = h2.getConnection(); Connection b = hsqldb.getConnection();
                 Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                Statement wa = noUnwrap(sa);
                Statement wb = noUnwrap(sb);
                assertSame(wa.getClass(), wb.getClass());
                // the first call finds unwrap unsupported on the shared wrapper class; both still resolve
                assertEquals(HSQLDB, resolver.dialectOf(wb, false));
                assertEquals(H2, resolver.dialectOf(wa, false));
                assertEquals(HSQLDB, resolver.dialectOf(wb, false));
            }
        }
    }

    @Test
    void nestedWrappersAreLookedThrough() throws Exception {
        DialectResolver resolver = new DialectResolver();
        try (Connection a = h2.getConnection(); Connection b = hsqldb.getConnection();
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            assertEquals(H2, resolver.dialectOf(unwrapping(unwrapping(sa)), false));
            assertEquals(HSQLDB, resolver.dialectOf(unwrapping(unwrapping(sb)), false));
        }
    }

    /** A JDBC 3 style wrapper: unwrap is not supported, everything else is delegated. */
    private static Statement noUnwrap(Statement delegate) {
        return (Statement) Proxy.newProxyInstance(DialectResolverPoolTest.class.getClassLoader(),
            new Class<?>[] {Statement.class}, (proxy, method, args) -> {
                if (method.getName().equals("unwrap")) {
                    throw new SQLFeatureNotSupportedException("unwrap");
                }
                return invoke(method, delegate, args);
            });
    }

    /** A tracing wrapper whose unwrap hands out what it wraps. */
    private static Statement unwrapping(Statement delegate) {
        return (Statement) Proxy.newProxyInstance(DialectResolverPoolTest.class.getClassLoader(),
            new Class<?>[] {Statement.class, Marker.class}, (proxy, method, args) -> {
                if (method.getName().equals("unwrap")) {
                    return delegate;
                }
                return invoke(method, delegate, args);
            });
    }

    interface Marker {
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
