package jakarta.persistence;

/** Test stand-in, by name only: the agent matches the JPA interface by its name (OrmApisTest). */
public interface EntityManager {
    Object createQuery(String query);
}
