package dev.rasp.core.instrumentation.jdbc;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/** Inlined at the start of Connection.prepareStatement/prepareCall/nativeSQL(String, ...). */
public final class ConnectionAdvice {

    private ConnectionAdvice() {
    }

    // Not suppressing: RaspBlockedException must reach the caller instead of the driver preparing the SQL.
    @Advice.OnMethodEnter
    public static void enter(@Advice.This Object connection, @SqlApiCode int api, @Advice.Argument(0) String sql) {
        RaspBridge.onSql(connection, true, api, sql);
    }
}
