package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spring Boot 4 (Tomcat 11, jakarta.servlet 6.1, Hibernate 7, HikariCP) with rasp.jar in block mode: the shop's
 * benign traffic (Thymeleaf pages, JSON, a checkout; prepared and plain statements with the inputs inside them) is
 * served with no event, and the attacks on its legacy endpoints are blocked through their real data paths, with 403,
 * one event and no statement run. {@link ShopBoot4VulnerableWithoutAgentIT} shows the same attacks succeed without
 * the agent.
 */
@ExtendWith(AppLogsOnFailure.class)
class ShopBoot4BlockModeIT {
    static AppProcess app;
    static Http http;
    static EventLog events;

    @BeforeAll
    static void start() {
        app = ShopApp.boot4("shop4-block").mode("block").startShared(Duration.ofSeconds(480));
        http = new Http(app.baseUrl());
        ShopApp.warmUp(http);
        events = new EventLog(app.eventsFile());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    @Test
    void runsOnSpringBoot4Tomcat11Hibernate7() {
        String out = app.stdoutText();
        assertTrue(out.contains("Apache Tomcat/11."), "not Tomcat 11:\n" + AppProcess.tail(out, 40));
        assertTrue(out.contains("Hibernate ORM core version 7."), "not Hibernate 7:\n" + AppProcess.tail(out, 40));
        assertTrue(out.contains("Spring Boot") || out.contains("Started ShopApplication"), AppProcess.tail(out, 40));
    }

    @Test
    void benignTrafficIsServedWithNoEvent() {
        int mark = events.mark();
        List<Http.Resp> answers = ShopApp.benignTraffic(http);
        List<String> evs = ShopApp.eventsSince(events, http, mark);
        for (Http.Resp r : answers) {
            assertEquals(200, r.status(), r.toString());
        }
        assertTrue(answers.get(0).body().contains("running shoe"), answers.get(0).toString());
        assertTrue(answers.get(1).body().contains("products match"), answers.get(1).toString());
        assertTrue(answers.get(6).body().contains("running shoe"), answers.get(6).toString());
        assertEquals(List.of(), evs, "benign requests raised events");
    }

    @Test
    void unionThroughJdbcTemplateConcatenationIsBlocked() {
        int mark = events.mark();
        Http.Resp r = ShopApp.legacySearch(http, ShopApp.UNION);
        List<String> evs = ShopApp.eventsSince(events, http, mark);
        List<String> problems = new ArrayList<>();
        JsonNode body = Scenario.checkBlockAnswer(r, problems, "sqli");
        assertFalse(r.body().contains("@example.com"), "the answer serves customer e-mails: " + r);
        assertEquals(List.of(), problems, r.toString());
        assertEquals(1, evs.size(), "events: " + evs);
        JsonNode ev = EventLog.parse(evs.get(0));
        assertEquals("blocked", ShopApp.text(ev, "action"), evs.get(0));
        assertEquals("sqli", ShopApp.text(ev, "category"), evs.get(0));
        assertEquals(ShopApp.UNION, ShopApp.text(ev, "input.value"), evs.get(0));
        assertEquals(body.path("event_id").asText(), ShopApp.text(ev, "event_id"), evs.get(0));
        // the benign twin on the same endpoint, after the block: served
        Http.Resp twin = ShopApp.legacySearch(http, "trail bag");
        assertEquals(200, twin.status(), twin.toString());
        assertTrue(twin.body().contains("trail bag"), twin.toString());
    }

    @Test
    void secondRowThroughInsertConcatenationIsBlockedAndNothingIsWritten() {
        long before = ShopApp.reviewsBy(http, "mallory");
        int mark = events.mark();
        Http.Resp r = ShopApp.legacyReview(http, "eve-block", ShopApp.SECOND_ROW);
        List<String> evs = ShopApp.eventsSince(events, http, mark);
        List<String> problems = new ArrayList<>();
        Scenario.checkBlockAnswer(r, problems, "sqli");
        assertEquals(List.of(), problems, r.toString());
        assertEquals(1, evs.size(), "events: " + evs);
        assertEquals("blocked", ShopApp.text(EventLog.parse(evs.get(0)), "action"), evs.get(0));
        // no statement ran: neither the injected row nor the one asked for
        assertEquals(before, ShopApp.reviewsBy(http, "mallory"));
        assertEquals(0, ShopApp.reviewsBy(http, "eve-block"));
        // the benign twin writes its one row
        Http.Resp twin = ShopApp.legacyReview(http, "eve-twin", "Great fit, would buy again");
        assertEquals(200, twin.status(), twin.toString());
        assertEquals(1, ShopApp.reviewsBy(http, "eve-twin"));
    }

    @Test
    void traversalOutOfTheImagesDirectoryIsBlocked() {
        int mark = events.mark();
        Http.Resp r = ShopApp.image(http, ShopApp.TRAVERSAL);
        List<String> evs = ShopApp.eventsSince(events, http, mark);
        assertEquals(403, r.status(), r.toString());
        assertFalse(r.body().contains(app.secret()), "the secret was served: " + r);
        assertEquals(1, evs.size(), "events: " + evs);
        JsonNode ev = EventLog.parse(evs.get(0));
        assertEquals("blocked", ShopApp.text(ev, "action"), evs.get(0));
        assertEquals(ShopApp.TRAVERSAL, ShopApp.text(ev, "input.value"), evs.get(0));
        Http.Resp twin = ShopApp.image(http, "logo.svg");
        assertEquals(200, twin.status(), twin.toString());
        assertTrue(twin.body().contains("<svg"), twin.toString());
    }
}
