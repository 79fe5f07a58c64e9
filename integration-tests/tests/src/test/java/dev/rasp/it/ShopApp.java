package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shop application (integration-tests/shop-app, built on Spring Boot 4 as shop-app-boot4) and the requests its
 * ITs send: the benign traffic of the load test and the attacks on its deliberately vulnerable {@code /legacy}
 * endpoints (SQL concatenated by JdbcTemplate, a file name resolved unchecked).
 */
final class ShopApp {
    /** A UNION through the legacy search's LIKE literal: every customer's e-mail comes back as a product name. */
    static final String UNION = "zzz%' UNION SELECT id, email, 0 FROM customer -- ";
    /** A second VALUES row through the legacy review INSERT: a review by "mallory" besides the one asked for. */
    static final String SECOND_ROW = "nice'), (1, 'mallory', 1, 'injected";
    /** From the images directory (files/www/data) to the harness's secret (files/outside/secret.txt). */
    static final String TRAVERSAL = "../../outside/secret.txt";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private ShopApp() {}

    static AppProcess.Builder boot4(String name) {
        return AppProcess.builder(name, ItConfig.shopBoot4Jar());
    }

    /**
     * The first page of a cold JVM (Thymeleaf's template parse, Hibernate's first Criteria query, C1 only) can
     * exceed the client's 30 s timeout on a loaded two-core machine; the tests judge answers, not that latency.
     */
    static void warmUp(Http http) {
        for (String path : List.of("/shop?q=warm-up", "/api/products/1", "/api/orders?email=bob%40example.com")) {
            for (int i = 0; ; i++) {
                try {
                    http.get(path);
                    break;
                } catch (AssertionError e) {
                    if (i == 4) {
                        throw e;
                    }
                }
            }
        }
    }

    static Http.Resp legacySearch(Http http, String q) {
        return http.get("/legacy/products/search?q=" + Http.enc(q));
    }

    static Http.Resp legacyReview(Http http, String author, String body) {
        return http.postForm("/legacy/reviews", Map.of("product", "1", "author", author, "rating", "4", "body", body));
    }

    static Http.Resp image(Http http, String name) {
        return http.get("/legacy/images?name=" + Http.enc(name));
    }

    static long reviewsBy(Http http, String author) {
        Http.Resp r = http.get("/api/reviews/count?author=" + Http.enc(author));
        assertEquals(200, r.status(), r.toString());
        return Scenario.json(r.body()).path("count").asLong();
    }

    /** The benign requests of benches/load/run's shop workloads; each must answer 200. */
    static List<Http.Resp> benignTraffic(Http http) {
        return List.of(
            http.get("/shop?q=running&category=shoes&sort=price"),
            http.get("/shop?q=" + Http.enc("O'Brien's navy") + "&max=120.50"),
            http.get("/api/products/17"),
            http.get("/api/orders?email=alice%40example.com&status=NEW,PAID"),
            http.postForm("/shop/checkout", Map.of("email", "customer59@example.com", "product", "42", "quantity", "2")),
            http.get("/api/products/search?q=" + Http.enc("running shoe")),
            legacySearch(http, "running shoe"),
            image(http, "logo.svg"));
    }

    /**
     * The events since the mark, once the writer has caught up: a traversal with a unique marker is sent last and
     * waited for (the writer is FIFO); its own line is left out.
     */
    static List<String> eventsSince(EventLog events, Http http, int mark) {
        String marker = "zs" + SEQ.incrementAndGet() + "zs";
        image(http, "../../outside/" + marker);
        List<String> lines = events.awaitLine(mark, n -> n.toString().contains(marker), java.time.Duration.ofSeconds(15),
            "the sentinel traversal " + marker);
        return lines.stream().filter(l -> !l.contains(marker)).toList();
    }

    static String text(JsonNode ev, String path) {
        return EventLog.text(ev, path);
    }
}
