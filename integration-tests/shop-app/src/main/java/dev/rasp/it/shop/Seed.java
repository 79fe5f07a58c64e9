package dev.rasp.it.shop;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Deterministic seed data (Hibernate creates the schema): 8 categories, 400 products, 60 customers, 600 orders with
 * their lines, 2,000 reviews. Ids follow insertion order (1, 2, ...), which the ITs and the load test rely on.
 */
@Component
public class Seed implements ApplicationRunner {
    static final String[] CATEGORIES = {"Shoes", "Jackets", "Bags", "Watches", "Hats", "Shirts", "Socks", "Gloves"};
    static final String[] COLOURS = {"red", "blue", "black", "white", "green", "grey", "navy", "olive", "tan", "pink"};
    static final String[] KINDS = {"running", "trail", "classic", "winter", "summer"};
    static final String[] CUSTOMERS = {"alice", "bob", "carol", "dave", "O'Brien"};

    private final JdbcTemplate jdbc;

    Seed(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void run(ApplicationArguments args) {
        List<Object[]> rows = new ArrayList<>();
        for (String c : CATEGORIES) {
            rows.add(new Object[] {c, c.toLowerCase()});
        }
        jdbc.batchUpdate("insert into category (name, slug) values (?, ?)", rows);

        rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String cat = CATEGORIES[i % CATEGORIES.length];
            String name = COLOURS[(i / 8) % COLOURS.length] + " " + KINDS[(i / 80) % KINDS.length] + " "
                    + cat.toLowerCase().replaceAll("s$", "") + " " + (i + 1);
            rows.add(new Object[] {name, "A " + name + ", in stock.", BigDecimal.valueOf(500 + (i * 37L) % 24500, 2),
                    100000, i % 23 != 0, i % CATEGORIES.length + 1});
        }
        jdbc.batchUpdate("insert into product (name, description, price, stock, active, category_id)"
                + " values (?, ?, ?, ?, ?, ?)", rows);

        rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String n = i < CUSTOMERS.length ? CUSTOMERS[i] : "customer" + i;
            String mail = (i < CUSTOMERS.length ? n.toLowerCase().replace("'", "") : n) + "@example.com";
            rows.add(new Object[] {n, mail});
        }
        jdbc.batchUpdate("insert into customer (name, email) values (?, ?)", rows);

        rows = new ArrayList<>();
        List<Object[]> lines = new ArrayList<>();
        String[] statuses = {"NEW", "PAID", "SHIPPED", "CANCELLED"};
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 600; i++) {
            rows.add(new Object[] {i % 60 + 1, Timestamp.from(t0.plusSeconds(3600L * i)), statuses[i % 4],
                    BigDecimal.valueOf(1999 + i, 2)});
            for (int l = 0; l <= i % 3; l++) {
                lines.add(new Object[] {i + 1, (i * 7 + l * 13) % 400 + 1, 1 + l, BigDecimal.valueOf(999, 2)});
            }
        }
        jdbc.batchUpdate("insert into orders (customer_id, created_at, status, total) values (?, ?, ?, ?)", rows);
        jdbc.batchUpdate("insert into order_line (order_id, product_id, quantity, unit_price) values (?, ?, ?, ?)", lines);

        rows = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            rows.add(new Object[] {i % 400 + 1, "customer" + (i % 60), 1 + (i * 7) % 5, "Review " + i + " of product "
                    + (i % 400 + 1) + ": fits well, would buy again."});
        }
        jdbc.batchUpdate("insert into review (product_id, author, rating, body) values (?, ?, ?, ?)", rows);
    }
}
