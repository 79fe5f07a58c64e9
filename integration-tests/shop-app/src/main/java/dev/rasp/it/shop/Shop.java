package dev.rasp.it.shop;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The shop's use cases: each runs several statements, prepared through JPA and plain through JdbcTemplate. */
@Service
public class Shop {
    private final CategoryRepository categories;
    private final ProductRepository products;
    private final CustomerRepository customers;
    private final OrderRepository orders;
    private final ReviewRepository reviews;
    private final ProductSearch search;
    private final JdbcTemplate jdbc;

    Shop(CategoryRepository categories, ProductRepository products, CustomerRepository customers,
            OrderRepository orders, ReviewRepository reviews, ProductSearch search, JdbcTemplate jdbc) {
        this.categories = categories;
        this.products = products;
        this.customers = customers;
        this.orders = orders;
        this.reviews = reviews;
        this.search = search;
        this.jdbc = jdbc;
    }

    public record Listing(List<Category> categories, List<Product> products, long matching) {}

    public record ProductView(Long id, String name, String description, BigDecimal price, int stock, String category,
            double rating, long reviewCount, List<ReviewView> topReviews, List<Related> related) {}

    public record ReviewView(String author, int rating, String body) {}

    public record Related(Long id, String name, BigDecimal price) {}

    public record OrderView(Long id, Instant createdAt, String status, BigDecimal total, List<LineView> lines) {}

    public record LineView(String product, int quantity, BigDecimal unitPrice) {}

    /** The catalogue page: categories (derived query), the filtered products (Criteria), the number of matches (plain). */
    @Transactional(readOnly = true)
    public Listing listing(String q, String category, BigDecimal maxPrice, String sort) {
        List<Category> all = categories.findAllByOrderByNameAsc();
        List<Product> found = search.search(q, category, maxPrice, sort, 20);
        found.forEach(p -> p.getCategory().getName());
        // a plain statement with the search term inside a string literal, escaped the way older code does it
        String term = q == null ? "" : q.toLowerCase(Locale.ROOT).replace("'", "''");
        Long matching = jdbc.queryForObject(
                "select count(*) from product where active = true and lower(name) like '%" + term + "%'", Long.class);
        return new Listing(all, found, matching == null ? 0 : matching);
    }

    /** A product: JPQL fetch join, native related products, derived top reviews, a plain aggregate keyed by the id. */
    @Transactional(readOnly = true)
    public ProductView product(long id) {
        Product p = products.findWithCategory(id).orElse(null);
        if (p == null) {
            return null;
        }
        List<Related> related = products.related(p.getCategory().getSlug(), p.getId()).stream()
                .map(r -> new Related(r.getId(), r.getName(), r.getPrice())).toList();
        List<ReviewView> top = reviews.findTop5ByProductIdOrderByRatingDescIdAsc(p.getId()).stream()
                .map(r -> new ReviewView(r.getAuthor(), r.getRating(), r.getBody())).toList();
        Map<String, Object> agg = jdbc.queryForMap(
                "select coalesce(avg(cast(rating as double)), 0) as r, count(*) as n from review where product_id = " + id);
        return new ProductView(p.getId(), p.getName(), p.getDescription(), p.getPrice(), p.getStock(),
                p.getCategory().getName(), ((Number) agg.get("R")).doubleValue(), ((Number) agg.get("N")).longValue(),
                top, related);
    }

    /** A customer's order history: derived lookup by e-mail, then a JPQL fetch join over orders, lines and products. */
    @Transactional(readOnly = true)
    public List<OrderView> history(String email, List<String> statuses) {
        Customer c = customers.findByEmailIgnoreCase(email).orElse(null);
        if (c == null) {
            return null;
        }
        return orders.history(c.getId(), statuses).stream()
                .map(o -> new OrderView(o.getId(), o.getCreatedAt(), o.getStatus(), o.getTotal(), o.getLines().stream()
                        .map(l -> new LineView(l.getProduct().getName(), l.getQuantity(), l.getUnitPrice())).toList()))
                .toList();
    }

    /** A checkout: two lookups, the order and its line inserted (cascade), the stock decremented (bound update). */
    @Transactional
    public PurchaseOrder checkout(String email, long productId, int quantity) {
        Customer c = customers.findByEmailIgnoreCase(email).orElse(null);
        Product p = products.findById(productId).orElse(null);
        if (c == null || p == null || quantity < 1) {
            return null;
        }
        PurchaseOrder o = new PurchaseOrder(c, Instant.now(), "NEW");
        o.add(p, quantity);
        orders.save(o);
        jdbc.update("update product set stock = stock - ? where id = ?", quantity, productId);
        return o;
    }
}
