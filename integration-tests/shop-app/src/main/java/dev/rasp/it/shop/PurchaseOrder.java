package dev.rasp.it.shop;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@Entity
@Table(name = "orders")
public class PurchaseOrder {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    private Customer customer;
    private Instant createdAt;
    private String status;
    private BigDecimal total;
    @OneToMany(mappedBy = "order", cascade = CascadeType.ALL)
    private List<OrderLine> lines = new ArrayList<>();

    protected PurchaseOrder() {}

    PurchaseOrder(Customer customer, Instant createdAt, String status) {
        this.customer = customer;
        this.createdAt = createdAt;
        this.status = status;
        this.total = BigDecimal.ZERO;
    }

    void add(Product product, int quantity) {
        lines.add(new OrderLine(this, product, quantity, product.getPrice()));
        total = total.add(product.getPrice().multiply(BigDecimal.valueOf(quantity)));
    }

    public Long getId() { return id; }
    public Customer getCustomer() { return customer; }
    public Instant getCreatedAt() { return createdAt; }
    public String getStatus() { return status; }
    public BigDecimal getTotal() { return total; }
    public List<OrderLine> getLines() { return lines; }
}
