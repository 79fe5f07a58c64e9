package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring Boot 3 (Tomcat) and javax (Jetty) with rasp.jar in block mode: every attack of {@link JndiCases} is
 * answered 403 with the block body, no connection reaches the {@link LookupTrap}, and exactly one event names
 * {@code jndi.remote_lookup}, the input as the request carried it and, for Log4j's lookup syntax, the
 * {@code lookup-decoded} transform, and the hooked API as {@code sink.api}. Twins are served without an event.
 * {@link JndiVulnerableWithoutAgentIT} proves the attacks connect without the agent.
 *
 * <p>The apps run with {@code rasp.rules.mode.jndi.policy.remote=block} and {@code rasp.jndi.allowed_hosts=localhost}
 * (the twins' fixed server): a Log4Shell payload one request stores and a background thread (serving no request)
 * logs later is blocked by the policy alone when it names 127.0.0.1, and looked up when it names localhost.
 */
@ExtendWith(AppLogsOnFailure.class)
class JndiBlockModeIT {
    static LookupTrap trap;
    static AppProcess spring;
    static AppProcess javax;
    static Scenario springScenario;
    static Scenario javaxScenario;

    @BeforeAll
    static void start() {
        trap = new LookupTrap();
        spring = SpringBlockModeIT.springApp("spring-jndi-block").mode("block")
            .jvmArg("-Drasp.rules.mode.jndi.policy.remote=block").jvmArg("-Drasp.jndi.allowed_hosts=localhost").start();
        javax = AppProcess.builder("javax-jndi-block", ItConfig.javaxJar()).mode("block")
            .jvmArg("-Drasp.rules.mode.jndi.policy.remote=block").jvmArg("-Drasp.jndi.allowed_hosts=localhost").start();
        spring.awaitReady(Duration.ofSeconds(180));
        javax.awaitReady(Duration.ofSeconds(120));
        springScenario = new Scenario(spring);
        javaxScenario = new Scenario(javax);
    }

    @AfterAll
    static void stop() {
        for (AppProcess a : new AppProcess[] {spring, javax}) {
            if (a != null) {
                a.stop();
            }
        }
        if (trap != null) {
            trap.close();
        }
    }

    static Scenario scenario(String app) {
        return app.equals("spring") ? springScenario : javaxScenario;
    }

    static List<JndiCases.Attack> attacks() {
        List<JndiCases.Attack> out = new ArrayList<>(JndiCases.attacks("spring", trap.port()));
        out.addAll(JndiCases.attacks("javax", trap.port()));
        return out;
    }

    static List<JndiCases.Twin> twins() {
        List<JndiCases.Twin> out = new ArrayList<>(JndiCases.twins("spring"));
        out.addAll(JndiCases.twins("javax"));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void lookupIsBlocked(JndiCases.Attack c) {
        blockedOrFail(scenario(c.app()), trap, c);
    }

    /** The attack is answered 403, no connection reaches the trap, one event names the rule, input and hook. */
    static void blockedOrFail(Scenario s, LookupTrap trap, JndiCases.Attack c) {
        int mark = s.events.mark();
        int before = trap.connections();
        Http.Resp r = c.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems, "jndi");
        if (trap.connectedSince(before, 1000)) {
            problems.add("a connection reached the trap: the lookup ran");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        }
        if (!evs.isEmpty()) {
            JsonNode ev = EventLog.parse(evs.get(0));
            Scenario.expectEq(problems, "event action", "blocked", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, "event rule_id", "jndi.remote_lookup", EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, "sink.kind", "jndi", EventLog.text(ev, "sink.kind"));
            Scenario.expectEq(problems, "sink.api", c.api(), EventLog.text(ev, "sink.api"));
            if (body != null) {
                Scenario.expectEq(problems, "event_id vs the 403 body", body.path("event_id").asText(null),
                    EventLog.text(ev, "event_id"));
            }
            Scenario.expectEq(problems, "input.value (as the request carried it)", c.input(), EventLog.text(ev, "input.value"));
            Scenario.expectEq(problems, "input.transform", c.transform(), EventLog.text(ev, "input.transform"));
            String transformed = EventLog.text(ev, "input.transformed");
            String sink = EventLog.text(ev, "sink.value");
            if (c.transform() != null && (transformed == null || sink == null || !sink.contains(transformed))) {
                problems.add("input.transformed '" + transformed + "' is not in sink.value '" + sink + "'");
            }
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.target() + "\n  - " + String.join("\n  - ", problems) + "\n  answer: " + r + "\n  events: " + evs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twins")
    void twinIsServed(JndiCases.Twin c) {
        servedOrFail(scenario(c.app()), c);
    }

    /** The twin is answered 200 with what it looked up, without an event. */
    static void servedOrFail(Scenario s, JndiCases.Twin c) {
        int mark = s.events.mark();
        Http.Resp r = c.send(s.http);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200");
        }
        if (!r.body().contains(c.expect())) {
            problems.add("the answer lacks " + c.expect());
        }
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail(c + ": " + c.target() + "\n  - " + String.join("\n  - ", problems) + "\n  answer: " + r);
        }
    }

    /** The background thread's count of logged stored messages. */
    static int storedLogged(Http http) {
        Http.Resp r = http.get("/jndi/stored/status");
        Matcher m = Pattern.compile("\"logged\":(\\d+)").matcher(r.body());
        if (r.status() != 200 || !m.find()) {
            fail("/jndi/stored/status answered " + r);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Stores a message through one request and waits until the background thread has logged it; its outcome. */
    static String storeAndAwaitLogging(Http http, String message) {
        int before = storedLogged(http);
        Http.Resp r = http.get("/jndi/stored?message=" + Http.enc(message));
        assertEquals(200, r.status(), "storing " + message + ": " + r);
        long end = System.currentTimeMillis() + 20_000;
        while (storedLogged(http) <= before) {
            if (System.currentTimeMillis() > end) {
                fail("the background thread did not log " + message);
            }
            AppProcess.sleep(100);
        }
        return http.get("/jndi/stored/status").body();
    }

    @Test
    void storedPayloadLoggedOutsideARequestIsBlockedByThePolicy() {
        storedPayloadBlockedOrFail(springScenario, trap);
    }

    /** A stored payload naming 127.0.0.1, logged by the background thread: no connection, one policy block event. */
    static void storedPayloadBlockedOrFail(Scenario s, LookupTrap trap) {
        int mark = s.events.mark();
        int before = trap.connections();
        String name = "ldap://127.0.0.1:" + trap.port() + "/stored";
        String status = storeAndAwaitLogging(s.http, "${jndi:" + name + "}");
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (trap.connectedSince(before, 1000)) {
            problems.add("a connection reached the trap: the stored payload's lookup ran");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line (the background thread's), got " + evs.size());
        }
        if (!evs.isEmpty()) {
            JsonNode ev = EventLog.parse(evs.get(0));
            Scenario.expectEq(problems, "event action", "blocked", EventLog.text(ev, "action"));
            Scenario.expectEq(problems, "event rule_id", "jndi.policy.remote", EventLog.text(ev, "rule_id"));
            Scenario.expectEq(problems, "sink.api", JndiCases.INITIAL_CONTEXT, EventLog.text(ev, "sink.api"));
            Scenario.expectEq(problems, "sink.value", name, EventLog.text(ev, "sink.value"));
        }
        if (!problems.isEmpty()) {
            fail("stored Log4Shell payload\n  - " + String.join("\n  - ", problems) + "\n  status: " + status
                + "\n  events: " + evs);
        }
    }

    @Test
    void storedLookupOfAnAllowedHostRuns() {
        Scenario s = springScenario;
        int mark = s.events.mark();
        int before = trap.connections();
        String status = storeAndAwaitLogging(s.http, "${jndi:ldap://localhost:" + trap.port() + "/allowed}");
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (!trap.connectedSince(before, 5000)) {
            problems.add("no connection reached the trap: the allowed host's lookup did not run");
        }
        if (!evs.isEmpty()) {
            problems.add("expected no event, got " + evs);
        }
        if (!problems.isEmpty()) {
            fail("stored lookup of localhost\n  - " + String.join("\n  - ", problems) + "\n  status: " + status);
        }
    }
}
