package dev.rasp.it.javax;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.thoughtworks.xstream.XStream;
import com.thoughtworks.xstream.security.AnyTypePermission;
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
        m.put("/deser/xstream", new Document(true));
        m.put("/deser/jackson", new Document(false));
        return m;
    }

    /** One XStream for the application, every type permitted; {@code <greeting>} is an alias of {@link Greeting}. */
    private static final XStream XSTREAM = new XStream();
    /** Default typing for every non-final type, no validation: {@code ["com.x.Y", {...}]} constructs any class. */
    private static final ObjectMapper TYPED_MAPPER = new ObjectMapper();

    static {
        XSTREAM.addPermission(AnyTypePermission.ANY);
        XSTREAM.alias("greeting", Greeting.class);
        TYPED_MAPPER.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.NON_FINAL);
    }

    /** The Spring app's /deser/xstream and /deser/jackson: the body read as a document; {@code {class, value}}. */
    static final class Document extends HttpServlet {
        private final boolean xstream;

        Document(boolean xstream) {
            this.xstream = xstream;
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
            Object o = xstream ? XSTREAM.fromXML(req.getInputStream())
                    : TYPED_MAPPER.readValue(req.getInputStream(), Object.class);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("class", o == null ? null : o.getClass().getName());
            out.put("value", String.valueOf(o));
            Servlets.JdbcServlet.json(res, 200, out);
        }
    }

    /** A typed document's root, for the benign twins. */
    public static class Greeting {
        private String text;

        public String getText() {
            return text;
        }

        public void setText(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return "Greeting(" + text + ")";
        }
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
