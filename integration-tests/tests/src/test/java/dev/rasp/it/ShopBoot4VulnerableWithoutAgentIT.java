package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Without the agent the Spring Boot 4 shop really is vulnerable to the attacks {@link ShopBoot4BlockModeIT} blocks:
 * the UNION returns the customers' e-mails, the second VALUES row is written, the traversal serves the secret.
 */
@ExtendWith(AppLogsOnFailure.class)
class ShopBoot4VulnerableWithoutAgentIT {
    static AppProcess app;
    static Http http;

    @BeforeAll
    static void start() {
        app = ShopApp.boot4("shop4-noagent").withoutAgent().startShared(Duration.ofSeconds(480));
        http = new Http(app.baseUrl());
        ShopApp.warmUp(http);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    @Test
    void benignTrafficIsServed() {
        for (Http.Resp r : ShopApp.benignTraffic(http)) {
            assertEquals(200, r.status(), r.toString());
        }
    }

    @Test
    void unionLeaksTheCustomers() {
        Http.Resp r = ShopApp.legacySearch(http, ShopApp.UNION);
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().contains("alice@example.com") && r.body().contains("customer59@example.com"), r.toString());
    }

    @Test
    void secondRowIsWritten() {
        long before = ShopApp.reviewsBy(http, "mallory");
        Http.Resp r = ShopApp.legacyReview(http, "eve-noagent", ShopApp.SECOND_ROW);
        assertEquals(200, r.status(), r.toString());
        assertEquals(before + 1, ShopApp.reviewsBy(http, "mallory"));
        assertEquals(1, ShopApp.reviewsBy(http, "eve-noagent"));
    }

    @Test
    void traversalServesTheSecret() {
        Http.Resp r = ShopApp.image(http, ShopApp.TRAVERSAL);
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().contains(app.secret()), r.toString());
    }
}
