package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both apps with rasp.jar in block mode: each attack of {@link XxeCases} answers 403 with the block body, writes exactly
 * one event with the rule id, and has no effect (the secret is not served, the loopback listener is never reached, the
 * bomb is not expanded); every twin is served without an event, the application's own class-path document with its
 * class-path entity included. {@link XxeVulnerableWithoutAgentIT} proves the attacks work without the agent.
 */
@ExtendWith(AppLogsOnFailure.class)
class XxeBlockModeIT {
    static AppProcess spring;
    static AppProcess javax;
    static Scenario springScenario;
    static Scenario javaxScenario;
    static XxeCases.Listener listener;

    @BeforeAll
    static void start() throws Exception {
        listener = new XxeCases.Listener();
        spring = SpringBlockModeIT.springApp("spring-xxe-block").mode("block").startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-xxe-block", ItConfig.javaxJar()).mode("block").startShared(Duration.ofSeconds(120));
        springScenario = new Scenario(spring);
        javaxScenario = new Scenario(javax);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AppProcess a : new AppProcess[] {spring, javax}) {
            if (a != null) {
                a.release();
            }
        }
        if (listener != null) {
            listener.close();
        }
    }

    static Stream<Arguments> attacks() {
        return Stream.of(spring, javax).flatMap(a -> XxeCases.attacks(a, listener).stream().map(c -> Arguments.of(a.name(), c)));
    }

    static Stream<Arguments> twins() {
        return Stream.of("spring", "javax").flatMap(a -> XxeCases.twins(a).stream().map(c -> Arguments.of(a, c)));
    }

    static Scenario scenario(String name) {
        return name.startsWith("spring") ? springScenario : javaxScenario;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("attacks")
    void attackIsBlocked(String appName, XxeCases.Attack c) throws Exception {
        Scenario s = scenario(appName);
        String secret = XxeCases.writeSecret(s.app);
        int before = listener.hits();
        int mark = s.events.mark();
        Http.Resp r = XxeCases.send(s.http, c);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems, "xxe");
        if (XxeCases.tookEffect(c, r, secret, listener, before) || r.body().contains(secret)) {
            problems.add("the attack took effect: " + c.effect());
        }
        if (listener.hits() > before) {
            problems.add("the listener was reached");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        if (!evs.isEmpty()) {
            JsonNode ev = EventLog.parse(evs.get(0));
            Scenario.expectEq(problems, "event action", "blocked", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, "event rule_id", c.rule(), EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, "event sink.kind", "xml", EventLog.text(ev, "sink.kind"));
            if (body != null) {
                Scenario.expectEq(problems, "event_id vs the 403 body", body.path("event_id").asText(null),
                    EventLog.text(ev, "event_id"));
            }
            String input = EventLog.text(ev, "input.value");
            if (c.contentType().equals(XxeCases.XML) && c.wrapping() == XxeCases.Wrapping.PLAIN
                && (input == null || !input.contains("<!DOCTYPE"))) {
                problems.add("the event's input is not the request's document: " + input);
            }
        }
        if (!problems.isEmpty()) {
            fail(c + "\n  - " + String.join("\n  - ", problems) + "\n  answer: "
                + XxeVulnerableWithoutAgentIT.abbreviated(r) + "\n  events: " + evs);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("twins")
    void twinIsServed(String appName, XxeCases.Twin c) {
        Scenario s = scenario(appName);
        int mark = s.events.mark();
        Http.Resp r = XxeCases.send(s.http, c.method(), c.path(), c.body());
        List<String> evs = s.eventsSince(mark);
        List<String> problems = XxeVulnerableWithoutAgentIT.twinProblems(c, r);
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail(c + "\n  - " + String.join("\n  - ", problems));
        }
    }
}
