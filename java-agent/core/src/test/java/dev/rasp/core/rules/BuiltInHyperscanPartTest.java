package dev.rasp.core.rules;

import dev.rasp.core.config.AgentConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in set is read up to the end of its Hyperscan part (rule file format 2, docs/rules.md §3),
 * and read whole when the engine asks for it (the portable backend) or the header names no part.
 */
class BuiltInHyperscanPartTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void captureLog() throws IOException {
        stderr = System.err;
        System.setErr(new PrintStream(log, true, "UTF-8"));
    }

    @AfterEach
    void restoreLog() {
        System.setErr(stderr);
    }

    /** A rule file's framing as the engine writes it: preamble, header, then {@code part} and {@code rest} bytes of body. */
    private static byte[] ruleFile(int version, String partField, int part, int rest) {
        String header = "{\"format\":" + version + ",\"name\":\"t\",\"checksum\":\"sha256:00\"" + partField
                + ",\"sections\":[]}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[16 + h.length + part + rest];
        System.arraycopy("RASPRULS".getBytes(StandardCharsets.US_ASCII), 0, out, 0, 8);
        out[8] = (byte) version;
        out[12] = (byte) h.length;
        out[13] = (byte) (h.length >>> 8);
        System.arraycopy(h, 0, out, 16, h.length);
        for (int i = 16 + h.length; i < out.length; i++) {
            out[i] = (byte) (i < 16 + h.length + part ? 'h' : 'd');
        }
        return out;
    }

    private static byte[] v2(int part, int rest) {
        return ruleFile(2, ",\"hyperscan_part\":{\"len\":" + part + ",\"checksum\":\"sha256:11\"}", part, rest);
    }

    @Test
    void stopsAtTheEndOfTheHyperscanPartAndReadsWholeOtherwise() throws Exception {
        byte[] file = v2(30_000, 200_000);
        int cut = file.length - 200_000;
        for (long size : new long[] {file.length, -1}) {
            byte[] read = RuleSource.readPart(RuleSourceReadTest.trickling(file), size);
            assertArrayEquals(Arrays.copyOf(file, cut), read, "recorded size " + size);
            assertTrue(RuleSource.isHyperscanPart(read));
        }
        assertFalse(RuleSource.isHyperscanPart(file));
        // No part named (format 1, or no Hyperscan databases): the whole file, for the engine to judge.
        byte[] v1 = ruleFile(1, "", 0, 50_000);
        assertArrayEquals(v1, RuleSource.readPart(RuleSourceReadTest.trickling(v1), v1.length));
        assertFalse(RuleSource.isHyperscanPart(v1));
        // Not a rule file, a header longer than the file, a part past the end, a cut stream: whole, as it is.
        byte[] zip = "PK\u0003\u0004 not rules at all, but long enough".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(zip, RuleSource.readPart(RuleSourceReadTest.trickling(zip), zip.length));
        byte[] lying = v2(30_000, 10);
        lying[13] = 0x7f;
        assertArrayEquals(lying, RuleSource.readPart(RuleSourceReadTest.trickling(lying), lying.length));
        byte[] overlong = ruleFile(2, ",\"hyperscan_part\":{\"len\":999999,\"checksum\":\"x\"}", 10, 10);
        assertArrayEquals(overlong, RuleSource.readPart(RuleSourceReadTest.trickling(overlong), overlong.length));
        byte[] cutShort = Arrays.copyOf(file, cut - 5);
        assertArrayEquals(cutShort, RuleSource.readPart(RuleSourceReadTest.trickling(cutShort), -1));
        assertArrayEquals(new byte[3], RuleSource.readPart(new ByteArrayInputStream(new byte[3]), 3));
    }

    @Test
    void theLengthIsReadOnlyWhereTheEngineWritesIt() {
        assertEquals(123, RuleSource.partLength("{\"a\":1,\"hyperscan_part\":{\"len\":123,\"checksum\":\"x\"}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(-1, RuleSource.partLength("{\"hyperscan_part\":{\"len\":123}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(-1, RuleSource.partLength("{\"hyperscan_part\":{\"len\":,\"checksum\":\"x\"}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(-1, RuleSource.partLength("{\"hyperscan_part\": {\"len\": 5,".getBytes(StandardCharsets.UTF_8)));
        assertEquals(-1, RuleSource.partLength("{\"name\":\"no part\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(-1, RuleSource.partLength("{\"hyperscan_part\":{\"len\":99999999999999999999,".getBytes(StandardCharsets.UTF_8)));
        // digits are ASCII digits only (Character.isDigit would take the Arabic-Indic ones too)
        assertEquals(-1, RuleSource.partLength("{\"hyperscan_part\":{\"len\":\u0661\u0662,".getBytes(StandardCharsets.UTF_8)));
    }

    private String agentJar(byte[] rules) throws IOException {
        Path jar = tmp.resolve("rasp.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry(RuleSource.BUILT_IN_RESOURCE));
            j.write(rules);
            j.closeEntry();
        }
        return jar.toString();
    }

    private RuleSetManager manager(String agentJar, RuleSetManager.RuleEngine engine, String... properties) {
        Properties sys = new Properties();
        sys.setProperty("user.dir", tmp.toString());
        sys.setProperty("java.io.tmpdir", tmp.toString());
        for (int i = 0; i + 1 < properties.length; i += 2) {
            sys.setProperty(properties[i], properties[i + 1]);
        }
        AgentConfig config = AgentConfig.resolve(sys, new HashMap<String, String>());
        return new RuleSetManager(config.rules(), RuleSource.builtIn(agentJar), engine);
    }

    @Test
    void theEngineGetsThePartAndTheWholeFileOnlyWhenItAsksForIt() throws Exception {
        byte[] file = v2(4_000, 40_000);
        String jar = agentJar(file);
        FakeEngine engine = new FakeEngine(false);
        RuleSetManager hyperscan = manager(jar, engine);
        assertNull(hyperscan.initEngine(new byte[0]));
        assertEquals(1, engine.inits.size());
        assertEquals(file.length - 40_000, engine.inits.get(0).length);
        assertTrue(hyperscan.partRead());
        assertTrue(hyperscan.startupReport().contains("(its Hyperscan part)"), hyperscan.startupReport());

        // No Hyperscan on this CPU: the engine says so once, and gets the whole file.
        FakeEngine portable = new FakeEngine(true);
        RuleSetManager fallback = manager(jar, portable);
        assertNull(fallback.initEngine(new byte[0]));
        assertEquals(2, portable.inits.size());
        assertArrayEquals(file, portable.inits.get(1));
        assertFalse(fallback.partRead());
        assertFalse(log.toString("UTF-8").contains("cannot be loaded"), log.toString("UTF-8"));

        // rules.backend=portable: the whole file at once.
        FakeEngine asked = new FakeEngine(true);
        assertNull(manager(jar, asked, "rasp.rules.backend", "portable").initEngine(new byte[0]));
        assertEquals(1, asked.inits.size());
        assertArrayEquals(file, asked.inits.get(0));
    }

    /** The words the agent matches are the engine's: a drift would turn the portable fallback into "the set cannot be loaded". */
    @Test
    void theAgentMatchesTheEnginesOwnWords() throws IOException {
        Path root = java.nio.file.Paths.get(System.getProperty("user.dir")).resolve("../..").normalize();
        String file = new String(Files.readAllBytes(root.resolve("native/engine/src/rules/file.rs")), StandardCharsets.UTF_8);
        String runtime = new String(Files.readAllBytes(root.resolve("native/jni/src/runtime.rs")), StandardCharsets.UTF_8);
        assertTrue(file.contains("pub const WHOLE_FILE_NEEDED: &str = \"" + dev.rasp.core.engine.Engine.WHOLE_FILE_NEEDED + "\";"),
                "native/engine/src/rules/file.rs's WHOLE_FILE_NEEDED is Engine.WHOLE_FILE_NEEDED");
        assertTrue(runtime.contains("pub const RULE_SET_ERROR: &str = \"" + dev.rasp.core.engine.Engine.RULE_SET_ERROR + "\";"),
                "native/jni/src/runtime.rs's RULE_SET_ERROR is Engine.RULE_SET_ERROR");
    }

    /** Takes whole files; a part only when {@code portable} is false, else asks for the whole file as the engine does. */
    private static final class FakeEngine implements RuleSetManager.RuleEngine {
        final boolean portable;
        final List<byte[]> inits = new ArrayList<>();

        FakeEngine(boolean portable) {
            this.portable = portable;
        }

        @Override
        public String init(byte[] configLines, byte[] rules) {
            inits.add(rules);
            if (portable && RuleSource.isHyperscanPart(rules)) {
                return dev.rasp.core.engine.Engine.RULE_SET_ERROR + dev.rasp.core.engine.Engine.WHOLE_FILE_NEEDED
                        + ": the portable backend scans with the dfa sections, which were not read (no SSSE3)";
            }
            return null;
        }

        @Override
        public String loadRules(byte[] rules) {
            return null;
        }

        @Override
        public String rulesInfo() {
            return "{\"id\":\"t@1+00\",\"rules\":1,\"backend\":\"" + (portable ? "portable" : "hyperscan")
                    + "\",\"unknown_rule_ids\":[]}";
        }
    }
}
