package dev.rasp.spring.boot.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rasp.spring.boot.install.fixture.RecordingAgent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM's diagnostic command loads an agent jar into this very JVM (no attach, no helper JVM): its
 * agentmain runs with the options given, also from a directory whose name has a space.
 */
class InProcessLoadTest {

    @AfterEach
    void forget() {
        System.clearProperty(RecordingAgent.PROPERTY);
    }

    static Path agentJar(Path dir) throws IOException {
        Files.createDirectories(dir);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Agent-Class", RecordingAgent.class.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        Path jar = dir.resolve("agent.jar");
        String entry = RecordingAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = RecordingAgent.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    /**
     * Also: agentmain runs with the system class loader as its context loader, as on the attach listener's
     * thread, whatever the caller's is (Spring Boot's loader, in a fat jar); the caller's is given back.
     */
    @Test
    void loadsTheAgentIntoThisJvmWithItsOptions(@TempDir Path tmp) throws IOException {
        ClassLoader applications = new URLClassLoader(new URL[0], getClass().getClassLoader());
        Thread.currentThread().setContextClassLoader(applications);
        try {
            assertNull(InProcessLoad.load(agentJar(tmp.resolve("a dir with spaces")), AgentLoader.PREPARE_OPTIONS));
            assertSame(applications, Thread.currentThread().getContextClassLoader());
        } finally {
            Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
        }
        assertEquals(AgentLoader.PREPARE_OPTIONS + " retransform=true systemContextLoader=true",
                System.getProperty(RecordingAgent.PROPERTY));
    }

    @Test
    void aJarThatIsNotThereIsAProblemNotAnException(@TempDir Path tmp) {
        String problem = InProcessLoad.load(tmp.resolve("missing.jar"), AgentLoader.AGENT_OPTIONS);
        assertNotNull(problem);
        assertTrue(problem.startsWith("JVMTI.agent_load"), problem);
        assertNull(System.getProperty(RecordingAgent.PROPERTY));
    }

    @Test
    void optionsWithASpaceAreRefusedBeforeTheJvmSplitsThem(@TempDir Path tmp) throws IOException {
        String problem = InProcessLoad.load(agentJar(tmp), "two words");
        assertNotNull(problem);
        assertNull(System.getProperty(RecordingAgent.PROPERTY));
    }
}
