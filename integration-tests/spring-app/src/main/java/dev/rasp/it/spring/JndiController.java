package dev.rasp.it.spring;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import javax.naming.spi.NamingManager;
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
            dir.toFile().deleteOnExit(); // registered before its files, so deleted after them
            List<URL> urls = new ArrayList<>();
            for (String jar : new String[] {"log4j-api.jar", "log4j-core.jar"}) {
                try (InputStream in = JndiController.class.getResourceAsStream("/log4shell/" + jar)) {
                    if (in == null) {
                        throw new IllegalStateException("log4shell/" + jar + " is not packed in this application");
                    }
                    Path file = dir.resolve(jar);
                    Files.copy(in, file);
                    file.toFile().deleteOnExit();
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

    /**
     * Messages a request stored, logged later by {@link #worker}: a thread started with the application (not by a
     * request, so no request context reaches it), as a job logging queued audit records would.
     */
    private final BlockingQueue<String> stored = new LinkedBlockingQueue<>();
    private final AtomicInteger storedLogged = new AtomicInteger();
    private volatile String storedOutcome = "none";

    public JndiController() {
        Thread worker = new Thread(this::worker, "jndi-stored-log");
        worker.setDaemon(true);
        worker.start();
    }

    private void worker() {
        while (true) {
            String message;
            try {
                message = stored.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                Object logger = log4j();
                logger.getClass().getMethod("error", String.class, Object.class)
                        .invoke(logger, "stored message: {}", message);
                storedOutcome = "logged";
            } catch (Throwable t) {
                Throwable cause = t instanceof InvocationTargetException && t.getCause() != null ? t.getCause() : t;
                storedOutcome = cause.getClass().getSimpleName();
            }
            storedLogged.incrementAndGet();
        }
    }

    /** Stores a message; the background thread logs it with Log4j 2.14.1 (a stored Log4Shell payload). */
    @GetMapping("/jndi/stored")
    public Map<String, Object> store(@RequestParam String message) {
        stored.add(message);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queued", message);
        return out;
    }

    /** How many stored messages the background thread has logged, and how the last one went. */
    @GetMapping("/jndi/stored/status")
    public Map<String, Object> storedStatus() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("logged", storedLogged.get());
        out.put("outcome", storedOutcome);
        return out;
    }

    /**
     * A directory at the server the request names: the application builds the initial context's provider URL
     * {@code ldap://<server>/dc=example} (the LDAP provider connects as the context is made).
     */
    @GetMapping("/jndi/directory")
    public Map<String, Object> directory(@RequestParam String server) {
        return directoryAt("ldap://" + server + "/dc=example");
    }

    /** The benign twin: the application fixes the server; the input is only the entry's DN. */
    @GetMapping("/jndi/directory-entry")
    public Map<String, Object> directoryEntry(@RequestParam String dn) {
        return directoryAt("ldap://localhost:1/" + dn);
    }

    /**
     * A URL name resolved through the URL context for its scheme, without InitialContext
     * ({@code NamingManager.getURLContext(scheme, env)}, a DirContext), as directory tooling does.
     */
    @GetMapping("/jndi/url-context")
    public Map<String, Object> urlContext(@RequestParam String name) {
        return urlContextAttributes(name);
    }

    /** The benign twin: the application fixes the scheme and server; the input is the entry's common name. */
    @GetMapping("/jndi/url-context-entry")
    public Map<String, Object> urlContextEntry(@RequestParam String cn) {
        return urlContextAttributes("ldap://localhost:1/cn=" + cn);
    }

    static Map<String, Object> directoryAt(String providerUrl) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("provider", providerUrl);
        Hashtable<String, Object> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        env.put(Context.PROVIDER_URL, providerUrl);
        env.put("com.sun.jndi.ldap.connect.timeout", "3000");
        try {
            DirContext ctx = new InitialDirContext(env);
            try {
                out.put("result", String.valueOf(ctx.getAttributes("")));
            } finally {
                ctx.close();
            }
        } catch (NamingException e) {
            out.put("error", e.getClass().getSimpleName());
        }
        return out;
    }

    static Map<String, Object> urlContextAttributes(String name) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        int colon = name.indexOf(':');
        try {
            Hashtable<String, Object> env = new Hashtable<>();
            env.put("com.sun.jndi.ldap.connect.timeout", "3000");
            Context ctx = colon > 0 ? NamingManager.getURLContext(name.substring(0, colon), env) : null;
            if (ctx == null) {
                out.put("error", "no URL context");
            } else if (ctx instanceof DirContext dir) {
                out.put("result", String.valueOf(dir.getAttributes(name)));
            } else {
                out.put("result", String.valueOf(ctx.lookup(name)));
            }
        } catch (NamingException e) {
            out.put("error", e.getClass().getSimpleName());
        }
        return out;
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
