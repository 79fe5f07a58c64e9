package dev.rasp.it.shop;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The JSON side. */
@RestController
@RequestMapping("/api")
public class ApiController {
    private final Shop shop;
    private final JdbcTemplate jdbc;
    private final ReviewRepository reviews;

    ApiController(Shop shop, JdbcTemplate jdbc, ReviewRepository reviews) {
        this.shop = shop;
        this.jdbc = jdbc;
        this.reviews = reviews;
    }

    @GetMapping("/products/{id}")
    public Shop.ProductView product(@PathVariable long id) {
        Shop.ProductView p = shop.product(id);
        if (p == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        return p;
    }

    @GetMapping("/orders")
    public List<Shop.OrderView> orders(@RequestParam String email,
            @RequestParam(defaultValue = "NEW,PAID,SHIPPED") List<String> status) {
        List<Shop.OrderView> h = shop.history(email, status);
        if (h == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        return h;
    }

    /** The bound twin of {@link LegacyController#search}. */
    @GetMapping("/products/search")
    public List<Map<String, Object>> search(@RequestParam String q) {
        return jdbc.queryForList("select id, name, price from product where lower(name) like ? order by id",
                "%" + q.toLowerCase(Locale.ROOT) + "%");
    }

    @GetMapping("/reviews/count")
    public Map<String, Long> reviewCount(@RequestParam String author) {
        return Map.of("count", reviews.countByAuthor(author));
    }
}
