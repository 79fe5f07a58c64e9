package dev.rasp.it.javax;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.servlet.ServletException;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** Plain HttpServlets, no framework. The vulnerable ones concatenate request input into SQL. */
final class Servlets {
    private Servlets() {}

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SELECT = "SELECT id, name, email, role FROM users";

    /** Common plumbing: JSON answers, 400 for a missing parameter, SQLException as 500. */
    abstract static class JdbcServlet extends HttpServlet {
        final transient Db db;

        JdbcServlet(Db db) {
            this.db = db;
        }

        static void json(HttpServletResponse res, int status, Object body) throws IOException {
            res.setStatus(status);
            res.setContentType("application/json");
            res.setCharacterEncoding("UTF-8");
            res.getWriter().write(JSON.writeValueAsString(body));
        }

        static String required(HttpServletRequest req, String name) {
            String v = req.getParameter(name);
            if (v == null) {
                throw new IllegalArgumentException("parameter " + name + " is required");
            }
            return v;
        }

        List<Map<String, Object>> query(String sql) throws SQLException {
            try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                return rows(rs);
            }
        }

        static List<Map<String, Object>> rows(ResultSet rs) throws SQLException {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }

        /** The servlet's work; SQLException becomes a 500 the way a careless app reports it. */
        interface Work {
            Object run() throws Exception;
        }

        void answer(HttpServletResponse res, Work work) throws IOException, ServletException {
            Object body;
            try {
                body = work.run();
            } catch (IllegalArgumentException bad) {
                json(res, 400, Map.of("error", bad.getMessage()));
                return;
            } catch (SQLException e) {
                json(res, 500, Map.of("error", "database error: " + e.getMessage()));
                return;
            } catch (RuntimeException | IOException e) {
                throw e;
            } catch (Exception e) {
                throw new ServletException(e);
            }
            json(res, 200, body);
        }
    }

    static final class Health extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain");
            res.getWriter().write("ok");
        }
    }

    /** String literal, query parameter, Statement.executeQuery. */
    static final class ByName extends JdbcServlet {
        ByName(Db db) { super(db); }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> query(SELECT + " WHERE name = '" + required(req, "name") + "' AND role <> 'locked'"));
        }
    }

    /** Numeric position, query parameter. */
    static final class ById extends JdbcServlet {
        ById(Db db) { super(db); }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> query(SELECT + " WHERE id = " + required(req, "id")));
        }
    }

    /** DELETE by name from a form field, Statement.executeUpdate. */
    static final class Delete extends JdbcServlet {
        Delete(Db db) { super(db); }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> {
                try (Connection c = db.connection(); Statement st = c.createStatement()) {
                    return Map.of("deleted", st.executeUpdate("DELETE FROM users WHERE name = '" + required(req, "name") + "'"));
                }
            });
        }
    }

    /** String literal from a form POST field, Statement.execute. */
    static final class FormByName extends JdbcServlet {
        FormByName(Db db) { super(db); }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> {
                try (Connection c = db.connection(); Statement st = c.createStatement()) {
                    if (!st.execute(SELECT + " WHERE name = '" + required(req, "name") + "' AND role <> 'locked'")) {
                        return List.of();
                    }
                    try (ResultSet rs = st.getResultSet()) {
                        return rows(rs);
                    }
                }
            });
        }
    }

    /** String literal from a JSON body read with request.getReader(). */
    static final class JsonByName extends JdbcServlet {
        JsonByName(Db db) { super(db); }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            StringBuilder body = new StringBuilder();
            try (BufferedReader r = req.getReader()) {
                String line;
                while ((line = r.readLine()) != null) {
                    body.append(line).append('\n');
                }
            }
            answer(res, () -> {
                JsonNode node;
                try {
                    node = JSON.readTree(body.toString());
                } catch (IOException e) {
                    throw new IllegalArgumentException("bad JSON: " + e.getMessage());
                }
                JsonNode name = node == null ? null : node.get("name");
                if (name == null || !name.isTextual()) {
                    throw new IllegalArgumentException("body needs a string field name");
                }
                return query(SELECT + " WHERE name = '" + name.asText() + "' AND role <> 'locked'");
            });
        }
    }

    /** String literal from the X-User header. */
    static final class HeaderByName extends JdbcServlet {
        HeaderByName(Db db) { super(db); }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> {
                String user = req.getHeader("X-User");
                if (user == null) {
                    throw new IllegalArgumentException("header X-User is required");
                }
                return query(SELECT + " WHERE name = '" + user + "' AND role <> 'locked'");
            });
        }
    }

    /** String literal from the user cookie. */
    static final class CookieByName extends JdbcServlet {
        CookieByName(Db db) { super(db); }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> {
                String user = null;
                if (req.getCookies() != null) {
                    for (Cookie c : req.getCookies()) {
                        if (c.getName().equals("user")) {
                            user = c.getValue();
                        }
                    }
                }
                if (user == null) {
                    throw new IllegalArgumentException("cookie user is required");
                }
                return query(SELECT + " WHERE name = '" + user + "' AND role <> 'locked'");
            });
        }
    }

    /** Swallows every exception and answers 200 with its own body. */
    static final class Catching extends JdbcServlet {
        Catching(Db db) { super(db); }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            Map<String, Object> answer = new LinkedHashMap<>();
            try {
                answer.put("users", query(SELECT + " WHERE name = '" + req.getParameter("name") + "' AND role <> 'locked'"));
            } catch (Exception e) {
                answer.put("users", List.of());
                answer.put("error", "lookup failed: " + e);
            }
            json(res, 200, answer);
        }
    }

    static final class SafeByName extends JdbcServlet {
        SafeByName(Db db) { super(db); }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> {
                try (Connection c = db.connection();
                     PreparedStatement ps = c.prepareStatement(SELECT + " WHERE name = ? AND role <> 'locked'")) {
                    ps.setString(1, required(req, "name"));
                    try (ResultSet rs = ps.executeQuery()) {
                        return rows(rs);
                    }
                }
            });
        }
    }

    static final class SafeById extends JdbcServlet {
        SafeById(Db db) { super(db); }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> {
                int id;
                try {
                    id = Integer.parseInt(required(req, "id"));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("id must be an integer");
                }
                try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
                    ps.setInt(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rows(rs);
                    }
                }
            });
        }
    }

    /** users exists?, its row count and names, and the secrets count (bound statements only). */
    static final class State extends JdbcServlet {
        State(Db db) { super(db); }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> {
                Map<String, Object> state = new LinkedHashMap<>();
                try (Connection c = db.connection()) {
                    List<String> names = new ArrayList<>();
                    boolean exists;
                    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM users WHERE id > ? ORDER BY id")) {
                        ps.setInt(1, -1000);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                names.add(rs.getString(1));
                            }
                        }
                        exists = true;
                    } catch (SQLException missing) {
                        exists = false;
                    }
                    state.put("usersExists", exists);
                    state.put("userCount", names.size());
                    state.put("names", names);
                    int secrets = -1;
                    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM secrets WHERE id > ?")) {
                        ps.setInt(1, -1000);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            secrets = rs.getInt(1);
                        }
                    } catch (SQLException missing) {
                        // dropped
                    }
                    state.put("secretsCount", secrets);
                }
                return state;
            });
        }
    }

    static final class Reset extends JdbcServlet {
        Reset(Db db) { super(db); }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            answer(res, () -> {
                db.reset();
                return Map.of("reset", true);
            });
        }
    }
}
