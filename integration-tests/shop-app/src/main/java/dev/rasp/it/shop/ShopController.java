package dev.rasp.it.shop;

import java.math.BigDecimal;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;

/** The HTML side: the catalogue page with its filter form, and the checkout form's answer. */
@Controller
public class ShopController {
    private final Shop shop;

    ShopController(Shop shop) {
        this.shop = shop;
    }

    @GetMapping("/shop")
    public String catalogue(@RequestParam(required = false) String q, @RequestParam(required = false) String category,
            @RequestParam(required = false) BigDecimal max, @RequestParam(defaultValue = "name") String sort, Model model) {
        Shop.Listing listing = shop.listing(q, category, max, sort);
        model.addAttribute("q", q == null ? "" : q);
        model.addAttribute("category", category == null ? "" : category);
        model.addAttribute("max", max);
        model.addAttribute("sort", sort);
        model.addAttribute("categories", listing.categories());
        model.addAttribute("products", listing.products());
        model.addAttribute("matching", listing.matching());
        return "shop";
    }

    /** Readiness, as the ITs' harness and the load test poll it. */
    @GetMapping("/health")
    @ResponseBody
    public String health() {
        return "ok";
    }

    @PostMapping("/shop/checkout")
    public String checkout(@RequestParam String email, @RequestParam long product,
            @RequestParam(defaultValue = "1") int quantity, Model model) {
        PurchaseOrder o = shop.checkout(email, product, quantity);
        if (o == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such customer or product");
        }
        model.addAttribute("order", o);
        return "ordered";
    }
}
