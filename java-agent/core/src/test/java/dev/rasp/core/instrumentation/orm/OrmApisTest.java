package dev.rasp.core.instrumentation.orm;

import dev.rasp.core.instrumentation.ByteBuddyShapes;
import dev.rasp.core.instrumentation.JdkTypes;
import dev.rasp.core.instrumentation.TypeHierarchy;
import dev.rasp.core.instrumentation.matching.ClassFileShape;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.TypeShape;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.objectweb.asm.ClassReader;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrmApisTest {

    /** A Hibernate-like session: both an EntityManager and a QueryProducer. */
    static class FakeSession implements jakarta.persistence.EntityManager, org.hibernate.query.QueryProducer {
        @Override
        public String createQuery(String query) {
            return query;
        }

        @Override
        public Object createSelectionQuery(String hql) {
            return hql;
        }

        public Object createNativeQuery(String sql) {
            return sql;
        }
    }

    /** Another provider's EntityManager. */
    static class FakeEntityManager implements jakarta.persistence.EntityManager {
        @Override
        public Object createQuery(String query) {
            return query;
        }
    }

    /** A Hibernate session that is no EntityManager (StatelessSession). */
    static class FakeStatelessSession implements org.hibernate.query.QueryProducer {
        @Override
        public Object createSelectionQuery(String hql) {
            return hql;
        }
    }

    @Test
    void apiCodesNameTheInterfaceAndTheLanguage() {
        FakeSession session = new FakeSession();
        assertEquals(OrmApis.JAKARTA_CREATE_QUERY_HQL, OrmApis.apiCode(session, OrmMethod.CREATE_QUERY));
        assertEquals(OrmApis.JAKARTA_CREATE_NATIVE_QUERY, OrmApis.apiCode(session, OrmMethod.CREATE_NATIVE_QUERY));
        assertEquals(OrmApis.HIBERNATE_CREATE_SELECTION_QUERY, OrmApis.apiCode(session, OrmMethod.CREATE_SELECTION_QUERY));
        assertEquals(OrmApis.JAKARTA_CREATE_QUERY, OrmApis.apiCode(new FakeEntityManager(), OrmMethod.CREATE_QUERY));
        assertEquals(OrmApis.UNKNOWN, OrmApis.apiCode(new FakeEntityManager(), OrmMethod.CREATE_MUTATION_QUERY));
        FakeStatelessSession stateless = new FakeStatelessSession();
        assertEquals(OrmApis.HIBERNATE_CREATE_QUERY, OrmApis.apiCode(stateless, OrmMethod.CREATE_QUERY));
        assertEquals(OrmApis.HIBERNATE_CREATE_NATIVE_MUTATION_QUERY,
                OrmApis.apiCode(stateless, OrmMethod.CREATE_NATIVE_MUTATION_QUERY));
        assertEquals(OrmApis.UNKNOWN, OrmApis.apiCode(new Object(), OrmMethod.CREATE_QUERY));
    }

    @Test
    void nativeQueriesOfUnknownProvidersAreGeneric() {
        assertEquals(0, OrmApis.nativeDialect(new FakeEntityManager()));
        assertEquals(0, OrmApis.nativeDialect(new FakeSession())); // no getJdbcServices()
    }

    @Test
    void hibernateDialectClassesMapToDialectCodes() {
        assertEquals(6, OrmApis.dialectOfHibernateDialect("org.hibernate.dialect.H2Dialect"));
        assertEquals(2, OrmApis.dialectOfHibernateDialect("org.hibernate.dialect.PostgreSQLDialect"));
        assertEquals(1, OrmApis.dialectOfHibernateDialect("org.hibernate.dialect.MariaDBDialect"));
        assertEquals(4, OrmApis.dialectOfHibernateDialect("org.hibernate.dialect.SQLServerDialect"));
        assertEquals(7, OrmApis.dialectOfHibernateDialect("org.hibernate.dialect.HSQLDialect"));
        assertEquals(5, OrmApis.dialectOfHibernateDialect("org.hibernate.community.dialect.SQLiteDialect"));
        assertEquals(0, OrmApis.dialectOfHibernateDialect("com.example.MyDialect"));
    }

    @Test
    void methodKindsRoundTrip() {
        for (OrmMethod m : OrmMethod.values()) {
            assertEquals(m, OrmMethod.of(m.kind));
        }
        assertEquals(null, OrmMethod.of(-1));
        assertEquals(null, OrmMethod.of(OrmMethod.values().length));
    }

    /** A class as the agent's transformer describes it: from its class file, its super types from its loader. */
    private static TypeShape classFile(Class<?> type) throws Exception {
        ClassLoader loader = type.getClassLoader();
        byte[] bytes = ClassFileLocator.ForClassLoader.of(loader).locate(type.getName()).resolve();
        return new ClassFileShape(new ClassReader(bytes),
                new TypeHierarchy(new JdkTypes()).of(loader, (java.security.ProtectionDomain) null));
    }

    /** A loaded class as ByteBuddy describes it (what the agent falls back to for a class with no class file). */
    private static TypeShape loaded(Class<?> type) {
        return ByteBuddyShapes.of(TypeDescription.ForLoadedType.of(type));
    }

    @Test
    void implementationsAreMatchedButNotProxiesOrInterfaces() throws Exception {
        assertTrue(OrmInstrumentation.producerTypes().matches(classFile(FakeSession.class)));
        assertTrue(OrmInstrumentation.producerTypes().matches(classFile(FakeStatelessSession.class)));
        assertTrue(OrmInstrumentation.producerTypes().matches(classFile(FakeEntityManager.class)));
        assertFalse(OrmInstrumentation.producerTypes().matches(classFile(jakarta.persistence.EntityManager.class)));
        assertFalse(OrmInstrumentation.producerTypes().matches(classFile(OrmApisTest.class)), "no producer");
        assertTrue(OrmInstrumentation.producerTypes().matches(loaded(FakeSession.class)));
        assertTrue(OrmInstrumentation.producerTypes().matches(loaded(FakeStatelessSession.class)));
        assertFalse(OrmInstrumentation.producerTypes().matches(loaded(jakarta.persistence.EntityManager.class)));
        // a JDK proxy has no class file: described by reflection
        Object proxy = Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {jakarta.persistence.EntityManager.class}, (p, m, a) -> null);
        assertFalse(OrmInstrumentation.producerTypes().matches(loaded(proxy.getClass())), proxy.getClass().getName());
    }

    @Test
    void bridgeMethodsAreNotHooked() throws Exception {
        // FakeSession.createQuery returns String: javac adds a bridge returning Object for the interface.
        int hooked = 0;
        int bridges = 0;
        for (MethodShape m : classFile(FakeSession.class).methods()) {
            if (!m.name().equals("createQuery")) {
                continue;
            }
            boolean bridge = (m.modifiers() & 0x0040) != 0;
            if (bridge) {
                bridges++;
            }
            if (OrmInstrumentation.methods(OrmMethod.CREATE_QUERY).matches(m)) {
                hooked++;
                assertFalse(bridge, m.toString());
                assertEquals("(Ljava/lang/String;)Ljava/lang/String;", m.descriptor());
            }
        }
        assertEquals(1, bridges, "javac's bridge is in the class file");
        assertEquals(1, hooked);
        // the same by reflection
        hooked = 0;
        for (java.lang.reflect.Method m : FakeSession.class.getDeclaredMethods()) {
            if (OrmInstrumentation.methods(OrmMethod.CREATE_QUERY).matches(
                    ByteBuddyShapes.of(new MethodDescription.ForLoadedMethod(m)))) {
                hooked++;
                assertFalse(m.isBridge());
            }
        }
        assertEquals(1, hooked);
    }
}
