package dev.rasp.it.shop;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;

@Entity
public class Review {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    private Product product;
    private String author;
    private int rating;
    private String body;

    protected Review() {}

    public Long getId() { return id; }
    public String getAuthor() { return author; }
    public int getRating() { return rating; }
    public String getBody() { return body; }
}
