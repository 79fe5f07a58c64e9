package dev.rasp.core.instrumentation.jdbc;

/** The JDBC methods that take SQL text, with their SqlApi codes from the native contract. */
public enum SqlApi {
    STATEMENT_EXECUTE(0, "execute", false),
    STATEMENT_EXECUTE_QUERY(1, "executeQuery", false),
    STATEMENT_EXECUTE_UPDATE(2, "executeUpdate", false),
    STATEMENT_EXECUTE_LARGE_UPDATE(3, "executeLargeUpdate", false),
    STATEMENT_ADD_BATCH(4, "addBatch", false),
    CONNECTION_PREPARE_STATEMENT(5, "prepareStatement", true),
    CONNECTION_PREPARE_CALL(6, "prepareCall", true),
    CONNECTION_NATIVE_SQL(7, "nativeSQL", true);

    /** The code passed to checkSql. */
    public final int code;
    public final String methodName;
    /** Declared by java.sql.Connection (else by java.sql.Statement). */
    public final boolean onConnection;

    SqlApi(int code, String methodName, boolean onConnection) {
        this.code = code;
        this.methodName = methodName;
        this.onConnection = onConnection;
    }
}
