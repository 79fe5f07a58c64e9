package dev.rasp.it.spring;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Service;

/** An {@code @Async} service (Spring runs it on the application task executor; see @EnableAsync). */
@Service
public class HandOffAsyncService {
    /** The vulnerable lookup of HandOffController, run asynchronously. */
    @Async
    public CompletableFuture<HandOffController.Found> byName(Db db, String name) throws SQLException {
        return CompletableFuture.completedFuture(HandOffController.byName(db, name));
    }
}
