package dev.rasp.core.rules;

import dev.rasp.core.AgentLog;
import dev.rasp.core.config.ConfigException;
import dev.rasp.core.config.ConfigKey;
import dev.rasp.core.config.RulesConfig;
import dev.rasp.core.engine.Engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The rule set's life in the agent: read at start and handed to the engine's init, then (for a
 * user file with {@code rasp.rules.reload_seconds > 0}) watched and swapped in when it changes.
 *
 * <p>At start a user file that cannot be read or loaded stops the JVM with one line naming
 * {@code rasp.rules.file} and the reason, like any other bad value: running with rules the user
 * did not intend (e.g. none of their own) would be worse than not starting. The set built into
 * rasp.jar failing is a packaging fault, not the user's: it is logged, and the engine runs its
 * built-in detectors alone. After start nothing fails the application: a rejected reload is
 * logged and the set in use stays.
 */
public final class RuleSetManager {

    /** Called with the id of every set that becomes active (the first one and each reload). */
    public interface Listener {
        void ruleSetLoaded(String id);
    }

    /** The engine natives this class uses; a seam for tests, which run without the native library. */
    interface RuleEngine {
        String init(byte[] configLines, byte[] rules);

        String loadRules(byte[] rules);

        String rulesInfo();
    }

    private static final RuleEngine NATIVE = new RuleEngine() {
        @Override
        public String init(byte[] configLines, byte[] rules) {
            return Engine.init(configLines, rules);
        }

        @Override
        public String loadRules(byte[] rules) {
            return Engine.loadRules(rules);
        }

        @Override
        public String rulesInfo() {
            return Engine.rulesInfo();
        }
    };

    private final RulesConfig config;
    private final RuleSource source;
    private final RuleEngine engine;
    private volatile RuleSetInfo current = RuleSetInfo.unknown();
    private volatile Listener listener;
    private FileState stateAtStart;
    private byte[] digestAtStart;
    private long readNanos;
    private long initNanos;
    private boolean partRead;

    RuleSetManager(RulesConfig config, RuleSource source, RuleEngine engine) {
        this.config = config;
        this.source = source;
        this.engine = engine;
    }

    /**
     * @param agentJar rasp.jar, holder of the built-in set; null to look in the core's class path
     */
    public static RuleSetManager of(RulesConfig config, String agentJar) {
        return new RuleSetManager(config,
                config.file() != null ? RuleSource.file(config.file(), config.maxFileBytes()) : RuleSource.builtIn(agentJar),
                NATIVE);
    }

    /**
     * Initialises the engine with the configuration lines and this rule set.
     *
     * @return null on success, else the engine's configuration error (for
     *         {@code AgentConfig.userFacingEngineError})
     * @throws ConfigException when the user's rule file cannot be read or loaded
     * @throws UnsatisfiedLinkError when the library lacks the natives (the caller runs unprotected)
     */
    public String initEngine(byte[] configLines) {
        long start = System.nanoTime();
        // The built-in set's Hyperscan part is all a Hyperscan scan needs (RuleSource.readHyperscanPart);
        // the engine asks for the whole file when it must scan with the portable backend after all.
        boolean part = source.isBuiltIn() && config.backend() != RulesConfig.Backend.PORTABLE;
        byte[] rules = readAtStart(part);
        long read = System.nanoTime();
        String error = engine.init(configLines, rules);
        readNanos = read - start;
        initNanos = System.nanoTime() - read;
        if (part && error != null && error.startsWith(Engine.RULE_SET_ERROR + Engine.WHOLE_FILE_NEEDED)) {
            long again = System.nanoTime();
            rules = readAtStart(false);
            long readAgain = System.nanoTime();
            error = engine.init(configLines, rules);
            readNanos += readAgain - again;
            initNanos += System.nanoTime() - readAgain;
        }
        partRead = part && rules != null && RuleSource.isHyperscanPart(rules);
        if (error != null && error.startsWith(Engine.RULE_SET_ERROR)) {
            String reason = oneLine(error.substring(Engine.RULE_SET_ERROR.length()));
            if (!source.isBuiltIn()) {
                throw ConfigException.badValue(ConfigKey.RULES_FILE, source.file().getPath(),
                        reason + "; use a file made by rasp rules compile");
            }
            AgentLog.info(source.describe() + " cannot be loaded (" + reason
                    + "); only the built-in detectors run");
            digestAtStart = null;
            error = engine.init(configLines, null);
        }
        if (error == null) {
            current = info();
            AgentLog.info("rules " + current.id + " loaded (" + current.rules + " rules, " + current.backend
                    + " backend)" + (source.isBuiltIn() ? "" : " from " + source.describe()));
            warnUnknownIds(current);
        }
        return error;
    }

