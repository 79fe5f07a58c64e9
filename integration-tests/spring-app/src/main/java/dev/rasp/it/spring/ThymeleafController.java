package dev.rasp.it.spring;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.StringTemplateResolver;

/**
 * Deliberately injectable Thymeleaf rendering: HTML templates built by concatenating input into their source, processed
 * by a {@link SpringTemplateEngine} (Thymeleaf's Spring dialect, so every {@code ${...}} is SpEL) with a
 * {@link StringTemplateResolver}, and the same page done right (the input a model variable). Every template sees
 * {@code order}, an {@link ExprController.Order}.
 */
@RestController
@RequestMapping("/expr")
public class ThymeleafController {
    private final SpringTemplateEngine engine = new SpringTemplateEngine();

    public ThymeleafController() {
        StringTemplateResolver resolver = new StringTemplateResolver();
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCacheable(false);
        engine.setTemplateResolver(resolver);
    }

    private String render(String template, Map<String, Object> variables) {
        Context context = new Context();
        context.setVariable("order", new ExprController.Order());
        context.setVariables(variables);
        return engine.process(template, context);
    }

    /** A report cell showing the property of the order the caller picks: the input becomes part of a {@code ${...}}. */
    @GetMapping("/thymeleaf")
    public String thymeleafField(@RequestParam String field) {
        return render("<p th:text=\"${order." + field + "}\">?</p>", Map.of());
    }

    /** A greeting whose text is the input, concatenated into the template's source. */
    @GetMapping("/thymeleaf-greeting")
    public String thymeleafGreeting(@RequestParam String greeting) {
        return render("<p>Hello " + greeting + "!</p>", Map.of());
    }

    @GetMapping("/thymeleaf-model")
    public String thymeleafModel(@RequestParam String name) {
        return render("<p th:text=\"${name}\">?</p>", Map.of("name", name));
    }
}
