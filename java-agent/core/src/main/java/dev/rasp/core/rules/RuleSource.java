package dev.rasp.core.rules;

import dev.rasp.core.AgentJarResource;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/**
 * Where the rule set comes from: the user's compiled file ({@code rasp.rules.file}), or the set
 * the build compiled from {@code rules/} and packed into rasp.jar next to the native library.
 */
public final class RuleSource {

    /** The built-in set's entry in rasp.jar (java-agent/agent/pom.xml puts it there). */
    public static final String BUILT_IN_RESOURCE = "native/default.rules";

    private final File file;
    private final String agentJar;

    private RuleSource(File file, String agentJar) {
        this.file = file;
        this.agentJar = agentJar;
    }

    /** The user's file. */
    public static RuleSource file(File file) {
        return new RuleSource(file, null);
    }

    /**
     * The set inside rasp.jar.
     *
     * @param agentJar rasp.jar; null to look in the core's own class path instead (tests, development)
     */
    public static RuleSource builtIn(String agentJar) {
        return new RuleSource(null, agentJar);
    }

    public boolean isBuiltIn() {
        return file == null;
    }

    /** The user's file, or null for the built-in set. */
    public File file() {
        return file;
    }

    /** For log lines: the path, or "the rule set built into rasp.jar". */
    public String describe() {
        return file != null ? file.getPath() : "the rule set built into rasp.jar";
    }

    /** The whole file. FileNotFoundException when the built-in set is not in the jar. */
    public byte[] read() throws IOException {
        if (file != null) {
            return Files.readAllBytes(file.toPath());
        }
        byte[] rules = AgentJarResource.read(agentJar, BUILT_IN_RESOURCE, RuleSource::readAll);
        if (rules == null) {
            throw new FileNotFoundException(BUILT_IN_RESOURCE + " is missing from " + AgentJarResource.where(agentJar));
        }
        return rules;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
