package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * The agent's transform-time code (its relocated ASM, the pre-filter, type hierarchy, matchers and weaver: the
 * classes its JIT directive names) is never compiled by C2 in a {@code -javaagent} start of the Spring test
 * application: the directive is in place before that code gets hot. Added at the end of {@code premain} (until
 * 6 Dec 2026), it came after the pass over the classes already loaded had made the matchers hot, and C2 compiled
 * nine or ten of their methods in every start, about 60 ms of compiler CPU, before the directive threw them back to
 * C1 (docs/overhead-log.md, twenty-third round).
 *
 * <p>{@code -XX:+PrintCompilation} lists every compilation with its tier (4: C2). The patterns are the directive's
 * own, as {@code jcmd Compiler.directives_print} shows it in the application's JVM. The start must show the
 * transform-time code compiled by C1 (so the list is read right) and never by C2, and the agent must still protect.
 */
@ExtendWith(AppLogsOnFailure.class)
class TransformTimeCodeJitIT {

    /** A PrintCompilation line: its tier (the last single digit before the method) and the method's class. */
    private static final Pattern COMPILATION = Pattern.compile("\\s([0-4])\\s+([\\w.$]+)::[\\w$<>]+");

    @Test
    void theDirectiveKeepsTransformTimeCodeOutOfC2FromTheStart() {
        Path java = ItConfig.currentJava();
        // the JVM's own defaults (the tests' other applications run C1 only, with the serial collector)
        try (AppProcess app = AppProcess.builder("transform-time-jit", ItConfig.springJar()).mode("block")
            .gc(List.of("-XX:+UseG1GC")).jvmArg("-XX:TieredStopAtLevel=4").jvmArg("-XX:+PrintCompilation")
            .start().awaitReady(Duration.ofSeconds(180))) {
            List<Executable> checks = JdkMatrixSmokeIT.attacksAndTwins(app, "spring", List.of());
            checks.add(() -> CompilerDirectives.awaitMatching(java, app, CompilerDirectives.WITH_AGENT));
            assertAll("attacks blocked, twins served, the directive in place", checks);
            List<String> patterns = CompilerDirectives.agentsPatterns(CompilerDirectives.printout(java, app));
            assertFalse(patterns.isEmpty(), "the agent's directive's patterns");

            app.stop();
            TreeSet<String> byC1 = new TreeSet<>();
            TreeSet<String> byC2 = new TreeSet<>();
            int c2Compilations = 0;
            for (String line : app.stdoutText().split("\n")) {
                Matcher m = COMPILATION.matcher(line);
                if (line.contains("made not compilable") || !m.find()) {
                    continue; // the directive's exclusions name the tier they refuse
                }
                c2Compilations += m.group(1).equals("4") ? 1 : 0;
                String type = m.group(2).replace('.', '/');
                if (patterns.stream().anyMatch(p -> matches(p, type))) {
                    (m.group(1).equals("4") ? byC2 : byC1).add(m.group(2));
                }
            }
            assertTrue(byC1.size() > 10, "the transform-time code is compiled (by C1) at all: " + byC1);
            assertTrue(c2Compilations > 100, "C2 compiles the application's code in this JVM: " + c2Compilations);
            assertEquals(new TreeSet<>(), byC2, "transform-time classes compiled by C2");
        }
    }

    /** A directive's method pattern ({@code dev/rasp/x/*.*}, {@code dev/rasp/x/Y.*}, {@code dev/rasp/x/Y$*.*}) on a class. */
    private static boolean matches(String pattern, String internalName) {
        String type = pattern.substring(0, pattern.lastIndexOf('.'));
        return type.endsWith("*") ? internalName.startsWith(type.substring(0, type.length() - 1))
            : internalName.equals(type);
    }
}
