package dev.rasp.it.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * A deliberately vulnerable Spring Boot 3 application (embedded Tomcat 10, jakarta.servlet) used by the
 * RASP integration tests. Every endpoint under {@code /{db}/...} concatenates request input into SQL the way
 * real vulnerable code does; the {@code /{db}/safe/...} twins bind it. {@code /cmd/...} puts input into process
 * launches ({@link CommandController}), {@code /files/...} into file paths ({@link FileController}). Never deploy this.
 *
 * <p>Properties: {@code --server.port}, {@code --sqlite.dir} (directory of the SQLite file; a fresh temp dir
 * when absent), {@code --pg.url} (JDBC URL of a PostgreSQL database; the {@code pg} database exists only
 * when it is given), {@code --rasp.it.filesBase} (base directory of the file and command endpoints, see
 * {@link FileArea}; a fresh temp dir when absent).
 *
 * <p>{@code /handoff/...} ({@link HandOffController}) runs the same injectable lookup on other threads: executors,
 * threads, AsyncContext.start, Spring MVC's async return values and {@code @Async} methods (hence @EnableAsync).
 */
@SpringBootApplication
@EnableAsync
public class VulnerableApplication {
    public static void main(String[] args) throws ClassNotFoundException {
        // loaded, not linked: see EarlyLoadedExecutor
        Class.forName("dev.rasp.it.spring.EarlyLoadedExecutor", false, VulnerableApplication.class.getClassLoader());
        SpringApplication.run(VulnerableApplication.class, args);
    }
}
