package dev.rasp.it.shop;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface ProductRepository extends JpaRepository<Product, Long> {
    /** JPQL with a fetch join. */
    @Query("select p from Product p join fetch p.category where p.id = :id")
    Optional<Product> findWithCategory(@Param("id") Long id);

    /** Native SQL: the most expensive other active products of a category. */
    @Query(value = "select p.* from product p join category c on c.id = p.category_id"
            + " where c.slug = :slug and p.id <> :exclude and p.active = true order by p.price desc limit 6",
            nativeQuery = true)
    List<Product> related(@Param("slug") String slug, @Param("exclude") Long exclude);
}
