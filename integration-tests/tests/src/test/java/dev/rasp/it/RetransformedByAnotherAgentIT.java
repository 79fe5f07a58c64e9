package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * Another agent retransforms the classes the agent hooked, after they were hooked: a tracer or a
 * diagnostic tool attached at run time does that. The JVM then starts from the class as the agent's
 * load-time registration wove it (no copy of the original is kept for those), or, for the classes the
 * agent retransformed itself (the JDK's sinks at start), from the original, which the agent weaves
 * again. Either way every attack is still blocked and its twin served, and the agent reports no error.
 */
@ExtendWith(AppLogsOnFailure.class)
class RetransformedByAnotherAgentIT {

    /** The hooked classes: the JDBC drivers', the JDK's file, process and executor classes, the container's. */
    private static final String PREFIXES = String.join(",", "org.h2.", "org.sqlite.", "java.io.File",
        "java.io.RandomAccessFile", "java.lang.ProcessImpl", "java.util.concurrent.", "org.apache.catalina.connector.",
        "org.apache.tomcat.util.http.", "jakarta.servlet.", "org.springframework.web.");

    @Test
    void hooksSurviveAnotherAgentsRetransformation() throws Exception {
        try (AppProcess app = AppProcess.builder("spring-retransformed", ItConfig.springJar()).mode("block")
                .start().awaitReady(Duration.ofSeconds(180))) {
            assertAll("before the other agent", checks(app));

            Path jar = agentJar(app.workDir());
            Path result = app.workDir().resolve("retransformed.txt");
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(app.pid()));
            try {
                vm.loadAgent(jar.toString(), result + "|" + PREFIXES);
            } finally {
                vm.detach();
            }
            String[] counts = Files.readString(result).trim().split(" ");
            int retransformed = Integer.parseInt(counts[0]);
            assertTrue(retransformed > 100, "classes retransformed by the other agent: " + retransformed);
            assertEquals("0", counts[1], "classes the other agent could not retransform");

            assertAll("after the other agent retransformed " + retransformed + " classes", checks(app));
            app.stop();
            JdkMatrixSmokeIT.assertQuietAgent(app);
        }
    }

    private static List<Executable> checks(AppProcess app) {
        Scenario s = new Scenario(app);
        SinkScenario sinks = new SinkScenario(app);
        HandOffScenario h = new HandOffScenario(app);
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> s.assertBlocked("h2", Case.attack(Endpoint.BY_NAME, "' OR '1'='1")));
        checks.add(() -> s.assertBenign("h2", Case.names(Endpoint.BY_NAME, "alice", "alice")));
        checks.add(() -> s.assertBlocked("sqlite", Case.attack(Endpoint.JSON_BY_NAME,
            "' UNION SELECT id,token,token,token FROM secrets--")));
        checks.add(() -> s.assertBenign("sqlite", Case.names(Endpoint.SAFE_BY_NAME, "O'Brien", "O'Brien")));
        checks.add(() -> sinks.assertBlocked(SinkCases.findAttack("spring", SinkEndpoint.READ, SinkCases.SECRET_UP)));
        checks.add(() -> sinks.assertBenign(SinkCases.findBenign("spring", SinkEndpoint.READ, "report..v2.txt")));
        checks.add(() -> sinks.assertBlocked(SinkCases.findAttack("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1; touch {M}")));
        checks.add(() -> sinks.assertBenign(SinkCases.findBenign("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1")));
        checks.add(() -> h.assertBlocked(HandOff.EXECUTOR_SUBMIT));
        checks.add(() -> h.assertBenign(HandOff.EXECUTOR_SUBMIT));
        return checks;
    }

    /** {@link RetransformingAgent} as an agent jar (Agent-Class, Can-Retransform-Classes). */
    private static Path agentJar(Path dir) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Agent-Class", RetransformingAgent.class.getName());
        main.putValue("Can-Retransform-Classes", "true");
        Path jar = dir.resolve("retransforming-agent.jar");
        String entry = RetransformingAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = RetransformingAgent.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
