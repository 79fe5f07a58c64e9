package dev.rasp.it.javax;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Deliberately unsafe Java deserialization of the request body (the Spring app's DeserController, as servlets).
 * commons-collections 3.2.1 is on the class path. Answers {@code {class, value}}; a stream that is not one is 400.
 */
final class DeserServlets {
    private DeserServlets() {}

    static Map<String, HttpServlet> all() {
        Map<String, HttpServlet> m = new LinkedHashMap<>();
        m.put("/deser/object", new Reader(false));
        m.put("/deser/object-custom", new Reader(true));
        return m;
    }

    static final class Reader extends HttpServlet {
        private final boolean custom;

        Reader(boolean custom) {
            this.custom = custom;
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
            Map<String, Object> out = new LinkedHashMap<>();
            // IOException and ClassNotFoundException only: anything else (the agent's block) leaves as thrown.
            try (ObjectInputStream in = custom ? new AppObjectInputStream(req.getInputStream())
                    : new ObjectInputStream(req.getInputStream())) {
                Object o = in.readObject();
                out.put("class", o == null ? null : o.getClass().getName());
                out.put("value", String.valueOf(o));
                Servlets.JdbcServlet.json(res, 200, out);
            } catch (IOException | ClassNotFoundException e) {
                out.put("error", e.toString());
                Servlets.JdbcServlet.json(res, 400, out);
            }
        }
    }

    /** Overrides resolveClass without calling super, as class-renaming or "validating" streams do. */
    static final class AppObjectInputStream extends ObjectInputStream {
        AppObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws ClassNotFoundException {
            return Class.forName(desc.getName(), false, DeserServlets.class.getClassLoader());
        }
    }
}
