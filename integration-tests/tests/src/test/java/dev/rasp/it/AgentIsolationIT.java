package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * rasp.jar is on the application's class path under -javaagent, and the core lives inside it
 * (inst/core/, class files as .classdata): the application's loader must find none of the core's
 * classes or resources, only the launcher; the bridge it finds is the boot loader's.
 */
class AgentIsolationIT {

    @Test
    void theApplicationLoaderSeesTheLauncherAndTheBridgeButNoneOfTheCore() throws Exception {
        Path work = ItConfig.newWorkDir("isolation");
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path classes = Paths.get(CoreVisibilityProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>(List.of(ItConfig.currentJava().toString(),
            "-javaagent:" + ItConfig.agentJar(),
            "-Drasp.events.file=" + work.resolve("events.jsonl"),
            "-Drasp.native.dir=" + Files.createDirectories(work.resolve("native")),
            "-Djava.io.tmpdir=" + tmp,
            "-cp", classes.toString(), CoreVisibilityProbe.class.getName(),
            "dev.rasp.agent.RaspAgent",
            "dev.rasp.bootstrap.RaspBridge",
            "dev.rasp.core.AgentInstaller",
            "dev.rasp.core.engine.NativeEngine",
            "dev.rasp.shaded.asm.ClassReader",
            "dev/rasp/core/AgentInstaller.class",
            "dev/rasp/core/agent-version.properties",
            "dev/rasp/shaded/asm/ClassReader.class"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe finished");
        assertEquals(0, p.exitValue(), output);

        assertTrue(output.lines().anyMatch(l -> l.startsWith("[rasp] agent ") && l.contains(" started: mode=block")),
            "the agent started: " + output);
        assertTrue(output.contains("class dev.rasp.agent.RaspAgent FOUND"), "the launcher is on the class path: " + output);
        assertTrue(output.contains("class dev.rasp.bootstrap.RaspBridge FOUND in the boot loader"), output);
        for (String absent : new String[] {"class dev.rasp.core.AgentInstaller absent",
                "class dev.rasp.core.engine.NativeEngine absent", "class dev.rasp.shaded.asm.ClassReader absent",
                "resource dev/rasp/core/AgentInstaller.class absent", "resource dev/rasp/core/agent-version.properties absent",
                "resource dev/rasp/shaded/asm/ClassReader.class absent"}) {
            assertTrue(output.contains(absent), absent + ": " + output);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.collect(Collectors.toList()), "nothing written into java.io.tmpdir");
        }
    }

    /**
     * The fallback for a JVM where the bridge cannot be defined in the boot loader (forced here with
     * rasp.debug.bridge=append): the bridge's classes are written into a jar in a private temporary
     * directory, appended to the boot class path, and the hooks work through it; the jar and its
     * directory go when the JVM exits.
     */
    @Test
    void theAppendFallbackWritesTheBridgeJarAndProtects() throws Exception {
        Path work = ItConfig.newWorkDir("bridge-append");
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path markers = Files.createDirectories(work.resolve("markers"));
        Path classes = Paths.get(BackgroundLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = List.of(ItConfig.currentJava().toString(),
            "-javaagent:" + ItConfig.agentJar(),
            "-Drasp.debug.bridge=append",
            "-Drasp.events.file=" + work.resolve("events.jsonl"),
            "-Drasp.native.dir=" + Files.createDirectories(work.resolve("native")),
            "-Djava.io.tmpdir=" + tmp,
            "-cp", classes.toString(), BackgroundLauncher.class.getName(), markers.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher finished");
        assertEquals(0, p.exitValue(), output);

        assertTrue(output.lines().anyMatch(l -> l.startsWith("[rasp] cannot define the bridge in the boot loader")
            && l.contains("extracted it to " + tmp.resolve("rasp-bootstrap-")) && l.contains("appended that to the boot class path")),
            "one line says where the bridge went: " + output);
        assertTrue(output.contains("BLOCKED reverse-shell") && output.contains("cmdi.policy.reverse_shell"),
            "the hooks reach the engine through the appended bridge: " + output);
        assertTrue(output.contains("RAN benign 0"), output);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.collect(Collectors.toList()), "the jar and its directory are removed at exit");
        }
    }
}
