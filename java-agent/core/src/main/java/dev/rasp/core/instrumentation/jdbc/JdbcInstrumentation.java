package dev.rasp.core.instrumentation.jdbc;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.TypeShape;

import static dev.rasp.core.instrumentation.matching.Matchers.declaresMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.failSafe;
import static dev.rasp.core.instrumentation.matching.Matchers.hasSuperType;
import static dev.rasp.core.instrumentation.matching.Matchers.isAbstract;
import static dev.rasp.core.instrumentation.matching.Matchers.isInterface;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.isPublic;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.not;
import static dev.rasp.core.instrumentation.matching.Matchers.returns;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * JDBC sinks at the interface level, so every driver and every pool wrapper is covered.
 *
 * <p>A type is a statement implementation when it implements java.sql.Statement, or when it
 * declares {@code ResultSet executeQuery(String)}: some drivers (sqlite-jdbc) implement the
 * methods in an abstract base class that does not itself implement the interface, and the
 * concrete subclass that does declares none of them. Connections likewise with
 * {@code PreparedStatement prepareStatement(String)}. The advice only runs checks when the
 * receiver really is a java.sql.Statement / Connection, so the wider match is harmless.
 */
public final class JdbcInstrumentation implements InstrumentationModule {

    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names("java.sql.Statement", "java.sql.Connection")
                // the declaresMethod alternatives: executeQuery(String) and prepareStatement(String)
                .constant("(Ljava/lang/String;)Ljava/sql/ResultSet;")
                .constant("(Ljava/lang/String;)Ljava/sql/PreparedStatement;");
    }

    static Matcher<TypeShape> statementTypes() {
        return not(isInterface()).and(failSafe(hasSuperType(named("java.sql.Statement"))
                .or(declaresMethod(named("executeQuery").and(takesArguments(String.class))
                        .and(returns(named("java.sql.ResultSet")))))));
    }

    static Matcher<TypeShape> connectionTypes() {
        return not(isInterface()).and(failSafe(hasSuperType(named("java.sql.Connection"))
                .or(declaresMethod(named("prepareStatement").and(takesArguments(String.class))
                        .and(returns(named("java.sql.PreparedStatement")))))));
    }

    /** The public, non-abstract overloads of the API's method whose first parameter is the SQL text. */
    static Matcher<MethodShape> methods(SqlApi api) {
        return isMethod().and(named(api.methodName)).and(isPublic()).and(not(isAbstract()))
                .and(takesArgument(0, String.class));
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        Transformations statements = null;
        for (SqlApi api : SqlApi.values()) {
            if (!api.onConnection) {
                CachedAdvice t = advice(api, StatementAdvice.class, adviceLoader);
                statements = statements == null ? builder.type(statementTypes()).transform(t) : statements.transform(t);
            }
        }
        Transformations connections = null;
        for (SqlApi api : SqlApi.values()) {
            if (api.onConnection) {
                CachedAdvice t = advice(api, ConnectionAdvice.class, adviceLoader);
                connections = connections == null ? statements.type(connectionTypes()).transform(t) : connections.transform(t);
            }
        }
        return connections;
    }

    private static CachedAdvice advice(SqlApi api, Class<?> adviceClass, ClassLoader adviceLoader) {
        return CachedAdvice.of(adviceLoader).bind(SqlApiCode.class, api.code)
                .advice(methods(api), adviceClass.getName());
    }
}
