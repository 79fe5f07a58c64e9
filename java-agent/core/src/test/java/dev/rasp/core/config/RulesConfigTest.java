package dev.rasp.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule keys of docs/rules.md §5 as the agent reads and checks them. */
class RulesConfigTest {

    @TempDir
    Path tmp;

    private final Properties sys = new Properties();
    private final Map<String, String> env = new HashMap<>();

    private AgentConfig resolve() {
        sys.setProperty("user.dir", tmp.toString());
        sys.setProperty("java.io.tmpdir", tmp.toString());
        return AgentConfig.resolve(sys, env);
    }

    private String error() {
        return assertThrows(ConfigException.class, this::resolve).getMessage();
    }

    private String engineLines() {
        return new String(resolve().toEngineConfig("1"), StandardCharsets.UTF_8);
    }

    private Path configFile(String... lines) throws IOException {
        Path f = tmp.resolve("rasp.properties");
        Files.write(f, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void defaults() {
        RulesConfig r = resolve().rules();
        assertNull(r.file(), "the built-in set");
        assertEquals(5, r.reloadSeconds());
        assertEquals(RulesConfig.Backend.AUTO, r.backend());
        assertTrue(r.ruleModes().isEmpty());
        assertTrue(r.exclusions().isEmpty());
        assertTrue(engineLines().endsWith("agent_version=1\nrules.backend=auto\n"), engineLines());
    }

    @Test
    void ruleFileMustBeAnExistingReadableFile() throws IOException {
        String fix = "use the path of an existing, readable rule file (made by rasp rules compile)";
        String missing = tmp.resolve("absent.rules").toString();
        sys.setProperty("rasp.rules.file", missing);
        assertEquals("rasp: bad value '" + missing + "' for rasp.rules.file (RASP_RULES_FILE): " + fix, error());
        sys.setProperty("rasp.rules.file", tmp.toString());
        assertEquals("rasp: bad value '" + tmp + "' for rasp.rules.file (RASP_RULES_FILE): " + fix, error(), "a directory");
        sys.setProperty("rasp.rules.file", " ");
        assertEquals("rasp: bad value ' ' for rasp.rules.file (RASP_RULES_FILE): " + fix, error());

        Files.write(tmp.resolve("my.rules"), new byte[] {1});
        sys.setProperty("rasp.rules.file", "my.rules"); // relative to the working directory
        assertEquals(new File(tmp.toFile(), "my.rules").getAbsoluteFile(), resolve().rules().file());
        env.put("RASP_RULES_FILE", missing); // the system property wins; the environment is not checked
        assertEquals(new File(tmp.toFile(), "my.rules").getAbsoluteFile(), resolve().rules().file());
    }

    @Test
    void reloadSeconds() {
        String fix = "use a whole number of seconds from 0 (never reload) to 86400";
        for (String bad : new String[] {"", "-1", "1.5", "5s", "86401", "999999", "x"}) {
            sys.setProperty("rasp.rules.reload_seconds", bad);
            assertEquals("rasp: bad value '" + bad + "' for rasp.rules.reload_seconds (RASP_RULES_RELOAD_SECONDS): " + fix,
                    error(), bad);
        }
        sys.setProperty("rasp.rules.reload_seconds", " 0 ");
        assertEquals(0, resolve().rules().reloadSeconds());
        sys.setProperty("rasp.rules.reload_seconds", "86400");
        assertEquals(86400, resolve().rules().reloadSeconds());
        sys.remove("rasp.rules.reload_seconds");
        env.put("RASP_RULES_RELOAD_SECONDS", "1");
        assertEquals(1, resolve().rules().reloadSeconds());
    }

    @Test
    void backend() {
        env.put("RASP_RULES_BACKEND", "Portable");
        assertEquals(RulesConfig.Backend.PORTABLE, resolve().rules().backend());
        assertTrue(engineLines().contains("rules.backend=portable\n"));
        sys.setProperty("rasp.rules.backend", "hs");
        assertEquals("rasp: bad value 'hs' for rasp.rules.backend (RASP_RULES_BACKEND): use auto, hyperscan or portable",
                error());
    }

    @Test
    void ruleModesFromPropertiesAndTheConfigFileNotTheEnvironment() throws IOException {
        sys.setProperty("rasp.config.file", configFile(
                "rasp.rules.mode.sqli.union=monitor",
                "rasp.rules.mode.sql.policy.file_write=off").toString());
        sys.setProperty("rasp.rules.mode.sqli.union", " Block "); // the property beats the file
        sys.setProperty("rasp.rules.mode.path.traversal", "monitor");
        env.put("RASP_RULES_MODE_CMDI_SHELL", "off"); // no such thing: ignored, and said
        AgentConfig c = resolve();
        assertEquals(1, c.warnings().size(), "dynamic keys in the file are known: " + c.warnings());
        assertTrue(c.warnings().get(0).startsWith("ignoring unknown key 'RASP_RULES_MODE_CMDI_SHELL' (environment variable): "
                + "rasp.rules.mode.* keys are read from system properties and the config file only"), c.warnings().toString());
        Map<String, String> want = new java.util.TreeMap<>();
        want.put("path.traversal", "monitor");
        want.put("sql.policy.file_write", "off");
        want.put("sqli.union", "block");
        assertEquals(want, c.rules().ruleModes());
        assertTrue(engineLines().endsWith("rules.backend=auto\nrules.mode.path.traversal=monitor\n"
                + "rules.mode.sql.policy.file_write=off\nrules.mode.sqli.union=block\n"), engineLines());
    }

    @Test
    void badRuleModes() {
        sys.setProperty("rasp.rules.mode.sqli.union", "allow");
        assertEquals("rasp: bad value 'allow' for rasp.rules.mode.sqli.union: use block, monitor or off", error());
        sys.remove("rasp.rules.mode.sqli.union");
        String keyFix = "use rasp.rules.mode.<rule id>, a rule id being lower-case segments of a-z, 0-9 and _ "
                + "joined by '.' (e.g. sqli.union)";
        for (String badId : new String[] {"", "sqli", "SQLI.union", "sqli..union", "sqli.union.", "sqli.*", "sql i.x"}) {
            sys.setProperty("rasp.rules.mode." + badId, "off");
            assertEquals("rasp: bad key 'rasp.rules.mode." + badId + "': " + keyFix, error(), badId);
            sys.remove("rasp.rules.mode." + badId);
        }
    }

    @Test
    void exclusions() throws IOException {
        sys.setProperty("rasp.config.file", configFile(
                "rasp.exclusion.search.routes=/api/search, /api/**/find",
                "rasp.exclusion.search.inputs=q,header:X-Filter",
                "rasp.exclusion.legacy-admin.rules=sqli.*, sql.policy.file_write").toString());
        sys.setProperty("rasp.exclusion.search.rules", "sqli.tautology");
        RulesConfig r = resolve().rules();
        assertEquals("[legacy-admin, search]", r.exclusions().keySet().toString());
        assertEquals("/api/search,/api/**/find", r.exclusions().get("search").get("routes"));
        assertEquals("q,header:X-Filter", r.exclusions().get("search").get("inputs"));
        assertEquals("sqli.tautology", r.exclusions().get("search").get("rules"));
        assertEquals("sqli.*,sql.policy.file_write", r.exclusions().get("legacy-admin").get("rules"));
        assertTrue(engineLines().endsWith("rules.backend=auto\n"
                + "exclusion.legacy-admin.rules=sqli.*,sql.policy.file_write\n"
                + "exclusion.search.inputs=q,header:X-Filter\n"
                + "exclusion.search.routes=/api/search,/api/**/find\n"
                + "exclusion.search.rules=sqli.tautology\n"), engineLines());
    }

    @Test
    void badExclusionKeys() {
        String fix = "use rasp.exclusion.<name>.routes, .inputs or .rules, the name made of letters, digits, _ and -";
        for (String key : new String[] {"rasp.exclusion.routes", "rasp.exclusion.a.b.routes", "rasp.exclusion.x.route",
                "rasp.exclusion..rules", "rasp.exclusion.x"}) {
            sys.setProperty(key, "/a");
            assertEquals("rasp: bad key '" + key + "': " + fix, error(), key);
            sys.remove(key);
        }
    }

    @Test
    void badExclusionValues() {
        String[][] cases = {
                {"routes", "api/x", "use comma-separated path globs starting with / (* within a segment, ** as a whole "
                        + "segment for any depth; no ?, [], {}, \\, . or ..), e.g. /api/**/search"},
                {"routes", "/a,,/b", null}, {"routes", "/a/**x", null}, {"routes", "/a?", null}, {"routes", "", null},
                {"routes", "/a/../b", null}, {"routes", "/{a,b}", null},
                {"inputs", "hdr:x", "use comma-separated input names, or source:name with source one of query, form, "
                        + "header, cookie, path, json, multipart, body"},
                {"inputs", "query:", null}, {"inputs", "a,", null},
                {"rules", "sqli", "use comma-separated rule ids or prefixes, e.g. sqli.tautology,sql.policy.*"},
                {"rules", "*", null}, {"rules", "Sqli.union", null}, {"rules", "sqli.*.x", null},
        };
        String fix = null;
        for (String[] c : cases) {
            fix = c[2] != null ? c[2] : fix;
            String key = "rasp.exclusion.t." + c[0];
            sys.setProperty(key, c[1]);
            assertEquals("rasp: bad value '" + c[1] + "' for " + key + ": " + fix, error(), c[1]);
            sys.remove(key);
        }
        sys.setProperty("rasp.exclusion.t.inputs", "query:a:b, Header:X-A, first name");
        // a name holding ':' is written with its source; sources in any case; names may hold spaces
        assertEquals("query:a:b,Header:X-A,first name", resolve().rules().exclusions().get("t").get("inputs"));
        sys.setProperty("rasp.exclusion.t.routes", "/files/my docs/**");
        assertEquals("/files/my docs/**", resolve().rules().exclusions().get("t").get("routes"));
    }

    @Test
    void engineErrorsAboutRuleKeysNameTheAgentKeys() {
        assertEquals("rasp: bad value 'sqli.nope' for rasp.rules.mode.sqli.nope: no such rule",
                AgentConfig.userFacingEngineError("bad value 'sqli.nope' for rules.mode.sqli.nope: no such rule"));
        assertEquals("rasp: unknown rule id 'sql.x' in rasp.exclusion.legacy.rules",
                AgentConfig.userFacingEngineError("unknown rule id 'sql.x' in exclusion.legacy.rules"));
        assertEquals("rasp: bad value 'x' for rasp.rules.backend (RASP_RULES_BACKEND): use auto, hyperscan or portable",
                AgentConfig.userFacingEngineError("bad value 'x' for rules.backend: use auto, hyperscan or portable"));
        // the engine's own wording (rasp_engine::config::ConfigError::UnknownRule)
        assertEquals("rasp: rasp.rules.mode.sqli.nope names rule 'sqli.nope', which is neither built in nor in rule set "
                        + "rasp-default@1+0a1b2c3d (see `rasp rules check` for the set's ids)",
                AgentConfig.userFacingEngineError("rules.mode.sqli.nope names rule 'sqli.nope', which is neither built in "
                        + "nor in rule set rasp-default@1+0a1b2c3d (see `rasp rules check` for the set's ids)"));
        // already prefixed, or merely similar: untouched
        assertEquals("rasp: rasp.rules.mode.a.b", AgentConfig.userFacingEngineError("rasp: rasp.rules.mode.a.b"));
    }

    @Test
    void describeNamesTheRuleSource() throws IOException {
        assertTrue(resolve().describe().contains("rules=built-in, rules_backend=auto"), resolve().describe());
        Files.write(tmp.resolve("x.rules"), new byte[] {1});
        sys.setProperty("rasp.rules.file", "x.rules");
        sys.setProperty("rasp.rules.mode.sqli.union", "off");
        String d = resolve().describe();
        assertTrue(d.contains("rules=" + tmp.resolve("x.rules") + ", reload_seconds=5, rules_backend=auto, rule_modes=1"), d);
    }
}
