package dev.rasp.it.javax;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The vulnerable lookup of {@code /h2/users/by-name} run off the thread that serves the request: inside
 * {@code AsyncContext.start(runnable)}, and in an async dispatch started from an application thread. Both need
 * async support on the servlet and on every filter of the chain (JettyMain).
 */
final class HandOffServlets {
    private HandOffServlets() {}

    private static final AtomicInteger SEQ = new AtomicInteger();

    /**
     * {@code /handoff/servlet-async?name=}: {@code startAsync()}, then {@code AsyncContext.start(runnable)}; the
     * runnable runs {@code ... WHERE name = '<name>' AND role <> 'locked'}, writes the rows as JSON (headers
     * X-Serving-Thread, X-Worker-Thread) and completes. SQL errors answer 500; anything else propagates.
     */
    static final class ServletAsync extends Servlets.JdbcServlet {
        ServletAsync(Db db) { super(db); }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            String name = req.getParameter("name");
            if (name == null) {
                json(res, 400, Map.of("error", "parameter name is required"));
                return;
            }
            String serving = Thread.currentThread().getName();
            AsyncContext ac = req.startAsync();
            ac.setTimeout(30_000);
            ac.start(() -> {
                HttpServletResponse r = (HttpServletResponse) ac.getResponse();
                try {
                    List<Map<String, Object>> rows = query(Servlets.SELECT + " WHERE name = '" + name + "' AND role <> 'locked'");
                    r.setHeader("X-Serving-Thread", serving);
                    r.setHeader("X-Worker-Thread", Thread.currentThread().getName());
                    json(r, 200, rows);
                } catch (SQLException e) {
                    try {
                        json(r, 500, Map.of("error", "database error: " + e.getMessage()));
                    } catch (IOException | IllegalStateException gone) {
                        // the response is gone already
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    ac.complete();
                }
            });
        }
    }

    /**
     * {@code /handoff/dispatch?name=}: {@code startAsync()}, then an application thread (handoff-dispatcher-N) calls
     * {@code asyncContext.dispatch(target)}: the by-name servlet runs the query in the async dispatch, with this
     * request's parameters.
     */
    static final class Dispatch extends javax.servlet.http.HttpServlet {
        private final String target;

        Dispatch(String target) {
            this.target = target;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            if (req.getParameter("name") == null) {
                Servlets.JdbcServlet.json(res, 400, Map.of("error", "parameter name is required"));
                return;
            }
            res.setHeader("X-Serving-Thread", Thread.currentThread().getName());
            AsyncContext ac = req.startAsync();
            ac.setTimeout(30_000);
            Thread t = new Thread(() -> ac.dispatch(target), "handoff-dispatcher-" + SEQ.incrementAndGet());
            t.start();
        }
    }
}