    private byte[] readAtStart(boolean part) {
        try {
            if (!source.isBuiltIn()) {
                // before reading: a change between the two is then seen by the first poll
                stateAtStart = FileState.of(source.file().toPath());
            }
            byte[] rules = part ? source.readHyperscanPart() : source.read();
            if (!source.isBuiltIn() && config.reloadSeconds() > 0) {
                // only the watcher compares digests; hashing the built-in set would cost every start
                digestAtStart = FileState.digest(rules);
            }
            return rules;
        } catch (RuleSource.TooLarge e) {
            throw ConfigException.badValue(ConfigKey.RULES_FILE, source.file().getPath(), "the file is " + e.size
                    + " bytes, more than " + ConfigKey.RULES_MAX_FILE_BYTES.property + " (" + e.limit + "); use a file "
                    + "made by rasp rules compile, or raise " + ConfigKey.RULES_MAX_FILE_BYTES.property);
        } catch (IOException e) {
            if (!source.isBuiltIn()) {
                throw ConfigException.badValue(ConfigKey.RULES_FILE, source.file().getPath(),
                        "cannot read it (" + ConfigException.printable(String.valueOf(e)) + ")");
            }
            AgentLog.info(source.describe() + " is unavailable (" + ConfigException.printable(e.getMessage())
                    + "); only the built-in detectors run");
            return null;
        }
    }

    /**
     * Once the agent is active: tells the listener about the set in use and starts watching the
     * user's file. Returns the watcher thread, or null when there is nothing to watch.
     */
    public Thread activate(Listener onLoaded) {
        this.listener = onLoaded;
        notifyListener(current.id);
        if (source.isBuiltIn() || config.reloadSeconds() == 0) {
            return null;
        }
        return new RuleFileWatcher(this, source.file().toPath(), config.reloadSeconds(), source.maxFileBytes(),
                stateAtStart, digestAtStart).start();
    }

    /** For rasp.debug.startup: how long reading the set and the native init took at start. */
    public String startupReport() {
        return "rules read " + readNanos / 1000 + " us" + (partRead ? " (its Hyperscan part)" : "") + ", native init "
                + initNanos / 1000 + " us";
    }

    /** True when the engine runs on the built-in set's Hyperscan part alone (for tests and the startup report). */
    boolean partRead() {
        return partRead;
    }

    /** The id of the set in use (for log lines). */
    public String currentId() {
        return current.id;
    }

    /**
     * A changed file: swap it in, or keep the set in use.
     *
     * @return null when swapped in, else the engine's reason (the watcher reports it, once per change of the file)
     */
    String reload(byte[] content) {
        String error = engine.loadRules(content);
        if (error != null) {
            return error;
        }
        RuleSetInfo before = current;
        current = info();
        AgentLog.info("rules reloaded: " + before.id + " -> " + current.id + " (" + current.rules + " rules)");
        warnUnknownIds(current);
        notifyListener(current.id);
        return null;
    }

    void rejected(Path file, String reason) {
        AgentLog.info("rules file " + file + " rejected: " + oneLine(reason) + "; keeping " + current.id);
    }

    private RuleSetInfo info() {
        return RuleSetInfo.parse(engine.rulesInfo());
    }

    /** Settings naming a rule the set no longer has: allowed on reload (docs/rules.md §5), but said. */
    private static void warnUnknownIds(RuleSetInfo info) {
        for (String id : info.unknownRuleIds) {
            AgentLog.info("warning: rule set " + info.id + " has no rule " + id + ", which the configuration names ("
                    + RulesConfig.MODE_PREFIX + "* or " + RulesConfig.EXCLUSION_PREFIX + "*.rules); that setting has no effect");
        }
    }

    private void notifyListener(String id) {
        Listener l = listener;
        if (l == null) {
            return;
        }
        try {
            l.ruleSetLoaded(id);
        } catch (Throwable t) {
            AgentLog.info("rule set listener failed (" + t + ")");
        }
    }

    private static String oneLine(String s) {
        return ConfigException.printable(s.replace('\n', ' ').replace('\r', ' ').trim());
    }
}
