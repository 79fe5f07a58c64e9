package dev.rasp.it.spring;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deliberately injectable ORM queries over the h2 users table ({@link OrmUser}): request input concatenated into JPQL
 * through the EntityManager Spring injects (a shared proxy over Hibernate's session), into HQL through a Hibernate
 * Session, and into a native query. The {@code /orm/safe/...} twins bind the input as a parameter.
 */
@RestController
@RequestMapping("/orm")
public class OrmController {
    @PersistenceContext
    private EntityManager em;

    private final SessionFactory sessions;

    public OrmController(EntityManagerFactory emf) {
        this.sessions = emf.unwrap(SessionFactory.class);
    }

    /** JPQL string concatenation: EntityManager.createQuery. */
    @GetMapping("/jpql/by-name")
    public List<Map<String, Object>> jpql(@RequestParam String name) {
        return rows(em.createQuery("SELECT u FROM User u WHERE u.name = '" + name + "' ORDER BY u.id", OrmUser.class)
            .getResultList());
    }

    @GetMapping("/safe/jpql/by-name")
    public List<Map<String, Object>> safeJpql(@RequestParam String name) {
        return rows(em.createQuery("SELECT u FROM User u WHERE u.name = :name ORDER BY u.id", OrmUser.class)
            .setParameter("name", name).getResultList());
    }

    /** HQL string concatenation: Session.createSelectionQuery (Hibernate 6). */
    @GetMapping("/hql/by-name")
    public List<Map<String, Object>> hql(@RequestParam String name) {
        try (Session s = sessions.openSession()) {
            return rows(s.createSelectionQuery("FROM User u WHERE u.name = '" + name + "' ORDER BY u.id", OrmUser.class)
                .getResultList());
        }
    }

    @GetMapping("/safe/hql/by-name")
    public List<Map<String, Object>> safeHql(@RequestParam String name) {
        try (Session s = sessions.openSession()) {
            return rows(s.createSelectionQuery("FROM User u WHERE u.name = :name ORDER BY u.id", OrmUser.class)
                .setParameter("name", name).getResultList());
        }
    }

    /** SQL string concatenation: EntityManager.createNativeQuery. */
    @GetMapping("/native/by-name")
    public List<Map<String, Object>> nativeQuery(@RequestParam String name) {
        @SuppressWarnings("unchecked")
        List<OrmUser> users = em.createNativeQuery(
            "SELECT u.id, u.name, u.email, u.role FROM users u WHERE u.name = '" + name + "' ORDER BY u.id", OrmUser.class)
            .getResultList();
        return rows(users);
    }

    @GetMapping("/safe/native/by-name")
    public List<Map<String, Object>> safeNativeQuery(@RequestParam String name) {
        @SuppressWarnings("unchecked")
        List<OrmUser> users = em.createNativeQuery(
            "SELECT u.id, u.name, u.email, u.role FROM users u WHERE u.name = ?1 ORDER BY u.id", OrmUser.class)
            .setParameter(1, name).getResultList();
        return rows(users);
    }

    private static List<Map<String, Object>> rows(List<OrmUser> users) {
        return users.stream().map(OrmUser::row).toList();
    }
}
