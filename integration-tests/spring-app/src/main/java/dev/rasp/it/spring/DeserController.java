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
