package dev.rasp.it.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A plain servlet next to Spring MVC, for the input Spring never asks the container for: {@code /sources/pathinfo/*}
 * takes the name from {@code request.getPathInfo()} (decoded by Tomcat, path parameters removed), the same lookup as
 * {@link SourcesController}, and answers the rows as JSON with {@code X-Seen-Name}.
 */
@Configuration
public class SourcesServlets {
    @Bean
    public ServletRegistrationBean<PathInfoServlet> pathInfoServlet(Databases dbs) {
        return new ServletRegistrationBean<>(new PathInfoServlet(dbs), "/sources/pathinfo/*");
    }

    /** {@code name = request.getPathInfo().substring(1)}. */
    public static final class PathInfoServlet extends HttpServlet {
        /** The servlet answers outside Spring MVC's converters. */
        private static final ObjectMapper JSON = new ObjectMapper();
        private final transient Databases dbs;

        PathInfoServlet(Databases dbs) {
            this.dbs = dbs;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            String info = req.getPathInfo();
            if (info == null || info.length() < 2) {
                res.sendError(400, "a name after /sources/pathinfo/ is required");
                return;
            }
            String name = info.substring(1);
            res.setHeader("X-Seen-Name", URLEncoder.encode(name, StandardCharsets.UTF_8));
            String json;
            try (Connection c = dbs.get("h2").connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(SourcesController.SELECT + " WHERE name = '" + name + "' AND role <> 'locked'")) {
                json = JSON.writeValueAsString(Rows.of(rs));
            } catch (SQLException e) {
                res.sendError(500, "database error: " + e.getMessage());
                return;
            }
            res.setContentType("application/json");
            res.setCharacterEncoding("UTF-8");
            res.getWriter().write(json);
        }
    }
}
