package dev.rasp.core.instrumentation.orm;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/** Inlined at the start of EntityManager/Session create*Query(String, ...). */
public final class QueryAdvice {

    private QueryAdvice() {
    }

    // Not suppressing: RaspBlockedException must reach the caller instead of the ORM creating the query.
    @Advice.OnMethodEnter
    public static void enter(@Advice.This Object producer, @OrmMethodKind int method, @Advice.Argument(0) String query) {
        RaspBridge.onQuery(producer, method, query);
    }
}
