package dev.rasp.it.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * A sink reached in a servlet filter, before any servlet: {@code GET /filter/files/read?name=} is answered by the
 * filter itself with {@code new FileInputStream(new File(base, name))}, as download, static-file and legacy
 * security filters do. Registered first in Tomcat's chain (highest precedence), so no other filter of the
 * application, nor Spring's DispatcherServlet, runs before it.
 */
public final class FileReadingFilter implements Filter {
    static final String PATH = "/filter/files/read";

    private final FileArea files;
    private final ObjectMapper json;

    FileReadingFilter(FileArea files, ObjectMapper json) {
        this.files = files;
        this.json = json;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest r = (HttpServletRequest) req;
        HttpServletResponse w = (HttpServletResponse) res;
        if (!r.getRequestURI().equals(PATH)) {
            chain.doFilter(req, res);
            return;
        }
        String name = r.getParameter("name");
        if (name == null) {
            answer(w, 400, Map.of("error", "parameter name is required"));
            return;
        }
        byte[] bytes;
        try (InputStream in = new FileInputStream(new File(files.base.toFile(), name))) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException missing) {
            answer(w, 404, Map.of("error", "not found: " + missing.getMessage()));
            return;
        }
        answer(w, 200, FileController.content(name, bytes));
    }

    private void answer(HttpServletResponse w, int status, Object body) throws IOException {
        w.setStatus(status);
        w.setContentType("application/json");
        w.setCharacterEncoding("UTF-8");
        w.getWriter().write(json.writeValueAsString(body));
    }

    @Configuration
    static class Registration {
        @Bean
        FilterRegistrationBean<FileReadingFilter> fileReadingFilter(FileArea files, ObjectMapper json) {
            FilterRegistrationBean<FileReadingFilter> r = new FilterRegistrationBean<>(new FileReadingFilter(files, json));
            r.addUrlPatterns("/filter/*");
            r.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return r;
        }
    }
}
