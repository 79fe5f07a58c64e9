package dev.rasp.it.javax;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        /**
         * {@code /handoff/servlet-async-held}: the serving thread stays in the request until the runnable has answered
         * (up to 10 s), and the runnable answers any exception with a 500 it flushes at once: the application's answer
         * is on the wire before the serving thread leaves.
         */
        private final boolean held;

        ServletAsync(Db db, boolean held) {
            super(db);
            this.held = held;
        }

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
            CountDownLatch answered = new CountDownLatch(1);
            ac.start(() -> {
                HttpServletResponse r = (HttpServletResponse) ac.getResponse();
                try {
                    List<Map<String, Object>> rows = query(Servlets.SELECT + " WHERE name = '" + name + "' AND role <> 'locked'");
                    r.setHeader("X-Serving-Thread", serving);
                    r.setHeader("X-Worker-Thread", Thread.currentThread().getName());
                    json(r, 200, rows);
                    if (held) {
                        r.flushBuffer();
                    }
                } catch (SQLException e) {
                    error(r, "database error: " + e.getMessage());
                } catch (RuntimeException e) {
                    if (!held) {
                        throw e;
                    }
                    error(r, "failed: " + e); // a catch-all error answer, as many applications' async tasks have
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    answered.countDown();
                    ac.complete();
                }
            });
            if (held) {
                try {
                    answered.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** A 500, flushed at once when held. */
        private void error(HttpServletResponse r, String message) {
            try {
                json(r, 500, Map.of("error", message));
                if (held) {
                    r.flushBuffer();
                }
            } catch (IOException | IllegalStateException gone) {
                // the response is gone already
            }
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
