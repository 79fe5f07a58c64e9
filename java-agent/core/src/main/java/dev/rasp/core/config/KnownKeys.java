package dev.rasp.core.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Which {@code rasp.*} names are the agent's, and the nearest one for a name that is not: a typo
 * such as {@code -Drasp.mdoe=monitor} would otherwise be ignored without a word, and the
 * application would run in block mode while its owner believes it monitors.
 *
 * <p>Registering a key: a fixed key is a {@link ConfigKey} constant, and is known from that alone
 * (its system property, config file line and environment variable). A family of keys with a
 * dynamic part, read with {@link ConfigSources#withPrefix}, is one entry of
 * {@link #DYNAMIC_PREFIXES}. Nothing else is needed.
 */
final class KnownKeys {

    /** The families with a dynamic part: any key under them is the family's reader's to check. */
    static final List<String> DYNAMIC_PREFIXES = Collections.unmodifiableList(Arrays.asList(
            RulesConfig.MODE_PREFIX, RulesConfig.EXCLUSION_PREFIX));

    /**
     * System properties the agent reads outside {@link AgentConfig}: the transformation log
     * (Activation), the start-up timings (AgentInstaller), and the line the launcher leaves for the Spring Boot starter after a refused attach.
     */
    static final List<String> OTHER_PROPERTIES = Collections.unmodifiableList(Arrays.asList(
            "rasp.debug.transformations", "rasp.debug.startup", "rasp.debug.prefilter", "rasp.debug.classhook", "rasp.debug.jdktypes", "rasp.debug.loadedtypes", "rasp.debug.loadtime", "rasp.debug.warmup", "rasp.debug.retransform", "rasp.debug.preload", "rasp.debug.jit", "rasp.debug.bridge", "rasp.agent.config_error"));

    /**
     * The Spring Boot starter's own keys. Spring reads system properties as application properties,
     * so {@code -Drasp.attach.enabled=false} is legitimate wherever the starter may be present.
     */
    static final List<String> STARTER_PROPERTIES = Collections.unmodifiableList(Arrays.asList(
            "rasp.attach.enabled", "rasp.attach.required", "rasp.attach.timeout", "rasp.attach.background", "rasp.attach.early",
            "rasp.debug.attach"));

    /**
     * {@code RASP_*} variables of the project's other tools, found in a developer's or a CI job's
     * environment: the CLI's rule and corpus directories, the native build's Hyperscan switch.
     */
    static final List<String> OTHER_ENVIRONMENT = Collections.unmodifiableList(Arrays.asList(
            "RASP_RULES", "RASP_CORPORA", "RASP_HYPERSCAN", "RASP_HYPERSCAN_LIB_DIR"));
    /** The integration tests' variables (RASP_IT_PG_URL, ...). */
    static final String OTHER_ENVIRONMENT_PREFIX = "RASP_IT_";

    /** A Spring list or map index at the end of a name: {@code rasp.ssrf.allowed-hosts[0]}. */
    private static final Pattern SPRING_INDEX = Pattern.compile("\\[[^\\]]*\\]");

    /** Longer names are no typo of a key, and would make the distance table large. */
    private static final int MAX_COMPARED = 200;

    private KnownKeys() {
    }

    /**
     * One line per unknown {@code rasp.*} system property and {@code RASP_*} environment variable,
     * sorted by name, in the format of the config file's unknown keys.
     *
     * @param springStarter the Spring Boot starter attached the agent: Spring's own spellings of the
     *                      keys ({@code rasp.request.max-input-bytes}) are then the starter's, which
     *                      hands them over in the agent's spelling
     */
    static List<String> unknown(Properties systemProperties, Map<String, String> environment, boolean springStarter) {
        List<String> out = new ArrayList<String>();
        List<String> names = new ArrayList<String>(systemProperties.stringPropertyNames());
        Collections.sort(names);
        for (String name : names) {
            if (name.startsWith("rasp.") && !isKnownProperty(name, springStarter)) {
                out.add(unknownLine(name, "(system property)"));
            }
        }
        names = new ArrayList<String>(environment.keySet());
        Collections.sort(names);
        for (String name : names) {
            if (name.startsWith("RASP_") && !isKnownVariable(name, springStarter)) {
                out.add(unknownVariableLine(name));
            }
        }
        return out;
    }

    /** The warning for an unknown key of the config file. */
    static String unknownFileKey(String name, Object file) {
        if (ConfigKey.forProperty(name) == ConfigKey.CONFIG_FILE) {
            return "ignoring key '" + name + "' in " + file + ": a config file cannot name another one";
        }
        return unknownLine(name, "in " + file);
    }

    /** True for a config file key the agent reads (rasp.config.file is not one: only -D or the environment name the file). */
    static boolean isKnownFileKey(String name) {
        ConfigKey key = ConfigKey.forProperty(name);
        return key != null && key != ConfigKey.CONFIG_FILE || isDynamic(name);
    }

    private static String unknownLine(String name, String where) {
        String nearest = nearestProperty(name);
        return "ignoring unknown key '" + ConfigException.printable(name) + "' " + where
                + (nearest == null ? "" : "; did you mean " + nearest + "?");
    }

    private static String unknownVariableLine(String name) {
        String shown = "ignoring unknown key '" + ConfigException.printable(name) + "' (environment variable)";
        for (String prefix : DYNAMIC_PREFIXES) {
            if (name.startsWith(variable(prefix))) {
                return shown + ": " + prefix + "* keys are read from system properties and the config file only "
                        + "(a variable name cannot spell a rule id or an exclusion name)";
            }
        }
        String nearest = nearest(name, variableCandidates());
        return shown + (nearest == null ? "" : "; did you mean " + nearest + "?");
    }

    static boolean isKnownProperty(String name, boolean springStarter) {
        if (ConfigKey.forProperty(name) != null || isDynamic(name) || OTHER_PROPERTIES.contains(name)
                || STARTER_PROPERTIES.contains(name)) {
            return true;
        }
        if (!springStarter) {
            return false;
        }
        String canonical = springCanonical(name);
        for (String known : propertyCandidates()) {
            if (springCanonical(known).equals(canonical)) {
                return true;
            }
        }
        int bracket = name.indexOf('[');
        for (String prefix : DYNAMIC_PREFIXES) {
            String family = springCanonical(prefix.substring(0, prefix.length() - 1));
            // rasp.exclusion.admin.routes[0], or Spring's map notation: rasp.rules.mode[sqli.union]
            if (canonical.startsWith(family + ".") || bracket > 0 && springCanonical(name.substring(0, bracket)).equals(family)) {
                return true;
            }
        }
        return false;
    }

    static boolean isKnownVariable(String name, boolean springStarter) {
        if (OTHER_ENVIRONMENT.contains(name) || name.startsWith(OTHER_ENVIRONMENT_PREFIX)) {
            return true;
        }
        List<String> known = variableCandidates();
        if (known.contains(name)) {
            return true;
        }
        if (!springStarter) {
            return false;
        }
        // Spring binds RASP_REQUEST_MAXINPUTBYTES to rasp.request.max-input-bytes, and map entries
        // such as RASP_RULES_MODE_SQLI_UNION; the starter hands them to the agent in its spelling.
        String squeezed = name.replace("_", "");
        for (String k : known) {
            if (k.replace("_", "").equals(squeezed)) {
                return true;
            }
        }
        for (String prefix : DYNAMIC_PREFIXES) {
            if (name.startsWith(variable(prefix))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDynamic(String name) {
        for (String prefix : DYNAMIC_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The fixed property names a typo is compared with. */
    private static List<String> propertyCandidates() {
        List<String> out = new ArrayList<String>();
        for (ConfigKey k : ConfigKey.values()) {
            out.add(k.property);
        }
        out.addAll(OTHER_PROPERTIES);
        out.addAll(STARTER_PROPERTIES);
        return out;
    }

    private static List<String> variableCandidates() {
        List<String> out = new ArrayList<String>();
        for (ConfigKey k : ConfigKey.values()) {
            out.add(k.environmentVariable);
        }
        for (String p : STARTER_PROPERTIES) {
            out.add(variable(p));
        }
        return out;
    }

    private static String variable(String property) {
        return property.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** Spring's relaxed form: case, '-' and '_' do not count, nor a trailing [index]. */
    private static String springCanonical(String name) {
        return SPRING_INDEX.matcher(name).replaceAll("").replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /**
     * The known property nearest to {@code name}, or null when none is near enough to be what was
     * meant. A dynamic family is compared on the part of {@code name} that would be its prefix, and
     * suggested with the rest of {@code name} kept: rasp.rule.mode.sqli.union is rasp.rules.mode.sqli.union.
     */
    static String nearestProperty(String name) {
        if (name.length() > MAX_COMPARED) {
            return null;
        }
        String best = nearest(name, propertyCandidates());
        int bestDistance = best == null ? Integer.MAX_VALUE : distance(lower(name), lower(best));
        String lowered = lower(name);
        for (String prefix : DYNAMIC_PREFIXES) {
            for (int cut = prefix.length() - 2; cut <= prefix.length() + 2; cut++) {
                if (cut <= 0 || cut >= name.length() || name.charAt(cut - 1) != '.') {
                    continue; // the family's part ends with a '.' of the name: the rest is kept whole
                }
                int d = distance(lowered.substring(0, cut), prefix);
                if (d < bestDistance && d <= threshold(prefix)) {
                    bestDistance = d;
                    best = prefix + name.substring(cut);
                }
            }
        }
        return best;
    }

    private static String nearest(String name, List<String> candidates) {
        if (name.length() > MAX_COMPARED) {
            return null;
        }
        String lowered = lower(name);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(lowered, lower(c));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= threshold(name) ? best : null;
    }

    /** How far a name may be from a key to be a typo of it: two edits, more for long names. */
    private static int threshold(String name) {
        return Math.max(2, name.length() / 4);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * Edit distance with adjacent transpositions (optimal string alignment): the common typos
     * (a letter missing, doubled, wrong, or two swapped as in "mdoe") each cost one.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
