package dev.rasp.it.shop;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

@Entity
public class Category {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String name;
    private String slug;

    protected Category() {}

    public Long getId() { return id; }
    public String getName() { return name; }
    public String getSlug() { return slug; }
}
