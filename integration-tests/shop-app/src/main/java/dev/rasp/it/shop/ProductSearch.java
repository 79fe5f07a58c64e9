package dev.rasp.it.shop;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Fetch;
import jakarta.persistence.criteria.Join;
import jakarta.persistence.criteria.JoinType;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The catalogue filter as a Criteria query: every filter a bound parameter. */
@Repository
public class ProductSearch {
    @PersistenceContext
    private EntityManager em;

    @Transactional(readOnly = true)
    public List<Product> search(String q, String category, BigDecimal maxPrice, String sort, int limit) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<Product> cq = cb.createQuery(Product.class);
        Root<Product> p = cq.from(Product.class);
        Fetch<Product, Category> fetched = p.fetch("category", JoinType.INNER);
        @SuppressWarnings("unchecked")
        Join<Product, Category> c = (Join<Product, Category>) fetched; // Hibernate's fetches are joins
        List<Predicate> where = new ArrayList<>();
        where.add(cb.isTrue(p.get("active")));
        if (q != null && !q.isBlank()) {
            where.add(cb.like(cb.lower(p.get("name")), "%" + q.toLowerCase(Locale.ROOT) + "%"));
        }
        if (category != null && !category.isBlank()) {
            where.add(cb.equal(c.get("slug"), category));
        }
        if (maxPrice != null) {
            where.add(cb.le(p.get("price"), maxPrice));
        }
        cq.select(p).where(where.toArray(new Predicate[0]));
        cq.orderBy("price".equals(sort) ? cb.asc(p.get("price")) : cb.asc(p.get("name")), cb.asc(p.get("id")));
        return em.createQuery(cq).setMaxResults(limit).getResultList();
    }
}
