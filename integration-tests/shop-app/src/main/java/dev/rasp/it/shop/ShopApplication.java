package dev.rasp.it.shop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small shop on Spring Boot, JPA/Hibernate, HikariCP, H2 and Thymeleaf: the realistic application of the whole-app
 * load test ({@code benches/load/run-shop}) and of the Spring Boot 4 ITs. The same sources build against Boot 3.5
 * ({@code shop-app}) and Boot 4.0 ({@code shop-app-boot4}), so nothing here may use an API that moved between them
 * (e.g. {@code @EntityScan}, Jackson types).
 *
 * <p>A request runs several statements, prepared (Spring Data, JPQL, Criteria, native) and plain (JdbcTemplate), with
 * its inputs inside them. Two endpoints of {@link LegacyController} are vulnerable on purpose (string concatenation
 * into SQL, a file name resolved against a directory): the ITs attack them.
 */
@SpringBootApplication
public class ShopApplication {
    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
