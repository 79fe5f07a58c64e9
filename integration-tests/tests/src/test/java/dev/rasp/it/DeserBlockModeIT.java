package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both apps with rasp.jar in block mode: the CommonsCollections gadget stream of {@link DeserCases} is stopped
 * while its class descriptors are read (403 with the block body, one event naming {@code
 * deser.gadget.commons_collections}, sink kind {@code class}, no marker file), through ObjectInputStream itself and
 * through a subclass whose resolveClass does not call super; benign streams are echoed without an event. A third
 * app (javax) runs in the allow-list mode ({@code rasp.deser.allowed_classes=java.util.ArrayList}): a list is read,
 * a map is {@code deser.not_allowed}. Both apps' XStream endpoint (the same chain as XML, twice, and a
 * {@code dynamic-proxy} with an EventHandler) and default-typed Jackson endpoint (Commons IO's LockableFileWriter,
 * {@code deser.gadget.commons_io}) are blocked with their sink.api, and their benign documents served.
 * {@link DeserVulnerableWithoutAgentIT} proves the chains work without the agent.
 */
@ExtendWith(AppLogsOnFailure.class)
class DeserBlockModeIT {
    static AppProcess spring;
    static AppProcess javax;
    static AppProcess allowList;

    @BeforeAll
    static void start() {
        spring = SpringBlockModeIT.springApp("spring-deser-block").mode("block").startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-deser-block", ItConfig.javaxJar()).mode("block").startShared(Duration.ofSeconds(120));
        allowList = AppProcess.builder("javax-deser-allowlist", ItConfig.javaxJar()).mode("block")
            .jvmArg("-Drasp.deser.allowed_classes=java.util.ArrayList").start();
        allowList.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        for (AppProcess app : new AppProcess[] {spring, javax, allowList}) {
            if (app != null) {
                app.release();
            }
        }
    }

