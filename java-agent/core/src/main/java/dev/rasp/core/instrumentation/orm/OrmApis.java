package dev.rasp.core.instrumentation.orm;

import java.lang.reflect.Method;

/**
 * What an ORM call is, for the native check: the SqlApi code (docs/native-boundary.md), which
 * also tells the engine the query's language, and for native queries the database's dialect.
 */
public final class OrmApis {

    public static final int UNKNOWN = -1;

    // SqlApi codes of the native contract.
    static final int JAKARTA_CREATE_QUERY = 8;
    static final int JAKARTA_CREATE_QUERY_HQL = 9;
    static final int JAKARTA_CREATE_NATIVE_QUERY = 10;
    static final int JAVAX_CREATE_QUERY = 11;
    static final int JAVAX_CREATE_QUERY_HQL = 12;
    static final int JAVAX_CREATE_NATIVE_QUERY = 13;
    static final int HIBERNATE_CREATE_QUERY = 14;
    static final int HIBERNATE_CREATE_SELECTION_QUERY = 15;
    static final int HIBERNATE_CREATE_MUTATION_QUERY = 16;
    static final int HIBERNATE_CREATE_NATIVE_QUERY = 17;
    static final int HIBERNATE_CREATE_NATIVE_MUTATION_QUERY = 18;

    private static final int GENERIC = 0;

    private OrmApis() {
    }

    /** How a receiver class is seen: which EntityManager it is, whether it is Hibernate's. */
    private static final class Shape {
        final boolean jakarta;
        final boolean javax;
        final boolean hibernate;
        /** {@code getJdbcServices()} of a Hibernate session (its dialect), or null. */
        final Method jdbcServices;

        Shape(Class<?> type) {
            jakarta = implementsNamed(type, "jakarta.persistence.EntityManager");
            javax = implementsNamed(type, "javax.persistence.EntityManager");
            hibernate = implementsNamed(type, "org.hibernate.query.QueryProducer")
                    || implementsNamed(type, "org.hibernate.Session");
            jdbcServices = hibernate ? publicMethod(type, "getJdbcServices") : null;
        }
    }

    private static final ClassValue<Method> GET_DIALECT = new ClassValue<Method>() {
        @Override
        protected Method computeValue(Class<?> type) {
            return publicMethod(type, "getDialect");
        }
    };

    private static final ClassValue<Shape> SHAPES = new ClassValue<Shape>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return new Shape(type);
        }
    };

    /**
     * The SqlApi code of {@code method} on {@code receiver}. A class that is a JPA EntityManager
     * reports {@code createQuery}/{@code createNativeQuery} as the EntityManager's (the API
     * applications call; Hibernate's Session is one, and its createQuery serves both interfaces),
     * in HQL when it is Hibernate's; the Hibernate-only methods, and a Hibernate session that is
     * no EntityManager (StatelessSession), report QueryProducer's.
     */
    public static int apiCode(Object receiver, OrmMethod method) {
        Shape s = SHAPES.get(receiver.getClass());
        switch (method) {
            case CREATE_QUERY:
                if (s.jakarta) {
                    return s.hibernate ? JAKARTA_CREATE_QUERY_HQL : JAKARTA_CREATE_QUERY;
                }
                if (s.javax) {
                    return s.hibernate ? JAVAX_CREATE_QUERY_HQL : JAVAX_CREATE_QUERY;
                }
                return s.hibernate ? HIBERNATE_CREATE_QUERY : UNKNOWN;
            case CREATE_NATIVE_QUERY:
                if (s.jakarta) {
                    return JAKARTA_CREATE_NATIVE_QUERY;
                }
                if (s.javax) {
                    return JAVAX_CREATE_NATIVE_QUERY;
                }
                return s.hibernate ? HIBERNATE_CREATE_NATIVE_QUERY : UNKNOWN;
            case CREATE_SELECTION_QUERY:
                return s.hibernate ? HIBERNATE_CREATE_SELECTION_QUERY : UNKNOWN;
            case CREATE_MUTATION_QUERY:
                return s.hibernate ? HIBERNATE_CREATE_MUTATION_QUERY : UNKNOWN;
            case CREATE_NATIVE_MUTATION_QUERY:
                return s.hibernate ? HIBERNATE_CREATE_NATIVE_MUTATION_QUERY : UNKNOWN;
            default:
                return UNKNOWN;
        }
    }

    /**
     * The dialect code of the database a native query goes to: for Hibernate, from the class of
     * its configured {@code org.hibernate.dialect.Dialect} (two getters, no JDBC call); else the
     * generic dialect, which the engine also reads as MySQL.
     */
    public static int nativeDialect(Object receiver) {
        Shape s = SHAPES.get(receiver.getClass());
        if (s.jdbcServices == null) {
            return GENERIC;
        }
        try {
            Object services = s.jdbcServices.invoke(receiver);
            Method getDialect = services == null ? null : GET_DIALECT.get(services.getClass());
            Object dialect = getDialect == null ? null : getDialect.invoke(services);
            return dialect == null ? GENERIC : dialectOfHibernateDialect(dialect.getClass().getName());
        } catch (Exception | LinkageError e) {
            return GENERIC;
        }
    }

    /** Hibernate dialect class names (org.hibernate.dialect.H2Dialect, ...) to dialect codes. */
    static int dialectOfHibernateDialect(String className) {
        String n = className.substring(className.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        String[][] names = {
            {"h2", "6"}, {"hsql", "7"}, {"postgres", "2"}, {"cockroach", "2"}, {"mysql", "1"}, {"mariadb", "1"},
            {"tidb", "1"}, {"oracle", "3"}, {"sqlserver", "4"}, {"sqlite", "5"}, {"db2", "8"},
        };
        for (String[] p : names) {
            if (n.startsWith(p[0])) {
                return Integer.parseInt(p[1]);
            }
        }
        return GENERIC;
    }

    private static boolean implementsNamed(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
            for (Class<?> i : c.getInterfaces()) {
                if (implementsNamed(i, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Method publicMethod(Class<?> type, String name) {
        try {
            Method m = type.getMethod(name);
            try {
                m.setAccessible(true); // a public method declared by a non-public class
            } catch (RuntimeException e) {
                // a public class's public method needs no access override
            }
            return m;
        } catch (Exception | LinkageError e) {
            return null;
        }
    }
}
