package dev.rasp.spring.boot.install;

import dev.rasp.spring.boot.RaspConfigurationException;
import dev.rasp.spring.boot.RaspInstallation;
import dev.rasp.spring.boot.RaspProperties;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Installs the agent while the environment is prepared: after every property source is in place (so
 * {@code rasp.*} from application.properties, YAML, profiles, the command line and config imports are
 * all seen) and before the application context exists, so Tomcat, the connection pool and the
 * application's beans are loaded with the hooks already in (classes loaded earlier are retransformed
 * by the agent anyway).
 *
 * <p>Once per JVM: a second SpringApplication (a parent context, a test) finds it done.
 */
public class RaspAgentEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** Classes only an installed agent puts on the boot class path. */
    static final String BRIDGE_CLASS = "dev.rasp.bootstrap.RaspBridge";
    /** The -javaagent / Agent-Class launcher, on the system class path once rasp.jar is loaded. */
    static final String LAUNCHER_CLASS = "dev.rasp.agent.RaspAgent";
    /** Where the agent leaves a configuration error that failed an attach (see RaspAgent). */
    static final String AGENT_CONFIG_ERROR = "rasp.agent.config_error";

    private static final Object LOCK = new Object();
    private static boolean done;

    private final Log log;

    public RaspAgentEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(RaspAgentEnvironmentPostProcessor.class);
    }

    /** Last: every other post-processor may add property sources the agent's keys come from. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        synchronized (LOCK) {
            if (done) {
                return;
            }
            install(environment);
            done = true;
        }
    }

    private void install(ConfigurableEnvironment environment) {
        AgentSettings settings = AgentSettings.resolve(environment); // a bad value stops here
        for (String unknown : settings.unknownKeys()) {
            log.warn("RASP: unknown property " + unknown + " is ignored (see the rasp.* property table in the README)");
        }
        RaspProperties.Attach attach = settings.properties().getAttach();

        if (agentPresent()) {
            String detail = "the JVM was started with -javaagent:rasp.jar"
                    + (bootstrapLoaded() ? "" : " (in mode off: it installed no hook)") + "; the starter did not load it again";
            log.info("RASP: " + detail);
            // values that came from -D reached it; the others (application.properties, arguments, ...) did not
            List<String> missed = settings.settings().values().stream()
                    .filter(s -> !s.value().equalsIgnoreCase(String.valueOf(System.getProperty(s.agentKey())).trim()))
                    .map(AgentSettings.Setting::springKey).toList();
            if (!missed.isEmpty()) {
                log.warn("RASP: the agent read its configuration at JVM start (-D, RASP_* variables, rasp.config.file); "
                        + "these rasp.* Spring properties did not reach it: " + missed);
            }
            record(RaspInstallation.State.ALREADY_PRESENT, detail, -1, null, Map.of());
            return;
        }
        if (!attach.isEnabled()) {
            String detail = "rasp.attach.enabled=false: the RASP agent is not loaded and this application is UNPROTECTED";
            log.warn("RASP: " + detail);
            record(RaspInstallation.State.DISABLED, detail, -1, null, Map.of());
            return;
        }
        if ("off".equals(effectiveMode(settings))) {
            String detail = "rasp.mode=off: the RASP agent is not loaded (nothing in this JVM changes)";
            log.info("RASP: " + detail);
            record(RaspInstallation.State.MODE_OFF, detail, -1, null, Map.of());
            return;
        }
        if (System.getProperty("org.graalvm.nativeimage.imagecode") != null) {
            fail(attach, "a native image cannot load a Java agent", -1, null, Map.of());
            return;
        }

        for (String conflict : settings.applyTo(System.getProperties())) {
            log.warn("RASP: " + conflict);
        }
        Map<String, String> passed = new LinkedHashMap<>();
        settings.settings().values().forEach(s -> passed.put(s.agentKey(), System.getProperty(s.agentKey())));

        String blocker = AgentLoader.blocker();
        if (blocker != null) {
            fail(attach, blocker, -1, null, passed);
            return;
        }
        if (AgentLoader.jvmWarnsAboutDynamicAgents()) {
            log.warn("RASP: the agent is loaded into the running JVM; Java " + Runtime.version().feature()
                    + " prints a warning about a dynamically loaded agent for that (JEP 451). To silence it, start the "
                    + "JVM with -XX:+EnableDynamicAgentLoading, or use -javaagent:rasp.jar instead of the starter's loading.");
        }
        AgentJar jar;
        try {
            jar = AgentJar.extract(RaspAgentEnvironmentPostProcessor.class.getClassLoader());
        } catch (IOException e) {
            fail(attach, "cannot write the agent jar to " + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), -1,
                    null, passed);
            return;
        }
        AgentLoader.Result result = AgentLoader.load(jar, attach.getTimeout());
        if (result.agentRejectedConfiguration()) {
            String message = System.getProperty(AGENT_CONFIG_ERROR);
            if (message != null) {
                throw agentConfigurationError(message, settings);
            }
        }
        if (!result.loaded() || !bootstrapLoaded()) {
            String problem = result.problem() != null ? result.problem()
                    : "the agent was loaded but installed no hook (see the [rasp] lines on stderr)";
            fail(attach, problem + " [" + AgentLoader.describeJava() + "]", result.millis(), result.method(), passed);
            return;
        }
        String detail = "agent loaded into the running JVM in " + result.millis() + " ms (" + result.method() + ")";
        log.info("RASP: " + detail);
        record(RaspInstallation.State.ATTACHED, detail, result.millis(), result.method(), passed);
    }

    /** The mode the agent will see: -D, then the Spring property, then RASP_MODE (a config file is not read here). */
    private static String effectiveMode(AgentSettings settings) {
        String v = System.getProperty("rasp.mode");
        if (v == null && settings.settings().containsKey("rasp.mode")) {
            v = settings.settings().get("rasp.mode").value();
        }
        if (v == null) {
            v = System.getenv("RASP_MODE");
        }
        return v == null ? null : v.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private void fail(RaspProperties.Attach attach, String problem, long millis, String method, Map<String, String> passed) {
        String detail = "the RASP agent could not be loaded: " + problem + ". This application is UNPROTECTED. "
                + "Fix: start the JVM with -javaagent:rasp.jar, or remove what stops the loading"
                + (attach.isRequired() ? "" : " (rasp.attach.required=true makes this stop the start instead)");
        record(RaspInstallation.State.FAILED, detail, millis, method, passed);
        if (attach.isRequired()) {
            throw new RaspAgentUnavailableException(problem);
        }
        log.error("RASP: " + detail);
    }

    /** The agent refused a value the starter could not check (e.g. a rule id the rule set does not have). */
    private static RaspConfigurationException agentConfigurationError(String agentMessage, AgentSettings settings) {
        // "rasp: bad value 'x' for rasp.rules.mode.sqli.nope: no such rule ..." names the agent's key
        for (AgentSettings.Setting s : settings.settings().values()) {
            if (agentMessage.contains(" " + s.agentKey() + ":") || agentMessage.contains(" " + s.agentKey() + " (")
                    || agentMessage.contains("'" + s.agentKey() + "'")) {
                return new RaspConfigurationException(s.springKey(), s.value(), s.origin(),
                        "the agent refused it: " + agentMessage);
            }
        }
        return new RaspConfigurationException("rasp.*", null, null, "the agent refused its configuration: " + agentMessage);
    }

    static boolean agentPresent() {
        return bootstrapLoaded() || launcherLoaded();
    }

    /** The agent's bridge is on the boot class path: an agent installed its hooks. */
    static boolean bootstrapLoaded() {
        try {
            Class.forName(BRIDGE_CLASS, false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** rasp.jar is on the system class path: -javaagent (possibly in mode off, which installs nothing). */
    static boolean launcherLoaded() {
        try {
            Class.forName(LAUNCHER_CLASS, false, ClassLoader.getSystemClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void record(RaspInstallation.State state, String detail, long millis, String method, Map<String, String> passed) {
        RaspInstallation.record(new RaspInstallation(state, detail, millis, method, Map.copyOf(passed)));
    }

    /** For tests: forget that this JVM was handled. */
    static void reset() {
        synchronized (LOCK) {
            done = false;
        }
    }
}