    static AppProcess app(String name) {
        return name.equals("spring") ? spring : javax;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.rasp.it.DeserVulnerableWithoutAgentIT#endpoints")
    void gadgetChainIsBlocked(String appName, String endpoint) {
        AppProcess app = app(appName);
        List<String> problems = blocked(app, endpoint, DeserCases.gadget(app.markersDir()), DeserCases.GADGET_RULE,
            "org.apache.commons.collections.functors.");
        if (!problems.isEmpty()) {
            fail(appName + " " + endpoint + "\n  - " + String.join("\n  - ", problems));
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dev.rasp.it.DeserVulnerableWithoutAgentIT#benign")
    void benignStreamIsServed(String appName, String endpoint, DeserCases.Benign b) {
        Scenario s = new Scenario(app(appName));
        int mark = s.events.mark();
        List<String> problems = DeserVulnerableWithoutAgentIT.benignProblems(s.http, endpoint, b);
        List<String> evs = s.eventsSince(mark);
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail(appName + " " + endpoint + " " + b + "\n  - " + String.join("\n  - ", problems));
        }
    }

    @Test
    void yamlGlobalTagIsBlocked() {
        List<String> problems = blocked(spring, "/deser/yaml", DeserCases.yamlGadget(spring.markersDir()),
            DeserCases.YAML_RULE, "java.io.FileOutputStream");
        if (!problems.isEmpty()) {
            fail("spring /deser/yaml\n  - " + String.join("\n  - ", problems));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.DeserVulnerableWithoutAgentIT#yamlBenign")
    void benignYamlIsServed(DeserCases.Benign b) {
        Scenario s = new Scenario(spring);
        int mark = s.events.mark();
        List<String> problems = DeserVulnerableWithoutAgentIT.benignProblems(s.http, "/deser/yaml", b);
        List<String> evs = s.eventsSince(mark);
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail("spring /deser/yaml " + b + "\n  - " + String.join("\n  - ", problems));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.DeserVulnerableWithoutAgentIT#apps")
    void xstreamChainIsBlockedEveryTime(String appName) {
        AppProcess app = app(appName);
        // Twice: the second document's classes come from XStream's CachingMapper cache and are judged all the same.
        for (int i = 1; i <= 2; i++) {
            List<String> problems = blocked(app, "/deser/xstream", DeserCases.xstreamGadget(app.markersDir()),
                DeserCases.GADGET_RULE, "org.apache.commons.collections.functors.", DeserCases.XSTREAM_API);
            if (!problems.isEmpty()) {
                fail(appName + " /deser/xstream, document " + i + "\n  - " + String.join("\n  - ", problems));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.DeserVulnerableWithoutAgentIT#apps")
    void xstreamDynamicProxyHandlerIsBlocked(String appName) {
        AppProcess app = app(appName);
        List<String> problems = blocked(app, "/deser/xstream", DeserCases.xstreamProxyGadget(app.markersDir()),
            DeserCases.YAML_RULE, "java.beans.EventHandler", DeserCases.XSTREAM_API);
        if (!problems.isEmpty()) {
            fail(appName + " /deser/xstream dynamic-proxy\n  - " + String.join("\n  - ", problems));
        }
    }

    @Test
    void xstreamClassLiteralIsBlocked() {
        // JavaClassConverter resolves <java-class> with a mapper of its own, outside CachingMapper.
        byte[] doc = "<java-class>java.lang.ProcessBuilder</java-class>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<String> problems = blocked(spring, "/deser/xstream", new DeserCases.Gadget(doc, null),
            DeserCases.YAML_RULE, "java.lang.ProcessBuilder", DeserCases.XSTREAM_API);
        Http.Resp r = new Http(spring.baseUrl()).sendBytes("POST", "/deser/xstream", "application/xml",
            "<java-class>java.lang.String</java-class>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (r.status() != 200 || !r.body().contains("class java.lang.String")) {
            problems.add("the literal java.lang.String is served: " + r);
        }
        if (!problems.isEmpty()) {
            fail("spring /deser/xstream class literal\n  - " + String.join("\n  - ", problems));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rasp.it.DeserVulnerableWithoutAgentIT#apps")
    void jacksonTypeIdIsBlocked(String appName) {
        AppProcess app = app(appName);
        List<String> problems = blocked(app, "/deser/jackson", DeserCases.jacksonGadget(app.markersDir()),
            DeserCases.JACKSON_RULE, "org.apache.commons.io.output.LockableFileWriter", DeserCases.JACKSON_API);
        if (!problems.isEmpty()) {
            fail(appName + " /deser/jackson\n  - " + String.join("\n  - ", problems));
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dev.rasp.it.DeserVulnerableWithoutAgentIT#documentBenign")
    void benignDocumentIsServed(String appName, String endpoint, DeserCases.Benign b) {
        Scenario s = new Scenario(app(appName));
        int mark = s.events.mark();
        List<String> problems = DeserVulnerableWithoutAgentIT.benignProblems(s.http, endpoint, b);
        List<String> evs = s.eventsSince(mark);
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail(appName + " " + endpoint + " " + b + "\n  - " + String.join("\n  - ", problems));
        }
    }

    @Test
    void allowListServesWhatItNames() {
        Scenario s = new Scenario(allowList);
        int mark = s.events.mark();
        DeserCases.Benign list = DeserCases.benign().get(0);
        List<String> problems = DeserVulnerableWithoutAgentIT.benignProblems(s.http, "/deser/object", list);
        List<String> evs = s.eventsSince(mark);
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail("allow-listed " + list + "\n  - " + String.join("\n  - ", problems));
        }
    }

    @Test
    void allowListRefusesEverythingElse() {
        DeserCases.Benign map = DeserCases.benign().get(1);
        // LinkedHashMap's superclass descriptor (HashMap) is read and judged first.
        List<String> problems = blocked(allowList, "/deser/object",
            new DeserCases.Gadget(map.stream(), null), "deser.not_allowed", "java.util.");
        // The gadget stream: its first class (HashMap) is not allowed either; the gadget never runs.
        problems.addAll(blocked(allowList, "/deser/object", DeserCases.gadget(allowList.markersDir()),
            "deser.not_allowed", "java.util.HashMap"));
        if (!problems.isEmpty()) {
            fail("allow-list mode\n  - " + String.join("\n  - ", problems));
        }
    }

    static List<String> blocked(AppProcess app, String endpoint, DeserCases.Gadget g, String rule, String sinkPrefix) {
        return blocked(app, endpoint, g, rule, sinkPrefix, null);
    }

    /**
     * Sends the stream; the problems with the answer, the event and the marker (null: none to check), and the
     * event's sink.api when {@code api} is not null.
     */
    static List<String> blocked(AppProcess app, String endpoint, DeserCases.Gadget g, String rule, String sinkPrefix,
                                String api) {
        Scenario s = new Scenario(app);
        int mark = s.events.mark();
        Http.Resp r = s.http.sendBytes("POST", endpoint, DeserCases.contentType(endpoint), g.stream());
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems, DeserCases.CATEGORY);
        if (g.marker() != null && DeserCases.exists(g.marker())) {
            problems.add("the gadget chain ran: " + g.marker() + " exists");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size() + ": " + evs);
        }
        if (!evs.isEmpty()) {
            JsonNode ev = EventLog.parse(evs.get(0));
            Scenario.expectEq(problems, "event action", "blocked", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, "event rule_id", rule, EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, "event sink.kind", "class", EventLog.text(ev, "sink.kind"));
            if (api != null) {
                Scenario.expectEq(problems, "event sink.api", api, EventLog.text(ev, "sink.api"));
            }
            String value = EventLog.text(ev, "sink.value");
            if (value == null || !value.startsWith(sinkPrefix)) {
                problems.add("sink.value '" + value + "' does not start with " + sinkPrefix);
            }
            if (body != null) {
                Scenario.expectEq(problems, "event_id vs the 403 body", body.path("event_id").asText(null),
                    EventLog.text(ev, "event_id"));
            }
        }
        if (!problems.isEmpty()) {
            problems.add("answer: " + r);
        }
        return problems;
    }
}
