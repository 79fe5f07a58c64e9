package dev.rasp.it.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
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
    /** Log4j 2.14.1 in a LoggerContext of its own, so Spring Boot's logging is untouched: messages to stdout. */
    private static final Logger LOG4J = log4j();

    private static Logger log4j() {
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setConfigurationName("jndi-demo");
        b.add(b.newAppender("out", "Console").add(b.newLayout("PatternLayout").addAttribute("pattern", "log4j: %m%n")));
        b.add(b.newRootLogger(Level.INFO).add(b.newAppenderRef("out")));
        LoggerContext context = new LoggerContext("jndi-demo");
        context.start(b.build());
        return context.getLogger("dev.rasp.it.spring.jndi");
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
        LOG4J.info("client api version: {}", version);
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
