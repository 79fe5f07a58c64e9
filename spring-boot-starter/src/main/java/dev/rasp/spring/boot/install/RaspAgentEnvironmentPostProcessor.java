package dev.rasp.spring.boot.install;

import dev.rasp.spring.boot.RaspConfigurationException;
import dev.rasp.spring.boot.RaspInstallation;
import dev.rasp.spring.boot.RaspProperties;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
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
 * by the agent anyway). Where {@link EarlyAgentLoad} loaded rasp.jar at the application's start, this
 * only starts it; else it loads it now ({@link AgentLoader}). With {@code rasp.attach.background=true}
 * that runs while the context is created instead, and the context's first lifecycle phase waits for it
 * ({@link BackgroundAttach}).
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
            install(environment, application);
            done = true;
        }
    }

    private void install(ConfigurableEnvironment environment, SpringApplication application) {
        AgentSettings settings = AgentSettings.resolve(environment); // a bad value stops here
        for (String unknown : settings.unknownKeys()) {
            log.warn("RASP: unknown property " + unknown + " is ignored (see the rasp.* property table in the README)");
        }
        RaspProperties.Attach attach = settings.properties().getAttach();

        EarlyAgentLoad.Load early = EarlyAgentLoad.current();
        if (early == null && agentPresent()) {
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
            String detail = early == null
                    ? "rasp.attach.enabled=false: the RASP agent is not loaded and this application is UNPROTECTED"
                    : "rasp.attach.enabled=false: the RASP agent is not started and this application is UNPROTECTED"
                            + idleEarlyLoad("rasp.attach.enabled");
            log.warn("RASP: " + detail);
            record(RaspInstallation.State.DISABLED, detail, -1, null, Map.of());
            return;
        }
        if ("off".equals(effectiveMode(settings))) {
            String detail = early == null
                    ? "rasp.mode=off: the RASP agent is not loaded (nothing in this JVM changes)"
                    : "rasp.mode=off: the RASP agent is not started" + idleEarlyLoad("rasp.mode");
            log.info("RASP: " + detail);
            record(RaspInstallation.State.MODE_OFF, detail, -1, null, Map.of());
            return;
        }
        if (System.getProperty("org.graalvm.nativeimage.imagecode") != null) {
            fail(attach, "a native image cannot load a Java agent", -1, null, Map.of());
            return;
        }

        String blocker = AgentLoader.blocker();
        if (blocker != null) {
            fail(attach, blocker, -1, null, Map.of());
            return;
        }
        for (String conflict : settings.applyTo(System.getProperties())) {
            log.warn("RASP: " + conflict);
        }
        Map<String, String> passed = new LinkedHashMap<>();
        settings.settings().values().forEach(s -> passed.put(s.agentKey(), System.getProperty(s.agentKey())));
        List<String> silencers = new ArrayList<>();
        if (AgentLoader.jvmWarnsAboutDynamicAgents()) {
            silencers.add("-XX:+EnableDynamicAgentLoading (for the dynamically loaded agent, JEP 451; or start the JVM with "
                    + "-javaagent:rasp.jar instead of the starter)");
        }
        if (AgentLoader.jvmWarnsAboutNativeAccess()) {
            silencers.add("--enable-native-access=ALL-UNNAMED (for the agent's native library, JEP 472)");
        }
        if (!silencers.isEmpty()) {
            log.warn("RASP: the agent is loaded into the running JVM, and Java " + Runtime.version().feature()
                    + " prints warnings on stderr for that; they do not affect the protection. To silence them, start the JVM with "
                    + String.join(" and ", silencers) + ".");
        }
        if (early != null && !attach.isEarly()) {
            log.warn("RASP: " + EarlyAgentLoad.SWITCH + "=false came too late: the agent was loaded at the application's start, "
                    + "before property files are read; set it on the command line, as -D" + EarlyAgentLoad.SWITCH
                    + "=false or as RASP_ATTACH_EARLY=false");
        }
        Supplier<AgentLoader.Result> load;
        if (early != null) {
            load = () -> early.finish(attach.getTimeout());
        } else {
            AgentJar jar;
            try {
                jar = AgentJar.extract(RaspAgentEnvironmentPostProcessor.class.getClassLoader());
            } catch (IOException e) {
                fail(attach, AgentJar.extractProblem(e), -1, null, passed);
                return;
            }
            load = () -> {
                try {
                    return AgentLoader.load(jar, attach.getTimeout(), AgentLoader.AGENT_OPTIONS);
                } finally {
                    AgentJar.removeStale();
                }
            };
        }
        if (attach.isBackground() && application != null) {
            BackgroundAttach background = BackgroundAttach.start(load, attach.getTimeout(), r -> report(r, settings, passed));
            application.addInitializers(background.gate());
            record(RaspInstallation.State.ATTACHING, "the agent is being loaded while the application context is created",
                    -1, null, passed);
            return;
        }
        report(load.get(), settings, passed);
    }

    /** What the detail of a decision not to start says when rasp.jar was loaded at the application's start. */
    private static String idleEarlyLoad(String key) {
        return " (rasp.jar was loaded at the application's start, before this " + key + " was read, and stays idle: no class"
                + " is changed; give " + key + " on the command line, as -D or in the environment to keep it out of the JVM)";
    }

    /** Logs and records the outcome of loading the agent, or stops the start (a refused configuration, a required attach). */
    private void report(AgentLoader.Result result, AgentSettings settings, Map<String, String> passed) {
        RaspProperties.Attach attach = settings.properties().getAttach();
        String refusal = System.getProperty(AGENT_CONFIG_ERROR);
        if (refusal != null && !bootstrapLoaded()) {
            throw agentConfigurationError(refusal, settings);
        }
        if (!result.loaded() || !bootstrapLoaded()) {
            String problem = result.problem() != null
                    ? result.problem() + " [" + AgentLoader.describeJava() + "]: start the JVM with -javaagent:rasp.jar"
                    : "the agent was loaded but installed no hook: see its [rasp] lines on stderr";
            fail(attach, problem, result.millis(), result.method(), passed);
            return;
        }
        EarlyAgentLoad.Load early = EarlyAgentLoad.current();
        String detail = early == null
                ? "agent loaded into the running JVM in " + result.millis() + " ms (" + result.method() + ")"
                : "agent loaded into the running JVM in " + result.millis() + " ms (" + result.method()
                        + "; loaded at the application's start in " + early.loadMillis() + " ms, started now)";
        log.info("RASP: " + detail);
        record(RaspInstallation.State.ATTACHED, detail, result.millis(), result.method(), passed);
    }

    /**
     * The mode the agent will see, in its order: -D (which now holds the Spring property too), RASP_MODE,
     * then the config file; null when none sets it (block).
     */
    static String effectiveMode(AgentSettings settings) {
        String v = System.getProperty("rasp.mode");
        if (v == null && settings.settings().containsKey("rasp.mode")) {
            v = settings.settings().get("rasp.mode").value();
        }
        if (v == null) {
            v = System.getenv("RASP_MODE");
        }
        if (v == null) {
            v = configFileMode(settings);
        }
        return v == null ? null : v.trim().toLowerCase(Locale.ROOT);
    }

    private static String configFileMode(AgentSettings settings) {
        String file = System.getProperty("rasp.config.file");
        if (file == null && settings.settings().containsKey("rasp.config.file")) {
            file = settings.settings().get("rasp.config.file").value();
        }
        if (file == null) {
            file = System.getenv("RASP_CONFIG_FILE");
        }
        if (file == null) {
            return null;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Paths.get(System.getProperty("user.dir", ".")).resolve(file.trim()))) {
            p.load(in);
        } catch (IOException | RuntimeException e) {
            return null; // the agent reports an unreadable config file itself
        }
        return p.getProperty("rasp.mode");
    }

    /** {@code problem} says what stops the loading and how to fix it. */
    private void fail(RaspProperties.Attach attach, String problem, long millis, String method, Map<String, String> passed) {
        String detail = "the RASP agent could not be loaded: " + problem + ". This application is UNPROTECTED"
                + (attach.isRequired() ? "" : " (rasp.attach.required=true would stop the start instead)");
        record(RaspInstallation.State.FAILED, detail, millis, method, passed);
        if (attach.isRequired()) {
            throw new RaspAgentUnavailableException(problem);
        }
        log.error("RASP: " + detail);
    }

    /**
     * The agent refused a value the starter could not check (a rule id the rule set does not have, a rule
     * file it cannot load). Its one line names its key, e.g. "rasp: rasp.rules.mode.sqli.x names rule ...";
     * the report names the Spring key that set it, where, and the agent's words.
     */
    static RaspConfigurationException agentConfigurationError(String agentMessage, AgentSettings settings) {
        AgentSettings.Setting named = null;
        for (AgentSettings.Setting s : settings.settings().values()) {
            if (mentions(agentMessage, s.agentKey()) && (named == null || s.agentKey().length() > named.agentKey().length())) {
                named = s;
            }
        }
        String reason = "the agent refused it: " + agentMessage;
        return named == null
                ? new RaspConfigurationException("rasp.*", null, null, "the agent refused its configuration: " + agentMessage)
                : new RaspConfigurationException(named.springKey(), named.value(), named.origin(), reason);
    }

    /** The key as a whole word of the message (not the start of a longer key). */
    static boolean mentions(String message, String key) {
        for (int i = message.indexOf(key); i >= 0; i = message.indexOf(key, i + 1)) {
            int end = i + key.length();
            boolean startOk = i == 0 || !keyChar(message.charAt(i - 1));
            boolean endOk = end == message.length() || !keyChar(message.charAt(end))
                    || message.charAt(end) == '.' && (end + 1 == message.length() || !keyChar(message.charAt(end + 1)));
            if (startOk && endOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean keyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
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
