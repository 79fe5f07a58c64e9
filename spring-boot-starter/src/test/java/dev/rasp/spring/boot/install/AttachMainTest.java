package dev.rasp.spring.boot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helper JVM starts the application JVM's attach listener itself ({@link AttachMain#wakeListener})
 * the way the JDK's attach client does, so that the client finds it up: against a real JVM, the
 * listener comes up, the JVM goes on (no thread dump, which a SIGQUIT without the trigger file would
 * print), nothing is left behind, and a JVM whose listener is up is not signalled again.
 */
class AttachMainTest {

    /** The application JVM: idles until killed. */
    public static final class Idle {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("idle");
            Thread.sleep(TimeUnit.MINUTES.toMillis(2));
        }
    }

    @TempDir
    Path cwd;

    @Test
    void startsTheListenerOfAnotherJvmAsTheJdksClientWould() throws Exception {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"), "Linux only");
        Path out = cwd.resolve("out.log");
        Process idle = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Idle.class.getName())
                .directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            waitFor(out, "idle");
            String pid = Long.toString(idle.pid());
            Path socket = Paths.get("/proc", pid, "root", "tmp", ".java_pid" + pid);
            assertThat(socket).doesNotExist();

            assertThat(AttachMain.wakeListener(pid)).isTrue();
            assertThat(socket).exists();
            assertThat(idle.isAlive()).isTrue();
            assertThat(cwd.resolve(".attach_pid" + pid)).doesNotExist();
            assertThat(Paths.get("/tmp", ".attach_pid" + pid)).doesNotExist();

            // up already: nothing is sent (a SIGQUIT now would print a thread dump)
            assertThat(AttachMain.wakeListener(pid)).isTrue();
            Thread.sleep(300);
            assertThat(idle.isAlive()).isTrue();
            assertThat(Files.readString(out, StandardCharsets.UTF_8)).doesNotContain("Full thread dump");
        } finally {
            idle.destroyForcibly();
            idle.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessThatIsNotThereIsLeftToTheJdksClient() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"), "Linux only");
        assertThat(AttachMain.wakeListener("999999999")).isFalse();
    }

    private static void waitFor(Path out, String line) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(out)) {
                List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                if (lines.contains(line)) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the JVM did not start: " + (Files.exists(out) ? Files.readString(out) : ""));
    }
}
