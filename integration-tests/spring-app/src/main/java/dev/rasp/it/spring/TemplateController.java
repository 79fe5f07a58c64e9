package dev.rasp.it.spring;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import java.io.IOException;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deliberately injectable template rendering: a greeting template built by concatenating input into its source
 * (FreeMarker, Velocity), the same greeting done right (the input a value of the data model), and a template stored by
 * one request and rendered by a later one (its source then holds no input of the request that renders it). Every
 * template sees {@code order}, an {@link ExprController.Order}.
 */
@RestController
@RequestMapping("/expr")
public class TemplateController {
    private final Configuration freemarker = new Configuration(Configuration.VERSION_2_3_33);
    private final VelocityEngine velocity = new VelocityEngine();
    private final AtomicReference<String> storedFreeMarker = new AtomicReference<>("You have ${order.items} items");
    private final AtomicReference<String> storedVelocity = new AtomicReference<>("You have $order.items items");

    public TemplateController() {
        velocity.init();
    }

    private String freemarker(String source, Map<String, Object> model) throws IOException, TemplateException {
        StringWriter out = new StringWriter();
        new Template("greeting", source, freemarker).process(model, out);
        return out.toString();
    }

    private String velocity(String source, Map<String, Object> model) {
        StringWriter out = new StringWriter();
        // A mutable map: VelocityContext writes #set variables into the one it wraps.
        velocity.evaluate(new VelocityContext(new HashMap<>(model)), out, "greeting", source);
        return out.toString();
    }

    @GetMapping("/freemarker")
    public String freemarkerGreeting(@RequestParam String greeting) throws IOException, TemplateException {
        return freemarker("Hello " + greeting + "!", Map.of("order", new ExprController.Order()));
    }

    @GetMapping("/freemarker-model")
    public String freemarkerModel(@RequestParam String name) throws IOException, TemplateException {
        return freemarker("Hello ${name}!", Map.of("order", new ExprController.Order(), "name", name));
    }

    /** Stores a FreeMarker template (no template is parsed here). */
    @GetMapping("/freemarker/templates/save")
    public String saveFreeMarker(@RequestParam String source) {
        storedFreeMarker.set(source);
        return "stored";
    }

    @GetMapping("/freemarker/templates/run")
    public String runFreeMarker() throws IOException, TemplateException {
        return freemarker(storedFreeMarker.get(), Map.of("order", new ExprController.Order()));
    }

    @GetMapping("/velocity")
    public String velocityGreeting(@RequestParam String greeting) {
        return velocity("Hello " + greeting + "!", Map.of("order", new ExprController.Order()));
    }

    @GetMapping("/velocity-model")
    public String velocityModel(@RequestParam String name) {
        return velocity("Hello $name!", Map.of("order", new ExprController.Order(), "name", name));
    }

    /** Stores a Velocity template (no template is parsed here). */
    @GetMapping("/velocity/templates/save")
    public String saveVelocity(@RequestParam String source) {
        storedVelocity.set(source);
        return "stored";
    }

    @GetMapping("/velocity/templates/run")
    public String runVelocity() {
        return velocity(storedVelocity.get(), Map.of("order", new ExprController.Order()));
    }
}
