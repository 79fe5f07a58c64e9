package dev.rasp.it.spring;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.thoughtworks.xstream.XStream;
import com.thoughtworks.xstream.security.AnyTypePermission;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.Constructor;

/**
 * Deliberately unsafe Java deserialization of the request body, as applications did it for "remote objects" and
 * session blobs. commons-collections 3.2.1 is on the class path, so a CommonsCollections gadget chain runs while
 * the stream is read. Answers {@code {class, value}} of the object read; a stream that is not one is 400.
 */
@RestController
@RequestMapping("/deser")
public class DeserController {

    /** {@code new ObjectInputStream(request.getInputStream()).readObject()}. */
    @PostMapping("/object")
    public ResponseEntity<Map<String, Object>> object(HttpServletRequest request) throws IOException {
        return read(new ObjectInputStream(request.getInputStream()));
    }

    /**
     * The same through a subclass that overrides resolveClass without calling super (as class-renaming or
     * "validating" streams do): the hook must not depend on ObjectInputStream.resolveClass running.
     */
    @PostMapping("/object-custom")
    public ResponseEntity<Map<String, Object>> objectCustom(HttpServletRequest request) throws IOException {
        return read(new AppObjectInputStream(request.getInputStream()));
    }

    /**
     * SnakeYAML (2.x, through jackson-dataformat-yaml) with every global tag allowed, as 1.x did by default and
     * applications re-enable to load typed documents: {@code !!com.x.Y} constructs any class on the class path.
     * Answers {@code {class, value}} of the document's root.
     */
    @PostMapping("/yaml")
    public ResponseEntity<Map<String, Object>> yaml(HttpServletRequest request) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setTagInspector(tag -> true);
        Object o = new Yaml(new Constructor(options)).load(request.getInputStream());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class", o == null ? null : o.getClass().getName());
        out.put("value", String.valueOf(o));
        return ResponseEntity.ok(out);
    }

    /**
     * One XStream for the application (as applications keep one: its mapper caches resolved classes), with every
     * type permitted, as vulnerable applications configure it; {@code <greeting>} is an alias of {@link Greeting}.
     * Made on first use: on JDK 25 XStream's reflection provider prints sun.misc.Unsafe deprecation warnings, which
     * would otherwise show at every start (StarterJdk25SmokeIT asserts a start without JVM warnings).
     */
    private static final class SharedXStream {
        static final XStream XSTREAM = new XStream();

        static {
            XSTREAM.addPermission(AnyTypePermission.ANY);
            XSTREAM.alias("greeting", Greeting.class);
        }
    }

    /** {@code xstream.fromXML(request body)}; answers {@code {class, value}} of the document's root. */
    @PostMapping("/xstream")
    public ResponseEntity<Map<String, Object>> xstream(HttpServletRequest request) throws IOException {
        return echo(SharedXStream.XSTREAM.fromXML(request.getInputStream()));
    }

    /**
     * An ObjectMapper with default typing for every non-final type and no validation (LaissezFaireSubTypeValidator),
     * as applications enable it to round-trip "any object": {@code ["com.x.Y", {...}]} constructs any class.
     */
    private static final ObjectMapper TYPED_MAPPER = new ObjectMapper();

    static {
        TYPED_MAPPER.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.NON_FINAL);
    }

    /** {@code mapper.readValue(request body, Object.class)}; answers {@code {class, value}} of the root. */
    @PostMapping("/jackson")
    public ResponseEntity<Map<String, Object>> jackson(HttpServletRequest request) throws IOException {
        return echo(TYPED_MAPPER.readValue(request.getInputStream(), Object.class));
    }

    private static ResponseEntity<Map<String, Object>> echo(Object o) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class", o == null ? null : o.getClass().getName());
        out.put("value", String.valueOf(o));
        return ResponseEntity.ok(out);
    }

    /** A typed document's root, for the benign YAML twin ({@code !!dev.rasp.it.spring.DeserController$Greeting}). */
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

    static ResponseEntity<Map<String, Object>> read(ObjectInputStream in) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (in) {
            Object o = in.readObject();
            out.put("class", o == null ? null : o.getClass().getName());
            out.put("value", String.valueOf(o));
            return ResponseEntity.ok(out);
        } catch (IOException | ClassNotFoundException e) {
            out.put("error", e.toString());
            return ResponseEntity.badRequest().body(out);
        }
    }

    static final class AppObjectInputStream extends ObjectInputStream {
        AppObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws ClassNotFoundException {
            return Class.forName(desc.getName(), false, DeserController.class.getClassLoader());
        }
    }
}
