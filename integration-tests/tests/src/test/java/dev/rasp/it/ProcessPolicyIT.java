package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The command policy outside requests: a background thread of a plain Java program (no servlet
 * container, so no request context anywhere) launches a reverse shell and a download-and-execute
 * pipeline; the agent blocks both before they start (their first command, a `touch`, never
 * runs), and lets the benign launches run.
 */
class ProcessPolicyIT {

    @Test
    void policyBlocksDangerousLaunchesOutsideRequests() throws Exception {
        Path work = ItConfig.newWorkDir("process-policy");
        Path markers = Files.createDirectories(work.resolve("markers"));
        Path events = work.resolve("events.jsonl");
        Path classes = Paths.get(BackgroundLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>();
        cmd.add(ItConfig.currentJava().toString());
        cmd.add("-javaagent:" + ItConfig.agentJar());
        cmd.add("-Drasp.events.file=" + events);
        cmd.add("-cp");
        cmd.add(classes.toString());
        cmd.add(BackgroundLauncher.class.getName());
        cmd.add(markers.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher finished");
        assertEquals(0, p.exitValue(), output);

        assertTrue(output.contains("RAN benign 0"), output);
        assertTrue(output.contains("RAN benign-pipe 0"), output);
        assertTrue(output.contains("BLOCKED reverse-shell") && output.contains("cmdi.policy.reverse_shell"), output);
        assertTrue(output.contains("BLOCKED download-execute") && output.contains("cmdi.policy.download_execute"), output);
        assertTrue(Files.exists(markers.resolve("benign")), "the benign launch ran");
        assertTrue(Files.exists(markers.resolve("benign-pipe")), "the benign pipeline ran");
        assertFalse(Files.exists(markers.resolve("reverse-shell")), "the blocked reverse shell never started");
        assertFalse(Files.exists(markers.resolve("download-execute")), "the blocked download never started");

        List<JsonNode> lines = Files.readAllLines(events).stream().map(EventLog::parse).collect(Collectors.toList());
        assertEquals(2, lines.size(), "one event per blocked launch: " + lines);
        for (JsonNode e : lines) {
            assertEquals("blocked", e.path("action").asText());
            assertEquals("cmdi", e.path("category").asText());
            assertTrue(e.path("input").isNull() || e.path("input").isMissingNode(), "a policy event names no input: " + e);
            assertEquals("cmd", e.path("sink").path("kind").asText());
            assertEquals("", e.path("request").path("path").asText(), "no request");
        }
    }
}
