package dev.rasp.it.javax;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * A sink reached in a servlet filter, before any servlet: {@code GET /filter/files/read?name=} is answered by the
 * filter itself with {@code new FileInputStream(new File(base, name))}, as download, static-file and legacy
 * security filters do. Registered first in Jetty's chain, so nothing of the application runs before it.
 */
final class FileReadingFilter implements Filter {
    static final String PATH = "/filter/files/read";

    private final FileArea files;

    FileReadingFilter(FileArea files) {
        this.files = files;
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
            Servlets.JdbcServlet.json(w, 400, Map.of("error", "parameter name is required"));
            return;
        }
        byte[] bytes;
        try (InputStream in = new FileInputStream(new File(files.base.toFile(), name))) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException missing) {
            Servlets.JdbcServlet.json(w, 404, Map.of("error", "not found: " + missing.getMessage()));
            return;
        }
        Servlets.JdbcServlet.json(w, 200, SinkServlets.content(name, bytes));
    }
}
