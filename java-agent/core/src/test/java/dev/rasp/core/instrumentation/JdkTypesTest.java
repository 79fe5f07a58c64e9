package dev.rasp.core.instrumentation;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the pre-filter and the type matchers count as the JDK's. */
class JdkTypesTest {

    /** Found by walking the system loader's chain, not by reflection: the same loader the JDK names. */
    @Test
    void thePlatformLoaderIsTheJdks() throws Exception {
        // Java 9 API, called reflectively: the tests compile for Java 8 as the core does
        assertSame(ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null), JdkTypes.PLATFORM);
    }

    @Test
    void jdkPackagesAreTheBootAndPlatformLoadersModules() {
        assertTrue(JdkTypes.isJdk("java/lang/String"));
        assertTrue(JdkTypes.isJdk("javax/sql/DataSource"), "java.sql, a platform module");
        assertTrue(JdkTypes.isJdk("org/xml/sax/ContentHandler"), "java.xml, a boot module");
        assertFalse(JdkTypes.isJdk("org/h2/jdbc/JdbcStatement"));
        assertFalse(JdkTypes.isJdk("dev/rasp/core/instrumentation/JdkTypesTest"));
    }
}
