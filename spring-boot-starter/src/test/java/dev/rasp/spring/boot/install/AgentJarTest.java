package dev.rasp.spring.boot.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentJarTest {

    @Test
    void thePidIsReadFromTheDirectoryName() {
        assertThat(AgentJar.pidOf("rasp-starter-1234-987654321")).isEqualTo(Optional.of(1234L));
        assertThat(AgentJar.pidOf("rasp-starter-x-1")).isEmpty();
        assertThat(AgentJar.pidOf("rasp-starter-1234")).isEmpty();
        assertThat(AgentJar.pidOf("rasp-12-3")).isEmpty();
    }

    @Test
    void directoriesOfGoneJvmsAreRemovedLiveOnesKept(@TempDir Path tmp) throws IOException {
        Path gone = Files.createDirectories(tmp.resolve("rasp-starter-" + Integer.MAX_VALUE + "-1/helper"));
        Files.writeString(gone.resolve("x.class"), "x");
        Path live = Files.createDirectories(tmp.resolve("rasp-starter-" + ProcessHandle.current().pid() + "-2"));
        Path other = Files.createDirectories(tmp.resolve("something-else-1-2"));
        AgentJar.removeStale(tmp);
        assertThat(tmp.resolve("rasp-starter-" + Integer.MAX_VALUE + "-1")).doesNotExist();
        assertThat(live).exists();
        assertThat(other).exists();
    }

    /**
     * Extracting leaves the leftovers of killed JVMs alone: the early load extracts, loads, and only
     * then cleans up (AgentJar.removeStale()), so that listing java.io.tmpdir does not delay the first
     * class redefinition.
     */
    @Test
    void leftoversAreRemovedAfterTheExtractionNotByIt(@TempDir Path tmp) throws IOException {
        String before = System.getProperty("java.io.tmpdir");
        Path gone = Files.createDirectories(tmp.resolve("rasp-starter-" + Integer.MAX_VALUE + "-1"));
        System.setProperty("java.io.tmpdir", tmp.toString());
        try {
            AgentJar jar = AgentJar.extract(AgentJarTest.class.getClassLoader());
            assertThat(jar.jar).startsWith(tmp);
            assertThat(gone).exists();
            AgentJar.removeStale();
            assertThat(gone).doesNotExist();
            assertThat(jar.jar).exists();
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }

    @Test
    void extractCopiesTheAgentAndTheHelperClass() throws IOException {
        AgentJar jar = AgentJar.extract(AgentJarTest.class.getClassLoader());
        assertThat(jar.jar).exists().isRegularFile();
        assertThat(Files.size(jar.jar)).isGreaterThan(100_000);
        assertThat(jar.helperClassPath.resolve("dev/rasp/spring/boot/install/AttachMain.class")).exists();
        assertThat(jar.jar.getParent().getFileName().toString()).startsWith("rasp-starter-" + ProcessHandle.current().pid() + "-");
    }
}
