package dev.rasp.it.shop;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ReviewRepository extends JpaRepository<Review, Long> {
    List<Review> findTop5ByProductIdOrderByRatingDescIdAsc(Long productId);

    long countByAuthor(String author);
}
