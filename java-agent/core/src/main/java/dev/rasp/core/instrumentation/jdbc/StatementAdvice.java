package dev.rasp.core.instrumentation.jdbc;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/** Inlined at the start of Statement.execute*(String, ...) and addBatch(String). */
public final class StatementAdvice {

    private StatementAdvice() {
    }

    // Not suppressing: RaspBlockedException must reach the caller instead of the driver running the SQL.
    @Advice.OnMethodEnter
    public static void enter(@Advice.This Object statement, @SqlApiCode int api, @Advice.Argument(0) String sql) {
        RaspBridge.onSql(statement, false, api, sql);
    }
}
