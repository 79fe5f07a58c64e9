package dev.rasp.it.shop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * VULNERABLE ON PURPOSE: the shop's "legacy" endpoints, which build SQL by concatenation and resolve file names
 * against a directory without checking them. The ITs attack them; nothing else may copy them.
 */
@RestController
@RequestMapping("/legacy")
public class LegacyController {
    private final JdbcTemplate jdbc;
    private final Path images;

    LegacyController(JdbcTemplate jdbc, @Value("${shop.images:${rasp.it.filesBase:}}") String images) throws IOException {
        this.jdbc = jdbc;
        this.images = images.isEmpty() ? Files.createTempDirectory("shop-images") : Paths.get(images);
        Files.createDirectories(this.images);
        Files.writeString(this.images.resolve("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
    }

    /** SQL injection: the term concatenated into a LIKE literal of a plain statement. */
    @GetMapping("/products/search")
    public List<Map<String, Object>> search(@RequestParam String q) {
        return jdbc.queryForList("select id, name, price from product where name like '%" + q + "%' order by id");
    }

    /** SQL injection in a write: the review's author and text concatenated into an INSERT. */
    @PostMapping("/reviews")
    public Map<String, Integer> review(@RequestParam long product, @RequestParam String author,
            @RequestParam int rating, @RequestParam String body) {
        int n = jdbc.update("insert into review (product_id, author, rating, body) values (" + product + ", '" + author
                + "', " + rating + ", '" + body + "')");
        return Map.of("inserted", n);
    }

    /**
     * Path traversal: the name resolved against the images directory ({@code --shop.images}, else the ITs'
     * {@code --rasp.it.filesBase}, else a temporary directory), unchecked.
     */
    @GetMapping("/images")
    public String image(@RequestParam String name) throws IOException {
        try {
            return new String(Files.readAllBytes(images.resolve(name)), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
    }
}
