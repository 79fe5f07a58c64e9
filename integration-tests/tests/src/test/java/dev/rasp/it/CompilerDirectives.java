package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JIT's compiler directives in an application's JVM, as {@code jcmd <pid> Compiler.directives_print} prints them:
 * the agent adds one that keeps its own ASM (relocated into dev.rasp.shaded.asm) and its transformer's classes out
 * of C2, and nothing that an application's class, its own org.objectweb.asm included, could match.
 */
final class CompilerDirectives {

    /** What {@link #matching} calls the agent's directive. */
    static final String AGENTS = "the agent's: its ASM and transformer, nothing else";
    /** The agent's directive, then the JVM's default one. */
    static final List<String> WITH_AGENT = List.of(AGENTS, "*.*");
    static final List<String> JVM_DEFAULT = List.of("*.*");

    private static final Pattern MATCHING = Pattern.compile("(?m)^\\s*matching:\\s*(.+)$");

    private CompilerDirectives() {
    }

    /**
     * Each directive in a printout, top of the stack first: {@link #AGENTS} for one that names the agent's relocated
     * ASM, its weaver and its type hierarchy and only classes under dev/rasp/, else its patterns as printed.
     */
    static List<String> matching(String printout) {
        List<String> out = new ArrayList<>();
        Matcher m = MATCHING.matcher(printout);
        while (m.find()) {
            String line = m.group(1).trim();
            List<String> patterns = List.of(line.split(",\\s*"));
            boolean agents = patterns.contains("dev/rasp/shaded/asm/*.*")
                && patterns.contains("dev/rasp/core/instrumentation/weaving/*.*")
                && patterns.contains("dev/rasp/core/instrumentation/TypeHierarchy.*")
                && patterns.stream().allMatch(p -> p.startsWith("dev/rasp/"));
            out.add(agents ? AGENTS : line);
        }
        return out;
    }

    /** The patterns of the agent's directive in a printout ({@link #AGENTS}); empty when it has none. */
    static List<String> agentsPatterns(String printout) {
        Matcher m = MATCHING.matcher(printout);
        while (m.find()) {
            String line = m.group(1).trim();
            List<String> patterns = List.of(line.split(",\\s*"));
            if (patterns.contains("dev/rasp/shaded/asm/*.*")) {
                return patterns;
            }
        }
        return List.of();
    }

    /** {@code jcmd <pid> Compiler.directives_print} of the application's JVM, with the jcmd beside {@code java}. */
    static String printout(Path java, AppProcess app) {
        return print(java.resolveSibling("jcmd"), app.pid());
    }

    /**
     * Waits (the agent adds its directive from its rasp-jmx thread, soon after the start) until {@code jcmd} of the
     * JVM at {@code java} shows exactly {@code expected} for the application's process.
     */
    static void awaitMatching(Path java, AppProcess app, List<String> expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String printout;
        while (true) {
            printout = print(java.resolveSibling("jcmd"), app.pid());
            if (matching(printout).equals(expected) || System.nanoTime() > deadline) {
                break;
            }
            AppProcess.sleep(200);
        }
        assertEquals(expected, matching(printout), app.name() + ": compiler directives\n" + printout);
    }

    private static String print(Path jcmd, long pid) {
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Compiler.directives_print")
                .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), "jcmd Compiler.directives_print: " + out);
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
