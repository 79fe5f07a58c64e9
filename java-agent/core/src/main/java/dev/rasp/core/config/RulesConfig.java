package dev.rasp.core.config;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rule keys of docs/rules.md §5: where the rule set comes from, how often it is checked for
 * changes, which scanning backend runs it, per-rule modes and exclusions.
 *
 * <p>Here only the syntax is checked, with the same one-line errors as every other key. Whether
 * a rule id named in {@code rasp.rules.mode.*} or {@code rasp.exclusion.*.rules} exists is the
 * engine's call (it knows the built-in ids and the loaded set); it answers through init, and
 * {@link AgentConfig#userFacingEngineError} turns its key names into these.
 */
public final class RulesConfig {

    public enum Backend { AUTO, HYPERSCAN, PORTABLE }

    public static final String MODE_PREFIX = "rasp.rules.mode.";
    public static final String EXCLUSION_PREFIX = "rasp.exclusion.";
    public static final int RELOAD_SECONDS_DEFAULT = 5;
    public static final int RELOAD_SECONDS_LIMIT = 86400;
    /**
     * rasp.rules.max_file_bytes: about 13 times the built-in set (about 5 MB), so a real set fits
     * with room to grow, while a wrong file (a log, a disk image) is refused from its size alone:
     * reading, hashing and loading hold the whole file in memory, on the heap and natively.
     */
    public static final int MAX_FILE_BYTES_DEFAULT = 64 << 20;
    /** A Java array holds a little under 2 GiB; 1 GiB keeps the copies of a reload far from that. */
    public static final int MAX_FILE_BYTES_LIMIT = 1 << 30;

    /** A rule id: [a-z0-9_]+ segments joined by '.', at least two (docs/rules.md §2). */
    static final Pattern RULE_ID = Pattern.compile("[a-z0-9_]+(?:\\.[a-z0-9_]+)+");
    /** A rule id prefix in an exclusion: {@code sqli.*}, {@code sql.policy.*}. */
    static final Pattern RULE_PREFIX = Pattern.compile("[a-z0-9_]+(?:\\.[a-z0-9_]+)*\\.\\*");
    /** An exclusion name: one segment of the key, so no '.'. */
    static final Pattern EXCLUSION_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    static final String[] INPUT_SOURCES = {"query", "form", "header", "cookie", "path", "json", "multipart", "body",
            "xml", "websocket", "zip-entry", "parameter"};

    private static final String MODE_FIX = "use block, monitor or off";
    private static final String MODE_KEY_FIX = "use " + MODE_PREFIX
            + "<rule id>, a rule id being lower-case segments of a-z, 0-9 and _ joined by '.' (e.g. sqli.union)";
    private static final String EXCLUSION_KEY_FIX = "use " + EXCLUSION_PREFIX
            + "<name>.routes, .inputs or .rules, the name made of letters, digits, _ and -";
    private static final String ROUTES_FIX = "use comma-separated path globs starting with / "
            + "(* within a segment, ** as a whole segment for any depth; no ?, [], {}, \\, . or ..), e.g. /api/**/search";
    private static final String INPUTS_FIX = "use comma-separated input names, or source:name with source one of "
            + "query, form, header, cookie, path, json, multipart, body";
    private static final String RULES_FIX = "use comma-separated rule ids or prefixes, e.g. sqli.tautology,sql.policy.*";

    private final File file;
    private final int reloadSeconds;
    private final Backend backend;
    private final int maxFileBytes;
    private final Map<String, String> ruleModes;
    private final Map<String, Map<String, String>> exclusions;

    private RulesConfig(File file, int reloadSeconds, Backend backend, int maxFileBytes, Map<String, String> ruleModes,
                        Map<String, Map<String, String>> exclusions) {
        this.file = file;
        this.reloadSeconds = reloadSeconds;
        this.backend = backend;
        this.maxFileBytes = maxFileBytes;
        this.ruleModes = Collections.unmodifiableMap(ruleModes);
        this.exclusions = Collections.unmodifiableMap(exclusions);
    }

    static RulesConfig resolve(ConfigSources sources, String workingDir) {
        File file = ruleFile(sources, workingDir);
        int reload = reloadSeconds(sources);
        Backend backend = Backend.valueOf(sources.choice(ConfigKey.RULES_BACKEND, "auto",
                "use auto, hyperscan or portable", "auto", "hyperscan", "portable"));
        int maxFileBytes = sources.wholeNumber(ConfigKey.RULES_MAX_FILE_BYTES, MAX_FILE_BYTES_DEFAULT, 1,
                MAX_FILE_BYTES_LIMIT, "use a whole number of bytes from 1 to " + MAX_FILE_BYTES_LIMIT);
        return new RulesConfig(file, reload, backend, maxFileBytes, ruleModes(sources), exclusions(sources));
    }

    private static File ruleFile(ConfigSources sources, String workingDir) {
        String raw = sources.lookup(ConfigKey.RULES_FILE);
        if (raw == null) {
            return null;
        }
        File f = AgentConfig.absolute(raw.trim(), workingDir);
        if (raw.trim().isEmpty() || !f.isFile() || !f.canRead()) {
            throw ConfigException.badValue(ConfigKey.RULES_FILE, raw,
                    "use the path of an existing, readable rule file (made by rasp rules compile)");
        }
        return f;
    }

    private static int reloadSeconds(ConfigSources sources) {
        return sources.wholeNumber(ConfigKey.RULES_RELOAD_SECONDS, RELOAD_SECONDS_DEFAULT, 0, RELOAD_SECONDS_LIMIT,
                "use a whole number of seconds from 0 (never reload) to " + RELOAD_SECONDS_LIMIT);
    }

    private static Map<String, String> ruleModes(ConfigSources sources) {
        Map<String, String> modes = new TreeMap<String, String>();
        for (Map.Entry<String, String> e : sources.withPrefix(MODE_PREFIX).entrySet()) {
            String id = e.getKey().substring(MODE_PREFIX.length());
            if (!RULE_ID.matcher(id).matches()) {
                throw ConfigException.badKey(e.getKey(), MODE_KEY_FIX);
            }
            String mode = e.getValue().trim().toLowerCase(Locale.ROOT);
            if (!mode.equals("block") && !mode.equals("monitor") && !mode.equals("off")) {
                throw ConfigException.badValue(e.getKey(), e.getValue(), MODE_FIX);
            }
            modes.put(id, mode);
        }
        return modes;
    }

    private static Map<String, Map<String, String>> exclusions(ConfigSources sources) {
        Map<String, Map<String, String>> out = new TreeMap<String, Map<String, String>>();
        for (Map.Entry<String, String> e : sources.withPrefix(EXCLUSION_PREFIX).entrySet()) {
            String rest = e.getKey().substring(EXCLUSION_PREFIX.length());
            int dot = rest.lastIndexOf('.');
            String name = dot < 0 ? "" : rest.substring(0, dot);
            String field = dot < 0 ? rest : rest.substring(dot + 1);
            if (!EXCLUSION_NAME.matcher(name).matches()) {
                throw ConfigException.badKey(e.getKey(), EXCLUSION_KEY_FIX);
            }
            String value;
            if (field.equals("routes")) {
                value = items(e.getKey(), e.getValue(), ROUTES_FIX, Item.ROUTE);
            } else if (field.equals("inputs")) {
                value = items(e.getKey(), e.getValue(), INPUTS_FIX, Item.INPUT);
            } else if (field.equals("rules")) {
                value = items(e.getKey(), e.getValue(), RULES_FIX, Item.RULE);
            } else {
                throw ConfigException.badKey(e.getKey(), EXCLUSION_KEY_FIX);
            }
            Map<String, String> fields = out.get(name);
            if (fields == null) {
                fields = new TreeMap<String, String>();
                out.put(name, fields);
            }
            fields.put(field, value);
        }
        return out;
    }

    private enum Item { ROUTE, INPUT, RULE }

    /** Checks each comma-separated item; returns them trimmed and joined by ',' for the engine. */
    private static String items(String key, String raw, String fix, Item kind) {
        List<String> items = new ArrayList<String>();
        for (String part : raw.split(",", -1)) {
            String item = part.trim();
            if (!validItem(kind, item)) {
                throw ConfigException.badValue(key, raw, fix);
            }
            items.add(item);
        }
        return String.join(",", items);
    }

    private static boolean validItem(Item kind, String item) {
        if (item.isEmpty()) {
            return false;
        }
        for (int i = 0; i < item.length(); i++) {
            char c = item.charAt(i);
            if (c < ' ' || c == 0x7f) {
                return false; // control characters: never part of a route, an input name or a rule id
            }
        }
        switch (kind) {
            case ROUTE:
                return validRoute(item);
            case INPUT:
                return validInput(item);
            default:
                return RULE_ID.matcher(item).matches() || RULE_PREFIX.matcher(item).matches();
        }
    }

    /** The engine's RouteGlob: starts with /, ** only as a whole segment, no other glob syntax, no . or .. */
    private static boolean validRoute(String route) {
        if (route.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < route.length(); i++) {
            if ("?[]{}\\".indexOf(route.charAt(i)) >= 0) {
                return false;
            }
        }
        for (String segment : route.substring(1).split("/", -1)) {
            if (segment.contains("**") && !segment.equals("**") || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** {@code name} or {@code source:name} (source in any case); a name holding ':' is written with its source. */
    private static boolean validInput(String input) {
        int colon = input.indexOf(':');
        if (colon < 0) {
            return true;
        }
        String source = input.substring(0, colon).trim();
        if (input.substring(colon + 1).trim().isEmpty()) {
            return false;
        }
        for (String s : INPUT_SOURCES) {
            if (s.equalsIgnoreCase(source)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ values

    /** The rule file to load and watch, or null for the set built into rasp.jar. */
    public File file() {
        return file;
    }

    /** Seconds between checks of {@link #file()} for changes; 0 = never. */
    public int reloadSeconds() {
        return reloadSeconds;
    }

    public Backend backend() {
        return backend;
    }

    /** rasp.rules.max_file_bytes: a larger {@link #file()} is refused from its size, unread. */
    public int maxFileBytes() {
        return maxFileBytes;
    }

    /** Rule id to off, monitor or block; sorted by id. */
    public Map<String, String> ruleModes() {
        return ruleModes;
    }

    /** Exclusion name to its fields (routes, inputs, rules) and their comma-separated values; sorted. */
    public Map<String, Map<String, String>> exclusions() {
        return exclusions;
    }

    /** The engine's lines for these keys (docs/rules.md §5: the agent key without "rasp."). */
    void appendEngineLines(StringBuilder sb) {
        sb.append("rules.backend=").append(backend.name().toLowerCase(Locale.ROOT)).append('\n');
        for (Map.Entry<String, String> e : ruleModes.entrySet()) {
            sb.append("rules.mode.").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        for (Map.Entry<String, Map<String, String>> x : exclusions.entrySet()) {
            for (Map.Entry<String, String> f : x.getValue().entrySet()) {
                sb.append("exclusion.").append(x.getKey()).append('.').append(f.getKey()).append('=')
                        .append(f.getValue()).append('\n');
            }
        }
    }

    /** For the start log line. */
    String describe() {
        return "rules=" + (file == null ? "built-in" : file.getPath())
                + (file == null ? "" : ", reload_seconds=" + reloadSeconds)
                + ", rules_backend=" + backend.name().toLowerCase(Locale.ROOT)
                + (ruleModes.isEmpty() ? "" : ", rule_modes=" + ruleModes.size())
                + (exclusions.isEmpty() ? "" : ", exclusions=" + exclusions.keySet());
    }
}
