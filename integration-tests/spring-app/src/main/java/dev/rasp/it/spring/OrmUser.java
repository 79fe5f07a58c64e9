package dev.rasp.it.spring;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.LinkedHashMap;
import java.util.Map;

/** The h2 database's users table as a JPA entity, named {@code User} in JPQL/HQL (see {@link OrmController}). */
@Entity(name = "User")
@Table(name = "users")
public class OrmUser {
    @Id
    private Integer id;
    private String name;
    private String email;
    private String role;

    protected OrmUser() {
    }

    /** The row as the JDBC endpoints answer it (id, name, email, role). */
    Map<String, Object> row() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("name", name);
        row.put("email", email);
        row.put("role", role);
        return row;
    }
}
