package dev.rasp.core.jit;

import dev.rasp.core.SelfAttachedInstrumentation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JVM's diagnostic commands run in this (test) JVM through its real Instrumentation, no MBean server made. */
class DiagnosticCommandTest {

    @TempDir
    Path tmp;

    @Test
    void runsACommandWithoutMakingThePlatformMBeanServer() throws Exception {
        boolean serverBefore = !MBeanServerFactory.findMBeanServer(null).isEmpty();
        String version = DiagnosticCommand.open(SelfAttachedInstrumentation.get()).execute("VM.version");
        assertTrue(version.contains(System.getProperty("java.vm.version")), version);
        if (!serverBefore) {
            assertTrue(MBeanServerFactory.findMBeanServer(null).isEmpty(), "a server was made");
        }
    }

    @Test
    void addsADirectiveFromAFileWhosePathHasBlanks() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("a dir with blanks"));
        Path file = dir.resolve("directive.json");
        String pattern = "dev/rasp/core/jit/NoSuchClass" + System.nanoTime() + ".*";
        Files.write(file, ("[ { \"match\": [\"" + pattern + "\"], \"c2\": { \"Exclude\": true } } ]\n")
                .getBytes(StandardCharsets.UTF_8));
        DiagnosticCommand jvm = DiagnosticCommand.open(SelfAttachedInstrumentation.get());
        String out = jvm.execute("Compiler.directives_add " + DiagnosticCommand.argument(file.toString()));
        try {
            assertEquals("1 compiler directives added", out.trim());
            assertTrue(jvm.execute("Compiler.directives_print").contains(pattern));
        } finally {
            jvm.execute("Compiler.directives_remove");
        }
    }

    @Test
    void anArgumentIsQuotedOnlyWhenItMustBe() {
        assertEquals("/tmp/rasp-jit-1.json", DiagnosticCommand.argument("/tmp/rasp-jit-1.json"));
        assertEquals("\"/tmp/a b/x.json\"", DiagnosticCommand.argument("/tmp/a b/x.json"));
        assertEquals("'/tmp/a \"b\"/x.json'", DiagnosticCommand.argument("/tmp/a \"b\"/x.json"));
        assertThrows(IllegalArgumentException.class, () -> DiagnosticCommand.argument("/tmp/a \"b'/x.json"));
    }
}
