package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent, the {@code /deser/*} endpoints of both apps run the CommonsCollections gadget chain of
 * {@link DeserCases}: the marker file exists after the request. Their benign streams are echoed. The Spring app's
 * SnakeYAML endpoint and both apps' XStream (the same chain as XML) and default-typed Jackson (Commons IO's
 * LockableFileWriter) endpoints create their markers too, and echo their benign documents. The baseline of
 * {@link DeserBlockModeIT}.
 */
@ExtendWith(AppLogsOnFailure.class)
class DeserVulnerableWithoutAgentIT {
    static AppProcess spring;
    static AppProcess javax;

    @BeforeAll
    static void start() {
        spring = SpringBlockModeIT.springApp("spring-deser-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-deser-noagent", ItConfig.javaxJar()).withoutAgent().startShared(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        for (AppProcess app : new AppProcess[] {spring, javax}) {
            if (app != null) {
                app.release();
            }
        }
    }

    static List<Arguments> endpoints() {
        List<Arguments> out = new ArrayList<>();
        for (String app : List.of("spring", "javax")) {
            for (String endpoint : DeserCases.ENDPOINTS) {
                out.add(Arguments.of(app, endpoint));
            }
        }
        return out;
    }

    static List<Arguments> benign() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments e : endpoints()) {
            for (DeserCases.Benign b : DeserCases.benign()) {
                out.add(Arguments.of(e.get()[0], e.get()[1], b));
            }
        }
        return out;
    }

    static AppProcess app(String name) {
        return name.equals("spring") ? spring : javax;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void gadgetChainCreatesTheMarker(String appName, String endpoint) {
        AppProcess app = app(appName);
        DeserCases.Gadget g = DeserCases.gadget(app.markersDir());
        Http.Resp r = new Http(app.baseUrl()).sendBytes("POST", endpoint, "application/x-java-serialized-object", g.stream());
        assertEquals(200, r.status(), "the stream is read: " + r);
        assertTrue(DeserCases.exists(g.marker()), "the gadget chain created " + g.marker() + ": " + r);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("benign")
    void benignStreamIsEchoed(String appName, String endpoint, DeserCases.Benign b) {
        List<String> problems = benignProblems(new Http(app(appName).baseUrl()), endpoint, b);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @org.junit.jupiter.api.Test
    void yamlGlobalTagCreatesTheMarker() {
        DeserCases.Gadget g = DeserCases.yamlGadget(spring.markersDir());
        Http.Resp r = new Http(spring.baseUrl()).sendBytes("POST", "/deser/yaml", "application/yaml", g.stream());
        assertEquals(200, r.status(), "the document is loaded: " + r);
        assertTrue(DeserCases.exists(g.marker()), "the global tag created " + g.marker() + ": " + r);
    }

    static List<DeserCases.Benign> yamlBenign() {
        return DeserCases.yamlBenign();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("yamlBenign")
    void benignYamlIsEchoed(DeserCases.Benign b) {
        List<String> problems = benignProblems(new Http(spring.baseUrl()), "/deser/yaml", b);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    static List<String> apps() {
        return List.of("spring", "javax");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("apps")
    void xstreamDocumentCreatesTheMarker(String appName) {
        AppProcess app = app(appName);
        DeserCases.Gadget g = DeserCases.xstreamGadget(app.markersDir());
        Http.Resp r = new Http(app.baseUrl()).sendBytes("POST", "/deser/xstream", "application/xml", g.stream());
        assertEquals(200, r.status(), "the document is read: " + r);
        assertTrue(DeserCases.exists(g.marker()), "the chain created " + g.marker() + ": " + r);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("apps")
    void jacksonTypeIdCreatesTheMarker(String appName) {
        AppProcess app = app(appName);
        DeserCases.Gadget g = DeserCases.jacksonGadget(app.markersDir());
        Http.Resp r = new Http(app.baseUrl()).sendBytes("POST", "/deser/jackson", "application/json", g.stream());
        assertEquals(200, r.status(), "the document is read: " + r);
        assertTrue(DeserCases.exists(g.marker()), "the type id created " + g.marker() + ": " + r);
    }

    /** Both apps' XStream and Jackson endpoints with their benign documents. */
    static List<Arguments> documentBenign() {
        List<Arguments> out = new ArrayList<>();
        for (String app : apps()) {
            for (DeserCases.Benign b : DeserCases.xstreamBenign(app)) {
                out.add(Arguments.of(app, "/deser/xstream", b));
            }
            for (DeserCases.Benign b : DeserCases.jacksonBenign(app)) {
                out.add(Arguments.of(app, "/deser/jackson", b));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("documentBenign")
    void benignDocumentIsEchoed(String appName, String endpoint, DeserCases.Benign b) {
        List<String> problems = benignProblems(new Http(app(appName).baseUrl()), endpoint, b);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    static List<String> benignProblems(Http http, String endpoint, DeserCases.Benign b) {
        Http.Resp r = http.sendBytes("POST", endpoint, DeserCases.contentType(endpoint), b.stream());
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200: " + r);
            return problems;
        }
        JsonNode body = EventLog.parse(r.body());
        Scenario.expectEq(problems, "class", b.className(), body.path("class").asText(null));
        Scenario.expectEq(problems, "value", b.value(), body.path("value").asText(null));
        return problems;
    }
}
