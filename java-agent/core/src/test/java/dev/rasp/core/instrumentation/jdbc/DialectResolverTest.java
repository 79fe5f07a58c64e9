package dev.rasp.core.instrumentation.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Driver classes name their database without a round trip to the connection's metadata. */
class DialectResolverTest {

    @Test
    void knownDriverPackagesMapToDialectCodes() {
        assertEquals(6, DialectResolver.dialectOfDriverClass("org.h2.jdbc.JdbcStatement"));
        assertEquals(5, DialectResolver.dialectOfDriverClass("org.sqlite.jdbc4.JDBC4Connection"));
        assertEquals(7, DialectResolver.dialectOfDriverClass("org.hsqldb.jdbc.JDBCConnection"));
        assertEquals(2, DialectResolver.dialectOfDriverClass("org.postgresql.jdbc.PgStatement"));
        assertEquals(1, DialectResolver.dialectOfDriverClass("com.mysql.cj.jdbc.StatementImpl"));
        assertEquals(1, DialectResolver.dialectOfDriverClass("org.mariadb.jdbc.Statement"));
        assertEquals(3, DialectResolver.dialectOfDriverClass("oracle.jdbc.driver.OracleStatement"));
        assertEquals(4, DialectResolver.dialectOfDriverClass("com.microsoft.sqlserver.jdbc.SQLServerStatement"));
        assertEquals(8, DialectResolver.dialectOfDriverClass("com.ibm.db2.jcc.am.Statement"));
        // Derby embedded (EmbedStatement) and the network client (ClientStatement).
        assertEquals(9, DialectResolver.dialectOfDriverClass("org.apache.derby.impl.jdbc.EmbedStatement"));
        assertEquals(9, DialectResolver.dialectOfDriverClass("org.apache.derby.client.am.ClientStatement"));
    }

    @Test
    void poolsAndWrappersAreNotDrivers() {
        assertEquals(DialectCache.MISS, DialectResolver.dialectOfDriverClass("com.zaxxer.hikari.pool.HikariProxyStatement"));
        assertEquals(DialectCache.MISS, DialectResolver.dialectOfDriverClass("com.p6spy.engine.wrapper.StatementWrapper"));
        assertEquals(DialectCache.MISS, DialectResolver.dialectOfDriverClass("org.h2x.Other"));
    }
}
