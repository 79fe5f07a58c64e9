package dev.rasp.it.spring;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deliberately injectable JNDI lookups: a name taken from the request, and Log4Shell (Log4j 2.14.1 logging a
 * header, whose {@code ${jndi:...}} lookups it resolves). Each answers 200 with what happened; a failed lookup is
 * not an error (the tests judge whether a connection was made, not what it found).
 */
@RestController
public class JndiController {
    /**
     * Log4j 2.14.1, loaded from the two jars under log4shell/ in a class loader of its own (so it neither takes over
     * Spring's logging nor meets Spring Boot's Log4j API), with its default configuration: errors to stdout, the
     * message's lookups resolved. Made at the first use; null where the jars are not packed (the starter app).
     */
    private static volatile Object log4j;

    private static synchronized Object log4j() throws Exception {
        if (log4j == null) {
            Path dir = Files.createTempDirectory("log4shell");
            List<URL> urls = new ArrayList<>();
            for (String jar : new String[] {"log4j-api.jar", "log4j-core.jar"}) {
                try (InputStream in = JndiController.class.getResourceAsStream("/log4shell/" + jar)) {
                    if (in == null) {
                        throw new IllegalStateException("log4shell/" + jar + " is not packed in this application");
                    }
                    Path file = dir.resolve(jar);
                    Files.copy(in, file);
                    urls.add(file.toUri().toURL());
                }
            }
            ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            Class<?> contextClass = loader.loadClass("org.apache.logging.log4j.core.LoggerContext");
            Object context = contextClass.getConstructor(String.class).newInstance("jndi-demo");
            contextClass.getMethod("start").invoke(context);
            log4j = contextClass.getMethod("getLogger", String.class).invoke(context, "dev.rasp.it.spring.jndi");
        }
        return log4j;
    }

    /** The name is the request's: ldap://attacker/a makes the JVM connect to the attacker's server. */
    @GetMapping("/jndi/lookup")
    public Map<String, Object> lookup(@RequestParam String name) {
        return lookupName(name);
    }

    /** The application fixes the namespace; the input only names the resource under it (the benign twin). */
    @GetMapping("/jndi/resource")
    public Map<String, Object> resource(@RequestParam String name) {
        return lookupName("java:comp/env/jdbc/" + name);
    }

    /** Logs the client's API version header, as the Log4Shell demonstrations did. */
    @GetMapping("/jndi/log4j")
    public Map<String, Object> log(@RequestHeader(name = "X-Api-Version", defaultValue = "none") String version) {
        try {
            Object logger = log4j();
            logger.getClass().getMethod("error", String.class, Object.class)
                    .invoke(logger, "client api version: {}", version);
        } catch (InvocationTargetException e) {
            // the agent's block exception (or Log4j's own failure) surfaces as it would from a direct call
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("logged", version);
        return out;
    }

    private static Map<String, Object> lookupName(String name) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        try {
            out.put("result", String.valueOf(new InitialContext().lookup(name)));
        } catch (NamingException e) {
            out.put("error", e.getClass().getSimpleName());
        }
        return out;
    }
}
