package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The starter-app (the spring-app's code with rasp-spring-boot-starter and the actuator, no -javaagent) and what
 * the starter tests read from it: the actuator endpoint, the meters, the log lines.
 */
final class StarterApp {
    private StarterApp() {
    }

    /** The line the agent logs once its hooks are in (stderr). */
    static final Pattern AGENT_STARTED = Pattern.compile("^\\[rasp\\] agent \\S+ started");
    /** The starter's line after it loaded the agent (the application log, stdout). */
    static final Pattern LOADED = Pattern.compile("RASP: agent loaded into the running JVM in (\\d+) ms \\(([a-z-]+)[;)]");
    /** Spring Boot's start line. */
    static final Pattern STARTED_IN = Pattern.compile("Started VulnerableApplication in ([0-9.]+) seconds");

    static Path jar() {
        String p = System.getProperty("rasp.it.starterJar");
        if (p == null || !Files.isRegularFile(Paths.get(p))) {
            fail("application jar not found (-Drasp.it.starterJar=" + p + "); build it with "
                + "mvn -pl integration-tests/starter-app -am package");
        }
        return Paths.get(p).toAbsolutePath().normalize();
    }

    /**
     * The starter app without -javaagent; events go to the work directory's events.jsonl (the same file
     * {@link AppProcess#eventsFile()} names), configured the Spring way: as an application argument.
     */
    static AppProcess.Builder builder(String name) {
        return AppProcess.builder(name, jar()).withoutAgent().appArg("--rasp.events.file=events.jsonl");
    }

    /** A YAML file for --spring.config.additional-location, in a directory of its own. */
    static Path yaml(String name, String content) {
        try {
            Path dir = ItConfig.newWorkDir(name + "-config");
            Path f = dir.resolve("rasp.yml");
            Files.writeString(f, content);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> agentStartLines(AppProcess app) {
        List<String> out = new ArrayList<>();
        for (String l : app.agentLogLines()) {
            if (AGENT_STARTED.matcher(l).find()) {
                out.add(l);
            }
        }
        return out;
    }

    /** GET /actuator/rasp as JSON. */
    static JsonNode endpoint(AppProcess app) {
        Http.Resp r = new Http(app.baseUrl()).get("/actuator/rasp");
        assertEquals(200, r.status(), "GET /actuator/rasp: " + r);
        return Scenario.json(r.body());
    }

    /** A COUNT measurement of /actuator/metrics/{name} with tags ("k:v"); 0 when the meter does not exist yet. */
    static double metric(AppProcess app, String name, String statistic, String... tags) {
        StringBuilder q = new StringBuilder("/actuator/metrics/" + name);
        for (int i = 0; i < tags.length; i++) {
            q.append(i == 0 ? "?" : "&").append("tag=").append(Http.enc(tags[i]));
        }
        Http.Resp r = new Http(app.baseUrl()).get(q.toString());
        if (r.status() == 404) {
            return 0;
        }
        assertEquals(200, r.status(), "GET " + q + ": " + r);
        for (JsonNode m : Scenario.json(r.body()).path("measurements")) {
            if (statistic.equals(m.path("statistic").asText())) {
                return m.path("value").asDouble();
            }
        }
        throw new AssertionError("no " + statistic + " measurement in " + r);
    }

    /** The attach time the starter logged, in ms; fails when it did not log one. */
    static long attachMillis(AppProcess app) {
        Matcher m = LOADED.matcher(app.stdoutText());
        assertTrue(m.find(), "no 'RASP: agent loaded ... in N ms' line in the application log:\n" + app.logs());
        return Long.parseLong(m.group(1));
    }

    /** Spring Boot's "Started ... in N seconds" figure, in ms. */
    static long startedMillis(AppProcess app) {
        Matcher m = STARTED_IN.matcher(app.stdoutText());
        assertTrue(m.find(), "no 'Started VulnerableApplication in' line:\n" + app.logs());
        return Math.round(Double.parseDouble(m.group(1)) * 1000);
    }

    /** The engine stats line the agent logs at shutdown, as JSON (null when there is none). */
    static JsonNode shutdownStats(AppProcess app) {
        for (String l : app.agentLogLines()) {
            int i = l.indexOf("engine stats ");
            if (i >= 0) {
                return Scenario.json(l.substring(i + "engine stats ".length()));
            }
        }
        return null;
    }
}
