package dev.rasp.it.shop;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface OrderRepository extends JpaRepository<PurchaseOrder, Long> {
    @Query("select distinct o from PurchaseOrder o join fetch o.lines l join fetch l.product"
            + " where o.customer.id = :customer and o.status in :statuses order by o.createdAt desc")
    List<PurchaseOrder> history(@Param("customer") Long customer, @Param("statuses") List<String> statuses);
}
